import { detectClusterAccess } from "../platform/kube/cluster-access.ts";
import { KubeRestClient } from "../platform/kube/rest-client.ts";
import { SelectionError } from "../migration/live/errors.ts";
import { ExitCode, type Terminal } from "./terminal.ts";

export interface ClusterSession {
  readonly rest: KubeRestClient;
  /** The kubeconfig context's namespace, else `default` (kubectl's rule). */
  readonly contextNamespace: string;
  readonly source: string;
  close(): void;
}

/** The cluster of the kubeconfig; prints why and returns undefined when there is none (exit 2). */
export function openCluster(terminal: Terminal, kubeconfig: string | undefined, command: string): ClusterSession | undefined {
  try {
    const access = detectClusterAccess(terminal.env, kubeconfig);
    if (access.mode === "standalone") {
      terminal.stderr.write(`osac-vm ${command}: no cluster access: ${access.reason}; set KUBECONFIG or --kubeconfig\n`);
      return undefined;
    }
    const context = access.kubeConfig.getContextObject(access.kubeConfig.getCurrentContext());
    const rest = new KubeRestClient(access.kubeConfig);
    return { rest, contextNamespace: context?.namespace || "default", source: access.source, close: () => rest.close() };
  } catch (error) {
    terminal.stderr.write(`osac-vm ${command}: no cluster access: cannot use the kubeconfig ${kubeconfig ?? terminal.env.KUBECONFIG ?? ""}: ${(error as Error).message}\n`);
    return undefined;
  }
}

/** A SelectionError is a usage problem (exit 2, named by its code); anything else failed (exit 1). */
export function reportSelectionError(error: unknown, terminal: Terminal, command: string): number {
  if (error instanceof SelectionError) {
    terminal.stderr.write(`osac-vm ${command}: ${error.code}: ${error.message}\n`);
    return ExitCode.invalid;
  }
  terminal.stderr.write(`osac-vm ${command}: failed: ${(error as Error).message ?? String(error)}\n`);
  return ExitCode.failure;
}
