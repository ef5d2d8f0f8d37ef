/** SSVirt's vApp statuses (models/vapp.go). */
export const VAPP_STATUSES = ["INSTANTIATING", "DEPLOYED", "FAILED", "DELETING", "DELETED", "POWERING_ON", "POWERING_OFF"] as const;
export type VAppStatus = (typeof VAPP_STATUSES)[number];

/** A TemplateInstance's conditions, when the vApp was instantiated through one. */
export interface TemplateInstanceState {
  readonly ready: boolean;
  readonly failed: boolean;
}

/**
 * SSVirt's `VAppStatusEvaluator.EvaluateStatus` (controllers/vappstatus_controller.go), in its
 * order: a failed TemplateInstance → FAILED; one not Ready → INSTANTIATING; no VMs →
 * INSTANTIATING; then the VMs in order, the first that is `UNRESOLVED` or empty (null reads as
 * empty, as GORM reads it) → INSTANTIATING, the first that is `DELETING` or `DELETED` →
 * DELETING; otherwise DEPLOYED. `templateInstance` is undefined for vApps instantiated without
 * one (this project's client-side instantiation): the first two steps do not apply. `vmStatuses`
 * in `vms.id` order. Pure.
 */
export function evaluateVAppStatus(templateInstance: TemplateInstanceState | undefined, vmStatuses: readonly (string | null)[]): VAppStatus {
  if (templateInstance?.failed) return "FAILED";
  if (templateInstance && !templateInstance.ready) return "INSTANTIATING";
  if (vmStatuses.length === 0) return "INSTANTIATING";
  for (const status of vmStatuses) {
    if (status === "UNRESOLVED" || status === "" || status === null) return "INSTANTIATING";
    if (status === "DELETING" || status === "DELETED") return "DELETING";
  }
  return "DEPLOYED";
}
