import { HubRegistryError } from "../hubs/registry-client.ts";
import { detectClusterAccess } from "../platform/kube/cluster-access.ts";
import { KubeRestClient } from "../platform/kube/rest-client.ts";
import type { Terminal } from "./terminal.ts";

/** The management cluster of `osac-vm hubs`: --kubeconfig, KUBECONFIG, in-cluster, ~/.kube/config. */
export function connectToCluster(terminal: Terminal, kubeconfigPath: string | undefined): { readonly rest: KubeRestClient } {
  let access;
  try {
    access = detectClusterAccess(terminal.env, kubeconfigPath);
  } catch (error) {
    throw new HubRegistryError(`cannot load the kubeconfig ${kubeconfigPath ?? terminal.env.KUBECONFIG ?? ""}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
  if (access.mode === "standalone") throw new HubRegistryError(`needs the management cluster: set --kubeconfig or KUBECONFIG (${access.reason})`);
  return { rest: new KubeRestClient(access.kubeConfig, 15_000) };
}
