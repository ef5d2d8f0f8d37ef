import type { ServicePortInput } from "../vdc/network-policy.ts";

/** What the rest of the tree says about one namespace: what its LoadBalancer Services expose, which VMs it holds. */
export interface NamespaceFacts {
  readonly loadBalancers: { readonly ports: readonly ServicePortInput[] }[];
  readonly vms: string[];
}

/**
 * Reads the objects rendered into a namespace's directory by other writers (the orders' renderer,
 * template instantiation): LoadBalancer Services (their ports open the VDC's NetworkPolicy) and
 * KubeVirt VirtualMachines / VirtualMachineInstances (a deleted VDC's namespace stays while it
 * holds any). Documents of other kinds, other namespaces, or that are not objects are ignored. Pure.
 */
export function namespaceFacts(namespace: string, documents: readonly unknown[]): NamespaceFacts {
  const facts: NamespaceFacts = { loadBalancers: [], vms: [] };
  for (const document of documents) {
    if (!document || typeof document !== "object") continue;
    const object = document as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; spec?: { type?: unknown; ports?: unknown } };
    const objectNamespace = object.metadata?.namespace;
    if (objectNamespace !== undefined && objectNamespace !== namespace) continue;
    if (object.kind === "Service" && object.apiVersion === "v1" && object.spec?.type === "LoadBalancer" && Array.isArray(object.spec.ports)) {
      facts.loadBalancers.push({ ports: object.spec.ports.filter((port): port is ServicePortInput => !!port && typeof port === "object") });
    }
    if ((object.kind === "VirtualMachine" || object.kind === "VirtualMachineInstance") && typeof object.apiVersion === "string" && object.apiVersion.startsWith("kubevirt.io/")) {
      if (typeof object.metadata?.name === "string") facts.vms.push(object.metadata.name);
    }
  }
  return facts;
}
