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
/** VM statuses that decide a vApp's aggregate; any other status counts as "deployed". */
function decisive(status: string | null): boolean {
  return status === null || status === "" || status === "UNRESOLVED" || status === "DELETING" || status === "DELETED";
}

/**
 * Whether a VM's status change can change its vApp's aggregate: only when the old or the new
 * status is one of those the aggregation looks for (a VM going from POWERED_ON to POWERED_OFF
 * leaves a vApp DEPLOYED). Pure.
 */
export function canChangeVAppStatus(from: string | null, to: string | null): boolean {
  return decisive(from) || decisive(to);
}

export function evaluateVAppStatus(templateInstance: TemplateInstanceState | undefined, vmStatuses: readonly (string | null)[]): VAppStatus {
  if (templateInstance?.failed) return "FAILED";
  if (templateInstance && !templateInstance.ready) return "INSTANTIATING";
  if (vmStatuses.length === 0) return "INSTANTIATING";
  for (const status of vmStatuses) {
    if (!decisive(status)) continue;
    return status === "DELETING" || status === "DELETED" ? "DELETING" : "INSTANTIATING";
  }
  return "DEPLOYED";
}
