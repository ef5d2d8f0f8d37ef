import { Annotations, Labels, ORDER_KIND, type ManagedBy } from "../../api/well-known.ts";
import { CATALOG_ORDER_MODE, isCatalogTemplateId } from "../../domain/catalog-order/index.ts";
import { formatFieldError } from "../../domain/field-error.ts";
import { managedByFor, rolloutKey } from "../../domain/rollout.ts";
import { allow, denyInvalid, isBeingDeleted, isObject, objectAt, stringAt, unexpectedResource, type JsonObject } from "./decision.ts";
import { hubEdit } from "./hub-placement.ts";
import { pointer } from "./json-patch.ts";
import { decodeParameterObject } from "../../domain/templates/index.ts";
import { appendParameter } from "./parameters-text.ts";
import { ORDER_RESOURCE } from "./resources.ts";
import {
  hasStorageClassParameter,
  NO_STORAGE_CLASS_FIXES,
  resolveStorageClass,
  STORAGE_CLASS_FIELD,
  STORAGE_CLASS_PARAMETER,
} from "./storage-class.ts";
import type { AdmissionDecision, AdmissionDeps, AdmissionRequest, JsonPatchOperation } from "./types.ts";

/** The parameter the operator may give a pinned default (docs/adr/0015-template-api-contract.md). */
const IMAGE_SOURCE_PARAMETER = "image_source";

/** The mode of an order stored before this webhook existed: the Ansible path owned it. */
const LEGACY_MANAGED_BY: ManagedBy = "aap";

/**
 * The defaulting webhook for `cloudkit.openshift.io/v1alpha1` VirtualMachine orders.
 *
 * - `cloudkit.openshift.io/managed-by`, when absent: on CREATE from the rollout policy (`gitops`
 *   for an order naming a catalog template: only the renderer instantiates those, ADR 28); on UPDATE
 *   the stored value (a client that rewrote the annotations dropped it), else `aap` (an order from
 *   before the webhook). A value that is present is never changed.
 * - `storage_class` in `spec.templateParameters`, when absent, for the role's template family: on
 *   CREATE `CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS`, else the cluster's default StorageClass, else the
 *   order is denied; on UPDATE the stored order's class (a client that rewrote the parameters
 *   dropped it). Other keys and bytes of the text are kept exactly.
 * - `image_source`, when absent and the operator set OSAC_VM_DEFAULT_IMAGE_SOURCE (a pinned image):
 *   on CREATE that image; on UPDATE the stored order's. Unset, orders keep the role's default.
 *
 * - `cloudkit.openshift.io/hub` when hub placement is on: see `hubEdit` (hub-placement.ts).
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

  const editable = editableParameters(object);
  const parameters = request.operation === "CREATE" ? defaultParameters(editable, deps) : keepParameters(editable, request.oldObject, deps);
  if (parameters.kind === "no-class") {
    const name = stringAt(object.metadata, "name") || stringAt(object.metadata, "generateName") || request.name || "";
    const message = formatFieldError({ field: STORAGE_CLASS_FIELD, message: `is not set and there is no class to default to; ${NO_STORAGE_CLASS_FIXES}` });
    return denyInvalid(ORDER_KIND, name, [message]);
  }
  if (parameters.kind === "set") patch.push(parameters.operation);
  const annotationsExist = isObject(objectAt(object, "metadata")?.["annotations"]) || managedBy !== undefined;
  const hub = hubEdit(request, object, deps, annotationsExist, editable?.members);
  if (hub.kind === "deny") return hub.decision;
  if (hub.kind === "set") patch.push(...hub.operations);
  const decision = allow(parameters.kind === "set" ? parameters.warnings : [], patch);
  return hub.kind === "set" && hub.reservation ? { ...decision, reservation: hub.reservation } : decision;
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
  const templateId = stringAt(objectAt(request.object, "spec"), "templateID");
  if (templateId !== undefined && isCatalogTemplateId(templateId)) return CATALOG_ORDER_MODE;
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

type ParameterEdit =
  | { readonly kind: "none" }
  | { readonly kind: "no-class" }
  | { readonly kind: "set"; readonly operation: JsonPatchOperation; readonly warnings: readonly string[] };

const NONE: ParameterEdit = { kind: "none" };

/**
 * The order's parameters text and its decoded members, when the webhook may add parameters to it:
 * the role's template family, and a text that is absent or a JSON object (anything else is denied
 * by validation, and nothing is edited).
 */
interface EditableParameters {
  readonly text: string | undefined;
  readonly members: Readonly<Record<string, unknown>>;
}

function editableParameters(object: JsonObject): EditableParameters | undefined {
  const spec = objectAt(object, "spec");
  if (!spec || !hasStorageClassParameter(spec["templateID"])) return undefined;
  const text = spec["templateParameters"];
  if (text !== undefined && typeof text !== "string") return undefined;
  const members = decodeParameterObject(text);
  return members === undefined ? undefined : { text, members };
}

/** One replace (or add) of the whole text with the members appended; every other byte is kept. */
function appendParameters(text: string | undefined, additions: readonly (readonly [string, string])[], warnings: readonly string[]): ParameterEdit {
  if (additions.length === 0) return NONE;
  let edited = text;
  for (const [name, value] of additions) edited = appendParameter(edited, name, value);
  return {
    kind: "set",
    operation: { op: text === undefined ? "add" : "replace", path: pointer("spec", "templateParameters"), value: edited },
    warnings,
  };
}

/**
 * On CREATE, what a new order that names none gets: `storage_class` (or a denial when there is no
 * class to default to), and `image_source` when the operator pinned a default image
 * (OSAC_VM_DEFAULT_IMAGE_SOURCE). Written into the order, the defaults stay with it: changing the
 * settings later never changes an existing VM. Only a missing member is filled in; a member that
 * is present (null included) is the client's.
 */
function defaultParameters(editable: EditableParameters | undefined, deps: AdmissionDeps): ParameterEdit {
  if (!editable) return NONE;
  const additions: [string, string][] = [];
  const warnings: string[] = [];
  if (!Object.hasOwn(editable.members, STORAGE_CLASS_PARAMETER)) {
    const resolved = resolveStorageClass(deps);
    if (!resolved) return { kind: "no-class" };
    additions.push([STORAGE_CLASS_PARAMETER, resolved.name]);
    warnings.push(...resolved.warnings);
  }
  if (deps.imageSourceDefault !== undefined && !Object.hasOwn(editable.members, IMAGE_SOURCE_PARAMETER)) {
    additions.push([IMAGE_SOURCE_PARAMETER, deps.imageSourceDefault]);
  }
  return appendParameters(editable.text, additions, warnings);
}

/**
 * On UPDATE, the parameters the webhook defaults and the stored order has, put back when a client
 * that rewrote the parameters dropped them: `storage_class` always, `image_source` when a default
 * image is configured (both are immutable, so dropping them would be denied).
 */
function keepParameters(editable: EditableParameters | undefined, oldObject: unknown, deps: AdmissionDeps): ParameterEdit {
  if (!editable) return NONE;
  const kept = deps.imageSourceDefault === undefined ? [STORAGE_CLASS_PARAMETER] : [STORAGE_CLASS_PARAMETER, IMAGE_SOURCE_PARAMETER];
  const stored = decodeParameterObject(stringAt(objectAt(oldObject, "spec"), "templateParameters")) ?? {};
  const additions: [string, string][] = [];
  for (const name of kept) {
    const value = stored[name];
    if (!Object.hasOwn(editable.members, name) && typeof value === "string") additions.push([name, value]);
  }
  return appendParameters(editable.text, additions, []);
}
