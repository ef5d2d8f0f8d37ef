import type { VdcView } from "../model/records.ts";
import { objectAnnotations, objectLabels } from "./metadata.ts";
import type { KubeObject } from "./kube-object.ts";

export const NETWORK_POLICY_NAME = "vdc-ingress";

/** A port the VDC's pods receive traffic on: a number or a named container port, and its protocol. */
export interface IngressPort {
  readonly protocol: "TCP" | "UDP" | "SCTP";
  readonly port: number | string;
}

/** A Service port as read from a Service (`spec.ports[]`). */
export interface ServicePortInput {
  readonly port?: unknown;
  readonly targetPort?: unknown;
  readonly protocol?: unknown;
}

/**
 * The pod ports a LoadBalancer Service's ports lead to. A NetworkPolicy filters traffic after the
 * Service's DNAT, so it must admit each port's `targetPort` (the pod's port, a number or a name),
 * which defaults to `port`. Protocol defaults to TCP. Sorted and without duplicates. Pure.
 */
export function ingressPortsOf(services: readonly { readonly ports: readonly ServicePortInput[] }[]): IngressPort[] {
  const seen = new Map<string, IngressPort>();
  for (const service of services) {
    for (const entry of service.ports) {
      const protocol = entry.protocol === "UDP" || entry.protocol === "SCTP" ? entry.protocol : "TCP";
      const target = entry.targetPort ?? entry.port;
      const port = portOf(target);
      if (port !== undefined) seen.set(`${protocol}/${port}`, { protocol, port });
    }
  }
  return [...seen.values()].sort(comparePorts);
}

/** A port number 1–65535 (JSON number or digits) or a non-empty port name; undefined otherwise. */
function portOf(value: unknown): number | string | undefined {
  if (typeof value === "string" && !/^[0-9]+$/.test(value)) return value === "" ? undefined : value;
  const port = Number(value);
  return typeof value !== "boolean" && value !== null && value !== undefined && Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
}

function comparePorts(a: IngressPort, b: IngressPort): number {
  if (a.protocol !== b.protocol) return a.protocol < b.protocol ? -1 : 1;
  if (typeof a.port !== typeof b.port) return typeof a.port === "number" ? -1 : 1;
  return a.port < b.port ? -1 : a.port > b.port ? 1 : 0;
}

/**
 * Default-deny ingress for every pod of the VDC, with two exceptions: traffic from pods of the same
 * namespace (the VDC's VMs talk to each other, as on a VDC network), and traffic from anywhere to
 * the ports the VDC's LoadBalancer Services lead to. Egress is not restricted (VMs reach
 * their networks as before; SSVirt's old `vdc-isolation` policy, which allowed only DNS, is not
 * repeated). Pure.
 */
export function networkPolicyObject(view: VdcView, ports: readonly IngressPort[]): KubeObject {
  const ingress: unknown[] = [{ from: [{ podSelector: {} }] }];
  if (ports.length > 0) ingress.push({ ports: ports.map((entry) => ({ protocol: entry.protocol, port: entry.port })) });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: NETWORK_POLICY_NAME, namespace: view.vdc.namespace, labels: objectLabels(view, "network-policy"), annotations: objectAnnotations(view) },
    spec: { podSelector: {}, policyTypes: ["Ingress"], ingress },
  };
}
