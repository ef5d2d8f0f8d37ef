import { allow, isObject, objectAt, unexpectedResource } from "./decision.ts";
import { pointer } from "./json-patch.ts";
import { DATA_VOLUME_RESOURCE } from "./resources.ts";
import { resolveStorageClass } from "./storage-class.ts";
import type { AdmissionDecision, AdmissionDeps, AdmissionRequest } from "./types.ts";

/**
 * The defaulting webhook for CDI DataVolumes in tenant namespaces (the webhook configuration's
 * namespaceSelector picks them). On CREATE, when the claim names no class, sets
 * `storageClassName` by the role's rule: `CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS`, else the
 * cluster's default StorageClass. The claim is `spec.pvc` when present, else `spec.storage`
 * (CDI itself refuses a DataVolume with both or neither). `storageClassName: ""` means "no class"
 * in Kubernetes and is kept. Without a class to set, the DataVolume is allowed unchanged with a
 * warning: a DataVolume is never blocked here. UPDATE is left alone (CDI refuses spec changes).
 */
export function mutateDataVolume(request: AdmissionRequest, deps: AdmissionDeps): AdmissionDecision {
  if (request.operation !== "CREATE" && request.operation !== "UPDATE") return allow();
  const unexpected = unexpectedResource(request, DATA_VOLUME_RESOURCE);
  if (unexpected) return unexpected;
  if (request.operation !== "CREATE" || request.subResource) return allow();

  const spec = objectAt(request.object, "spec");
  const claimKey = isObject(spec?.["pvc"]) ? "pvc" : isObject(spec?.["storage"]) ? "storage" : undefined;
  if (spec === undefined || claimKey === undefined) return allow();
  const current = (spec[claimKey] as Record<string, unknown>)["storageClassName"];
  if (current !== undefined && current !== null) return allow();

  const resolved = resolveStorageClass(deps);
  if (!resolved) {
    return allow([`spec.${claimKey}.storageClassName: not set and no default StorageClass; the volume may stay Pending`]);
  }
  return allow(resolved.warnings, [{ op: "add", path: pointer("spec", claimKey, "storageClassName"), value: resolved.name }]);
}
