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
 * kubevirt.io/v1 and cdi.kubevirt.io/v1beta1 prove that the VM APIs are served.
 *
 * Messages come from a closed vocabulary: nothing of the kubeconfig appears in them, not even the
 * server's address (a corrupted kubeconfig can put anything there), and neither does the text of
 * a transport error or an API server's answer (they repeat the address, or the user the
 * credentials map to); only error codes, HTTP statuses and the hub's Kubernetes version do.
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
    const gitVersion = version.body?.gitVersion;
    const shownVersion = typeof gitVersion === "string" && /^v?[0-9A-Za-z.+-]{1,64}$/.test(gitVersion) ? gitVersion : "(unknown version)";
    const where = `the hub's API server (Kubernetes ${shownVersion}) answered with the kubeconfig's ${connection.credentialKind}`;
    const insecure = connection.insecureSkipTlsVerify ? "; TLS verification is disabled by the kubeconfig" : "";
    if (missing.length > 0) {
      return { reachable: false, reason: ReachableReasons.kubeVirtNotServed, message: `${where}, but ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not served: the hub cannot run VMs${insecure}` };
    }
    const proof = served.length > 0 ? `; ${served.join(" and ")} are served` : "";
    return { reachable: true, reason: ReachableReasons.probed, message: `${where}${proof}${insecure}` };
  } catch (error) {
    return failure(error, connection, options.timeoutMs);
  } finally {
    client.close();
  }
}

async function serves(client: KubeRestClient, groupVersion: string, resource: string): Promise<boolean> {
  const answer = await client.request<{ resources?: { name?: string }[] }>("GET", `/apis/${groupVersion}`, { allow404: true });
  if (answer.status === 404) return false;
  return (answer.body?.resources ?? []).some((entry) => entry.name === resource);
}

/** Transport error codes and what they mean, in words that quote nothing. */
const TRANSPORT_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "refused the connection",
  ECONNRESET: "reset the connection",
  EHOSTUNREACH: "is unreachable (no route to host)",
  ENETUNREACH: "is unreachable (network unreachable)",
  ENOTFOUND: "has a host name that does not resolve",
  EAI_AGAIN: "has a host name that could not be resolved now",
  EPIPE: "closed the connection",
};

function failure(error: unknown, connection: HubConnection, timeoutMs: number): ProbeResult {
  const unreachable = (message: string): ProbeResult => ({ reachable: false, reason: ReachableReasons.unreachable, message });
  if (error instanceof KubeApiError) {
    if (error.status === 401) return { reachable: false, reason: ReachableReasons.unauthorized, message: `the hub's API server refused the kubeconfig's ${connection.credentialKind} (HTTP 401)` };
    if (error.status === 403) return { reachable: false, reason: ReachableReasons.forbidden, message: "the kubeconfig's credentials may not read the hub's API discovery (HTTP 403); grant them at least the system:discovery role" };
    return unreachable(`the hub's API server answered HTTP ${error.status}${/^[A-Za-z]{1,40}$/.test(error.reason) ? ` ${error.reason}` : ""}`);
  }
  const code = (error as { code?: unknown }).code;
  const text = error instanceof Error ? error.message : "";
  if (/timed out after/.test(text) || code === "ETIMEDOUT") return unreachable(`the hub's API server did not answer within ${timeoutMs} ms`);
  if (typeof code === "string" && TRANSPORT_ERRORS[code]) return unreachable(`the hub's API server ${TRANSPORT_ERRORS[code]} (${code})`);
  if (typeof code === "string" && /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME_MISMATCH)/.test(code)) {
    return unreachable(`TLS verification of the hub's API server failed (${code}): check the kubeconfig's certificate-authority-data and server name`);
  }
  return unreachable(`the hub's API server could not be reached${typeof code === "string" && /^[A-Z0-9_]{1,40}$/.test(code) ? ` (${code})` : ""}`);
}
