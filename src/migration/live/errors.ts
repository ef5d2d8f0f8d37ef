/**
 * Why a live read cannot start: each is a usage problem (exit 2), named so the user can fix it.
 * - `BadSelector`: the API server refused the label selector;
 * - `UnknownNamespace`: `--namespace` names a namespace that does not exist;
 * - `NotFound`: an order named on the command line does not exist;
 * - `NoClusterAccess`: no kubeconfig, an unreachable API server, refused credentials or RBAC, or a
 *   cluster without the order API.
 */
export type SelectionProblem = "BadSelector" | "UnknownNamespace" | "NotFound" | "NoClusterAccess";

export class SelectionError extends Error {
  override readonly name = "SelectionError";
  constructor(
    readonly code: SelectionProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
