import { SsvirtLabels, MANAGED_BY_SSVIRT } from "./metadata.ts";

/** What becomes of the namespace of a deleted VDC. */
export type DeletionDecision =
  /** It holds no VM: delete it (controller) or drop it from the tree (render). */
  | { readonly kind: "remove" }
  /** It still holds VMs: keep it, closed to new VMs, and report which VMs hold it. */
  | { readonly kind: "retain"; readonly vms: readonly string[] }
  /** It does not exist (any more): nothing to do. */
  | { readonly kind: "gone" }
  /** A namespace of that name exists but was not made for one of these VDCs: never touched. */
  | { readonly kind: "foreign"; readonly reason: string };

export interface DeletedNamespaceInput {
  /** The UUIDs (the `ssvirt.io/vdc-id` label values) of the deleted rows naming the namespace. */
  readonly vdcIds: readonly string[];
  /** The live namespace's labels; undefined when it does not exist. */
  readonly liveLabels: Readonly<Record<string, string>> | undefined;
  /** The VMs it holds: KubeVirt VirtualMachines and VirtualMachineInstances (by name). */
  readonly vms: readonly string[];
}

/**
 * A deleted VDC's namespace is removed only when it holds no VM, and only when it is the VDC's
 * own namespace (labelled `app.kubernetes.io/managed-by=ssvirt` and `ssvirt.io/vdc-id` of one of
 * the deleted rows): a namespace of the same name that someone else made is left alone. Pure.
 */
export function decideDeletedNamespace(input: DeletedNamespaceInput): DeletionDecision {
  if (input.liveLabels === undefined) return { kind: "gone" };
  const vdcId = input.liveLabels[SsvirtLabels.vdcId];
  if (input.liveLabels[SsvirtLabels.managedBy] !== MANAGED_BY_SSVIRT || vdcId === undefined || !input.vdcIds.includes(vdcId)) {
    return {
      kind: "foreign",
      reason: `its labels ${SsvirtLabels.managedBy}=${input.liveLabels[SsvirtLabels.managedBy] ?? "(none)"}, ${SsvirtLabels.vdcId}=${vdcId ?? "(none)"} do not name a deleted VDC (${input.vdcIds.join(", ")})`,
    };
  }
  if (input.vms.length > 0) return { kind: "retain", vms: [...new Set(input.vms)].sort() };
  return { kind: "remove" };
}
