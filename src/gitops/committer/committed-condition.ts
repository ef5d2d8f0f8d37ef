import type { Condition } from "../../api/v1alpha1/types.ts";

/** The condition the committer owns on every gitops order. */
export const COMMITTED = "Committed";

/** Why an order's state is not (yet) in Git. */
export type NotCommittedReason =
  | "PushFailed"
  | "PushRejected"
  | "RenderFailed"
  | "InvalidOrder"
  | "SealingUnavailable"
  | "SealingCertificateChanged"
  | "HeldBack"
  | "PathOccupied"
  | "UnknownHub"
  | "HubChanged";

export interface CommittedValue {
  readonly status: "True" | "False";
  readonly reason: string;
  readonly message: string;
}

/**
 * The order's files are in a pushed commit. The message's form is fixed (`osac-vm explain`
 * parses it): `Pushed commit <40-hex sha> with config version <desiredConfigVersion>`.
 */
export function pushed(commit: string, configVersion: string): CommittedValue {
  return { status: "True", reason: "Pushed", message: `Pushed commit ${commit} with config version ${configVersion}` };
}

/** The order is being deleted and the commit that removed its files is pushed. */
export function removed(commit: string, configVersion: string | undefined): CommittedValue {
  return {
    status: "True",
    reason: "Removed",
    message: `Pushed commit ${commit} with config version ${configVersion ?? "unknown"}, which removed the order's files; waiting for Argo CD to prune its children`,
  };
}

export function notCommitted(reason: NotCommittedReason, message: string): CommittedValue {
  return { status: "False", reason, message };
}

/** Parses a Committed message back: what `osac-vm explain` does. */
export function parsePushedMessage(message: string): { commit: string; configVersion: string } | undefined {
  const match = /^Pushed commit ([0-9a-f]{40}) with config version (\S+?)(?:,|$)/.exec(message);
  return match ? { commit: match[1]!, configVersion: match[2]! } : undefined;
}

export function committedConditionOf(conditions: readonly Condition[] | undefined): Condition | undefined {
  return conditions?.find((condition) => condition.type === COMMITTED);
}

/** Whether the order already shows this value for its current generation (then nothing is written). */
export function showsAlready(current: Condition | undefined, value: CommittedValue, generation: number): boolean {
  return current?.status === value.status && current.reason === value.reason && current.message === value.message && current.observedGeneration === generation;
}
