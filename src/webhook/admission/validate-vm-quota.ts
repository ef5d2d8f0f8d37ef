import { vmDemand, vmPart, type VmPart } from "../../domain/quota/index.ts";
import { allow, denyBadRequest, denyForbidden, isBeingDeleted, isObject, unexpectedResource } from "./decision.ts";
import { checkQuota } from "./quota-check.ts";
import { KUBEVIRT_VM_RESOURCE } from "./resources.ts";
import type { AdmissionDecision, AdmissionDeps, AdmissionRequest } from "./types.ts";

/**
 * The validating webhook for KubeVirt VirtualMachines created or changed directly in a namespace
 * with a ResourceQuota (ADR 29): denied when its vCPUs, memory or new disks would exceed a quota.
 * An update is checked only for what it grows (KubeVirt's own controllers update VMs all the time:
 * an update that asks for no more is never refused); a VM being deleted is always allowed. The VM
 * of an admitted order takes that order's place (it is not counted twice).
 */
export function validateVirtualMachineQuota(request: AdmissionRequest, deps: AdmissionDeps): AdmissionDecision {
  if (request.operation !== "CREATE" && request.operation !== "UPDATE") return allow();
  const unexpected = unexpectedResource(request, KUBEVIRT_VM_RESOURCE);
  if (unexpected) return unexpected;
  if (request.subResource) return allow();
  const object = request.object;
  if (!isObject(object)) return denyBadRequest(`the ${request.operation} request for a VirtualMachine carries no object`);
  if (isBeingDeleted(object) || !request.namespace) return allow();
  const part = vmPart(withName(object, request.name));
  if (!part) return allow();
  const previousPart = request.operation === "UPDATE" ? vmPart(withName(request.oldObject, request.name)) : undefined;
  const verdict = checkQuota(deps.quota, {
    namespace: request.namespace,
    requestedIs: "the VM's vCPUs and memory, and the disks of its dataVolumeTemplates that do not exist yet",
    measure: (state) => ({
      claim: { virtualMachineNames: new Set([part.name]), dataVolumeNames: newDisks(part, state.dataVolumes) },
      asked: vmDemand(part, state),
      ...(previousPart ? { previous: vmDemand(previousPart, state) } : {}),
      unresolved: part.unresolved.map((item) => `${part.name}: ${item}`),
    }),
  });
  return verdict.allowed ? allow(verdict.warnings) : denyForbidden("VirtualMachine", part.name, verdict.message, verdict.warnings);
}

function withName(object: unknown, name: string | undefined): unknown {
  if (!isObject(object) || !name) return object;
  const metadata = isObject(object["metadata"]) ? object["metadata"] : {};
  return metadata["name"] ? object : { ...object, metadata: { ...metadata, name } };
}

/** The VM's disk templates that are not DataVolumes yet: the VM brings them, pending orders must not count them again. */
function newDisks(part: VmPart, existing: ReadonlyMap<string, unknown>): Set<string> {
  return new Set(part.volumeTemplates.filter((disk) => !existing.has(disk.name)).map((disk) => disk.name));
}
