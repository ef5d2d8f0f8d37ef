import type { LiveChild } from "./children.ts";

/** The role's deletion order, after the floating IP (which stays with Ansible): VM, Services, DataVolume, Secrets. */
export const DELETION_ORDER = ["kubevirt.io/v1/VirtualMachine", "v1/Service", "cdi.kubevirt.io/v1beta1/DataVolume", "v1/Secret"] as const;

export type DeletionStep =
  | { readonly kind: "delete"; readonly objects: LiveChild[] }
  | { readonly kind: "wait"; readonly objects: LiveChild[] }
  | { readonly kind: "done" };

/**
 * The next step of deleting an order's children: delete the first kind (in the role's order) that
 * still has live objects, wait until they are gone, then move to the next; `done` releases the
 * finalizer. Kinds outside the list are not the order's to delete. Pure.
 */
export function nextDeletionStep(live: readonly LiveChild[]): DeletionStep {
  for (const kind of DELETION_ORDER) {
    const objects = live.filter((child) => `${child.apiVersion}/${child.kind}` === kind);
    if (objects.length === 0) continue;
    const pending = objects.filter((child) => !child.deleting);
    return pending.length > 0 ? { kind: "delete", objects: pending } : { kind: "wait", objects };
  }
  return { kind: "done" };
}
