import { ReachableReasons, type ReachableReason } from "../api/gitops/v1alpha1/hub.ts";
import { KubeApiError, KubeRestClient } from "../platform/kube/rest-client.ts";
import type { HubConnection } from "./kubeconfig.ts";

/** What the prober learned of one hub: the `Reachable` condition it will write. */
export interface ProbeResult {
  readonly reachable: boolean;
  readonly reason: ReachableReason;
  readonly message: string;
}

/** The APIs that prove the `virtualmachines` capability: KubeVirt's VMs and CDI's DataVolumes. */
export const VIRTUAL_MACHINE_APIS = [
  { groupVersion: "kubevirt.io/v1", resource: "virtualmachines" },
  { groupVersion: "cdi.kubevirt.io/v1beta1", resource: "datavolumes" },
] as const;

export interface ProbeOptions {
  /** Per request: connect, TLS and each idle gap of the answer. */
  readonly timeoutMs: number;
}

/**
 * Asks the hub's API server, through the hub's own kubeconfig (its CA, its TLS settings, its
 * credentials), for `/version` and API discovery: `/api` proves the credentials (discovery needs
 * an authenticated user), and for a hub that claims `virtualmachines`, the discovery documents of
 * kubevirt.io/v1 and cdi.kubevirt.io/v1beta1 prove that the VM APIs are served. Messages carry the
 * server URL and the API server's own words, never the kubeconfig.
 */
export async function probeHub(connection: HubConnection, capabilities: readonly string[], options: ProbeOptions): Promise<ProbeResult> {
  const client = new KubeRestClient(connection.toKubeConfig(), options.timeoutMs);
  try {
    const version = await client.request<{ gitVersion?: string }>("GET", "/version");
    await client.request("GET", "/api");
    const served: string[] = [];
    const missing: string[] = [];
    if (capabilities.includes("virtualmachines")) {
      for (const api of VIRTUAL_MACHINE_APIS) {
        const name = `${api.groupVersion} ${api.resource}`;
        if (await serves(client, api.groupVersion, api.resource)) served.push(name);
        else missing.push(name);
      }
    }
    const where = `Kubernetes ${version.body?.gitVersion ?? "(unknown version)"} at ${connection.server} answered (${connection.credentialKind})`;
    const insecure = connection.insecureSkipTlsVerify ? "; TLS verification is disabled by the kubeconfig" : "";
    if (missing.length > 0) {
      return { reachable: false, reason: ReachableReasons.kubeVirtNotServed, message: `${where}, but ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not served: the hub cannot run VMs${insecure}` };
    }
    const proof = served.length > 0 ? `; ${served.join(" and ")} are served` : "";
    return { reachable: true, reason: ReachableReasons.probed, message: `${where}${proof}${insecure}` };
  } catch (error) {
    return failure(error, connection);
  } finally {
    client.close();
  }
}

async function serves(client: KubeRestClient, groupVersion: string, resource: string): Promise<boolean> {
  const answer = await client.request<{ resources?: { name?: string }[] }>("GET", `/apis/${groupVersion}`, { allow404: true });
  if (answer.status === 404) return false;
  return (answer.body?.resources ?? []).some((entry) => entry.name === resource);
}

function failure(error: unknown, connection: HubConnection): ProbeResult {
  if (error instanceof KubeApiError) {
    if (error.status === 401) {
      return { reachable: false, reason: ReachableReasons.unauthorized, message: `${connection.server} refused the kubeconfig's ${connection.credentialKind} (HTTP 401)` };
    }
    if (error.status === 403) return { reachable: false, reason: ReachableReasons.forbidden, message: `${connection.server}: ${error.message}` };
    return { reachable: false, reason: ReachableReasons.unreachable, message: `${connection.server}: ${error.message}` };
  }
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  return { reachable: false, reason: ReachableReasons.unreachable, message: `${connection.server}: ${text}${code && !text.includes(code) ? ` (${code})` : ""}` };
}
