/** The admission decisions: pure `(request, deps) → decision` functions for the HTTP layer. */
export { mutateOrder } from "./mutate-order.ts";
export { validateOrderAdmission } from "./validate-order.ts";
export { mutateDataVolume } from "./mutate-data-volume.ts";
export { validateVirtualMachineQuota } from "./validate-vm-quota.ts";
export { MAX_WARNING_LENGTH } from "./decision.ts";
export { applyJsonPatch, JsonPatchError } from "./json-patch.ts";
export type {
  AdmissionDecider,
  AdmissionDecision,
  AdmissionDeps,
  AdmissionRequest,
  AdmissionStatus,
  GroupVersionKind,
  GroupVersionResource,
  JsonPatchOperation,
  ManagedByPolicy,
  StorageClassView,
} from "./types.ts";
