import { Annotations, Labels, ORDER_KIND } from "../../api/well-known.ts";
import { formatFieldError } from "../../domain/field-error.ts";
import { parseLabelSelector } from "../../domain/placement/label-selector.ts";
import { orderResources, orderResourcesOfMembers } from "../../domain/placement/order-resources.ts";
import { formatBytes, formatRejections, placeOrder } from "../../domain/placement/place.ts";
import type { HubReservation } from "../../hubs/allocation-tally.ts";
import { orderKey, uuidKey } from "../../hubs/order-claims.ts";
import { catalogOrderResources } from "./catalog-resources.ts";
import { denyInvalid, denyUnavailable, isObject, objectAt, stringAt, type JsonObject } from "./decision.ts";
import { pointer } from "./json-patch.ts";
import type { AdmissionDecision, AdmissionDeps, AdmissionRequest, JsonPatchOperation } from "./types.ts";

export const HUB_FIELD = `metadata.annotations[${Annotations.hub}]`;
export const HUB_SELECTOR_FIELD = `metadata.annotations[${Annotations.hubSelector}]`;

export type HubEdit =
  | { readonly kind: "none" }
  | { readonly kind: "set"; readonly operations: readonly JsonPatchOperation[]; readonly reservation?: HubReservation }
  | { readonly kind: "deny"; readonly decision: AdmissionDecision };

const NONE: HubEdit = { kind: "none" };

/**
 * What the mutating webhook does about `cloudkit.openshift.io/hub`
 * (docs/adr/0024-hub-registry-and-placement.md):
 * - CREATE with hub placement on and no hub set: place the order with the pure `placeOrder` on a
 *   snapshot of the watched registry, set the annotation and ask for a reservation; deny, naming
 *   every hub and why, when none fits; deny as unavailable before the watches have synced.
 *   An order naming a catalog template is sized by its Template (catalog-resources.ts). Orders
 *   whose parameters or selector cannot be read are left to validation, which denies them.
 * - CREATE with the hub set by the client: kept as it is (validation checks it against the
 *   registry) and reserved.
 * - UPDATE: a hub (and hub selector) that the stored order has and the new one dropped is put
 *   back, as `managed-by` is; validation refuses any other change.
 * `annotationsExist`: whether `/metadata/annotations` is an object once the operations before
 * this one are applied; `members`: the parameters, when the caller has decoded them already.
 */
export function hubEdit(request: AdmissionRequest, object: JsonObject, deps: AdmissionDeps, annotationsExist: boolean, members?: Readonly<Record<string, unknown>>): HubEdit {
  if (request.operation === "UPDATE") return keepHub(object, request.oldObject, annotationsExist);
  const hubs = deps.hubs;
  if (hubs === undefined) return NONE;
  if (!hubs.synced) return { kind: "deny", decision: denyUnavailable("the hub registry has not synced yet (watches of Hubs and orders are starting); retry in a few seconds") };
  const metadata = objectAt(object, "metadata");
  const annotations = objectAt(metadata, "annotations");
  const spec = objectAt(object, "spec");
  const resources =
    members !== undefined
      ? orderResourcesOfMembers(spec?.["templateID"], members)
      : (orderResources(spec?.["templateID"], spec?.["templateParameters"]) ?? catalogOrderResources(object, request.namespace, deps));
  const keys = reservationKeys(object, request);
  const explicit = stringAt(annotations, Annotations.hub);
  if (explicit !== undefined) {
    return resources === undefined || keys.length === 0 ? NONE : { kind: "set", operations: [], reservation: { hub: explicit, keys, ...resources } };
  }
  const selectorText = stringAt(annotations, Annotations.hubSelector) ?? "";
  const selector = parseLabelSelector(selectorText);
  if (resources === undefined || "error" in selector || !annotationsExist) return NONE;
  const decision = placeOrder({ key: tieBreakKey(object, request), vcpus: resources.vcpus, memoryBytes: resources.memoryBytes, selector: selector.selector }, hubs.candidates());
  if (!decision.placed) {
    const name = stringAt(metadata, "name") || stringAt(metadata, "generateName") || request.name || "";
    const needs = `${resources.vcpus} vCPUs and ${formatBytes(resources.memoryBytes)} of memory`;
    const message = formatFieldError({ field: HUB_FIELD, message: `no hub can take the order (it needs ${needs}): ${formatRejections(decision.rejections)}` });
    return { kind: "deny", decision: denyInvalid(ORDER_KIND, name, [message]) };
  }
  return {
    kind: "set",
    operations: [{ op: "add", path: pointer("metadata", "annotations", Annotations.hub), value: decision.hub }],
    ...(keys.length > 0 ? { reservation: { hub: decision.hub, keys, ...resources } } : {}),
  };
}

function keepHub(object: JsonObject, oldObject: unknown, annotationsExist: boolean): HubEdit {
  const stored = objectAt(objectAt(oldObject, "metadata"), "annotations");
  const annotations = objectAt(objectAt(object, "metadata"), "annotations");
  const storedHub = stringAt(stored, Annotations.hub);
  if (storedHub === undefined || !annotationsExist) return NONE;
  const operations: JsonPatchOperation[] = [];
  for (const key of [Annotations.hub, Annotations.hubSelector]) {
    const value = stringAt(stored, key);
    if (value !== undefined && (!isObject(annotations) || annotations[key] === undefined)) operations.push({ op: "add", path: pointer("metadata", "annotations", key), value });
  }
  return operations.length === 0 ? NONE : { kind: "set", operations };
}

/**
 * The key the tie-break hashes: the order's uuid (fulfillment-service's id, known on a
 * generateName create), else namespace/name, else the request's uid.
 */
function tieBreakKey(object: JsonObject, request: AdmissionRequest): string {
  const metadata = objectAt(object, "metadata");
  const uuid = stringAt(objectAt(metadata, "labels"), Labels.orderUuid);
  if (uuid) return uuid;
  const name = stringAt(metadata, "name") || request.name;
  const namespace = stringAt(metadata, "namespace") || request.namespace;
  return name && namespace ? orderKey(namespace, name) : request.uid;
}

/** Under which keys the order will show up in the watch (the name is unknown on a generateName create). */
function reservationKeys(object: JsonObject, request: AdmissionRequest): string[] {
  const metadata = objectAt(object, "metadata");
  const keys: string[] = [];
  const name = stringAt(metadata, "name") || request.name;
  const namespace = stringAt(metadata, "namespace") || request.namespace;
  if (name && namespace) keys.push(orderKey(namespace, name));
  const uuid = stringAt(objectAt(metadata, "labels"), Labels.orderUuid);
  if (uuid) keys.push(uuidKey(uuid));
  return keys;
}
