import type { VdcView } from "../model/records.ts";

/**
 * What a VDC row asks of its namespace:
 * - `enabled`: the namespace and its objects, open for new VMs;
 * - `disabled`: the same objects, but no new VirtualMachine may be created (the VDC or its
 *   organization is disabled; running VMs keep running, restart and migrate);
 * - `deleted`: the row is soft-deleted; the namespace goes once it holds no VM, and is kept closed
 *   to new VMs (as `disabled`) until then.
 */
export type VdcState = "enabled" | "disabled" | "deleted";

export function vdcState(view: VdcView): VdcState {
  if (view.vdc.deletedAt !== null) return "deleted";
  const organization = view.organization;
  if (!view.vdc.isEnabled || !organization || !organization.isEnabled || organization.deletedAt !== null) return "disabled";
  return "enabled";
}
