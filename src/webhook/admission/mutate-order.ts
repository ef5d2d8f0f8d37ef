import { Annotations, Labels, ORDER_KIND, type ManagedBy } from "../../api/well-known.ts";
import { formatFieldError } from "../../domain/field-error.ts";
import { managedByFor, rolloutKey } from "../../domain/rollout.ts";
import { allow, denyInvalid, isBeingDeleted, isObject, objectAt, stringAt, unexpectedResource, type JsonObject } from "./decision.ts";
import { pointer } from "./json-patch.ts";
import { appendParameter, readParameter } from "./parameters-text.ts";
import { ORDER_RESOURCE } from "./resources.ts";
import {
  hasStorageClassParameter,
  NO_STORAGE_CLASS_FIXES,
  resolveStorageClass,
  STORAGE_CLASS_FIELD,
  STORAGE_CLASS_PARAMETER,
} from "./storage-class.ts";
import type { AdmissionDecision, AdmissionDeps, AdmissionRequest, JsonPatchOperation } from "./types.ts";

/** The mode of an order stored before this webhook existed: the Ansible path owned it. */
const LEGACY_MANAGED_BY: ManagedBy = "aap";

/**
 * The defaulting webhook for `cloudkit.openshift.io/v1alpha1` VirtualMachine orders.
 *
 * - `cloudkit.openshift.io/managed-by`, when absent: on CREATE from the rollout policy; on UPDATE
 *   the stored value (a client that rewrote the annotations dropped it), else `aap` (an order from
 *   before the webhook). A value that is present is never changed.
 * - `storage_class` in `spec.templateParameters`, when absent, for the role's template family: on
 *   CREATE `CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS`, else the cluster's default StorageClass, else the
 *   order is denied; on UPDATE the stored order's class (a client that rewrote the parameters
 *   dropped it). Other keys and bytes of the text are kept exactly.
 *
 * The patch addresses the raw incoming object only where it adds or replaces, so unknown fields
 * survive; applied and re-submitted (reinvocation), the order yields no patch.
 */
export function mutateOrder(request: AdmissionRequest, deps: AdmissionDeps): AdmissionDecision {
  if (request.operation !== "CREATE" && request.operation !== "UPDATE") return allow();
  const unexpected = unexpectedResource(request, ORDER_RESOURCE);
  if (unexpected) return unexpected;
  if (request.subResource) return allow();
  const object = request.object;
  if (!isObject(object)) return allow([`admission: ${request.operation} of a ${ORDER_KIND} without an object; nothing defaulted`]);
  if (isBeingDeleted(object)) return allow();

  const patch: JsonPatchOperation[] = [];
  const managedBy = managedByOperation(request, object, deps);
  if (managedBy) patch.push(managedBy);

  const storage = request.operation === "CREATE" ? defaultStorageClass(object, deps) : keepStorageClass(object, request.oldObject);
  if (storage.kind === "no-class") {
    const name = stringAt(object.metadata, "name") || stringAt(object.metadata, "generateName") || request.name || "";
    const message = formatFieldError({ field: STORAGE_CLASS_FIELD, message: `is not set and there is no class to default to; ${NO_STORAGE_CLASS_FIXES}` });
    return denyInvalid(ORDER_KIND, name, [message]);
  }
  if (storage.kind === "set") patch.push(storage.operation);
  return allow(storage.kind === "set" ? storage.warnings : [], patch);
}

function managedByOperation(request: AdmissionRequest, object: JsonObject, deps: AdmissionDeps): JsonPatchOperation | undefined {
  const metadata = object["metadata"];
  const annotations = isObject(metadata) ? metadata["annotations"] : undefined;
  if (metadata !== undefined && !isObject(metadata)) return undefined;
  if (annotations !== undefined && annotations !== null && !isObject(annotations)) return undefined;
  if (isObject(annotations) && annotations[Annotations.managedBy] !== undefined) return undefined;

  const value = request.operation === "CREATE" ? newOrderMode(request, deps) : storedMode(request.oldObject);
  if (!isObject(metadata)) return { op: "add", path: pointer("metadata"), value: { annotations: { [Annotations.managedBy]: value } } };
  if (!isObject(annotations)) return { op: "add", path: pointer("metadata", "annotations"), value: { [Annotations.managedBy]: value } };
  return { op: "add", path: pointer("metadata", "annotations", Annotations.managedBy), value };
}

function newOrderMode(request: AdmissionRequest, deps: AdmissionDeps): ManagedBy {
  const metadata = objectAt(request.object, "metadata");
  const uuid = stringAt(objectAt(metadata, "labels"), Labels.orderUuid);
  const namespace = stringAt(metadata, "namespace") || request.namespace;
  const name = stringAt(metadata, "name") || request.name;
  const key = rolloutKey({
    requestUid: request.uid,
    ...(uuid ? { uuid } : {}),
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
  });
  return managedByFor(deps.managedBy, key);
}

function storedMode(oldObject: unknown): string {
  const stored = stringAt(objectAt(objectAt(oldObject, "metadata"), "annotations"), Annotations.managedBy);
  return stored ?? LEGACY_MANAGED_BY;
}

type StorageEdit =
  | { readonly kind: "none" }
  | { readonly kind: "no-class" }
  | { readonly kind: "set"; readonly operation: JsonPatchOperation; readonly warnings: readonly string[] };

const NONE: StorageEdit = { kind: "none" };

/** The order's parameters text when `storage_class` may be added to it, else undefined. */
function editableParameters(object: JsonObject): { readonly text: string | undefined } | undefined {
  const spec = objectAt(object, "spec");
  if (!spec || !hasStorageClassParameter(spec["templateID"])) return undefined;
  const text = spec["templateParameters"];
  if (text !== undefined && typeof text !== "string") return undefined;
  return readParameter(text, STORAGE_CLASS_PARAMETER).state === "absent" ? { text } : undefined;
}

function setParameter(text: string | undefined, name: string, warnings: readonly string[]): StorageEdit {
  return {
    kind: "set",
    operation: {
      op: text === undefined ? "add" : "replace",
      path: pointer("spec", "templateParameters"),
      value: appendParameter(text, STORAGE_CLASS_PARAMETER, name),
    },
    warnings,
  };
}

function defaultStorageClass(object: JsonObject, deps: AdmissionDeps): StorageEdit {
  const editable = editableParameters(object);
  if (!editable) return NONE;
  const resolved = resolveStorageClass(deps);
  if (!resolved) return { kind: "no-class" };
  return setParameter(editable.text, resolved.name, resolved.warnings);
}

function keepStorageClass(object: JsonObject, oldObject: unknown): StorageEdit {
  const editable = editableParameters(object);
  if (!editable) return NONE;
  const oldText = stringAt(objectAt(oldObject, "spec"), "templateParameters");
  const stored = readParameter(oldText, STORAGE_CLASS_PARAMETER);
  if (stored.state !== "present" || typeof stored.value !== "string") return NONE;
  return setParameter(editable.text, stored.value, []);
}
