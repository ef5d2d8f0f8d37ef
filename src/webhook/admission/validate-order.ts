import { Annotations, Labels, ORDER_KIND } from "../../api/well-known.ts";
import { formatFieldError, showValue, type FieldError, type Validation } from "../../domain/field-error.ts";
import { isCatalogOrder, orderWorkload, validateAnyOrder, type AnyOrder } from "../../domain/catalog-order/index.ts";
import type { Order } from "../../domain/order.ts";
import { demandOfWorkload, workloadNames } from "../../domain/quota/index.ts";
import {
  allow,
  denyBadRequest,
  denyForbidden,
  denyInvalid,
  isBeingDeleted,
  isObject,
  jsonEqual,
  objectAt,
  stringAt,
  unexpectedResource,
  type JsonObject,
} from "./decision.ts";
import { checkFirmwarePinOnUpdate } from "./firmware-rules.ts";
import { checkHubOnCreate, checkHubOnUpdate } from "./hub-rules.ts";
import { effectiveOf, effectiveParameters, type EffectiveParameters } from "./effective-parameters.ts";
import { checkQuota } from "./quota-check.ts";
import { compareQuantities, parseQuantity } from "../../domain/quantity/exact-quantity.ts";
import { ORDER_RESOURCE } from "./resources.ts";
import { STORAGE_CLASS_FIELD } from "./storage-class.ts";
import type { AdmissionDecision, AdmissionDeps, AdmissionRequest } from "./types.ts";

const TENANT_FIELD = `metadata.annotations[${Annotations.tenant}]`;
const MANAGED_BY_FIELD = `metadata.annotations[${Annotations.managedBy}]`;
const UUID_FIELD = `metadata.labels[${Labels.orderUuid}]`;
const PARAMETERS_FIELD = "spec.templateParameters";

/**
 * The validating webhook for `cloudkit.openshift.io/v1alpha1` VirtualMachine orders.
 *
 * CREATE: every domain rule (template, parameters, name, namespace, tenant, managed-by), all errors
 * in one message. UPDATE: only what changed is checked, so an order stored before a rule existed
 * stays updatable (finalizers, labels, annotations); then the update rules: the tenant,
 * `templateID`, `image_source` and `storage_class` are immutable, `disk_size` only grows,
 * `managed-by` cannot be removed (moves between modes are allowed, with a warning for the ones that
 * hand children from one owner to another). An order being deleted is always allowed. The hub
 * annotations follow hub-rules.ts: a hub, once set, never changes; the firmware UUID pin follows
 * firmware-rules.ts: once set, it never changes.
 *
 * An order naming a catalog template (`openshift.templates.<namespace>.<name>`, ADR 28) has its
 * parameters checked against that Template. A valid order whose spec is new or changed is then
 * checked against its tenant namespace's ResourceQuotas (ADR 29): denied, Forbidden, when its VM's
 * vCPUs, memory or disk would exceed one. Not with hub placement on (ADR 24): the VM then lands in
 * a hub's namespace, which this cluster's quotas do not govern; the hub's capacity does, at placement.
 */
export function validateOrderAdmission(request: AdmissionRequest, deps: AdmissionDeps): AdmissionDecision {
  if (request.operation !== "CREATE" && request.operation !== "UPDATE") return allow();
  const unexpected = unexpectedResource(request, ORDER_RESOURCE);
  if (unexpected) return unexpected;
  if (request.subResource) return allow();
  const object = request.object;
  if (!isObject(object)) return denyBadRequest(`the ${request.operation} request for a ${ORDER_KIND} carries no object`);
  if (isBeingDeleted(object)) return allow();

  const order = withRequestNamespace(object, request.namespace);
  const oldObject = request.operation === "UPDATE" && isObject(request.oldObject) ? request.oldObject : undefined;
  const { errors, warnings, admitted, previous } = oldObject === undefined ? checkCreate(order, deps) : checkUpdate(order, oldObject, deps);
  const name = stringAt(order["metadata"], "name") || request.name || "";
  if (errors.length > 0) return denyInvalid(ORDER_KIND, name, errors.map(formatFieldError), warnings);
  if (admitted === undefined || deps.hubs !== undefined) return allow(warnings);
  const quota = checkOrderQuota(admitted, previous, deps);
  return quota.allowed ? allow([...warnings, ...quota.warnings]) : denyForbidden(ORDER_KIND, name, quota.message, [...warnings, ...quota.warnings]);
}

interface Findings {
  readonly errors: readonly FieldError[];
  readonly warnings: readonly string[];
  /** The valid order whose spec is new or changed: what the quota check measures. */
  readonly admitted?: AnyOrder;
  /** On an update, the stored order as it was (when valid). */
  readonly previous?: AnyOrder;
}

/** Measured only when the tenant namespace has a quota (a catalog order's Template is processed for it). */
function checkOrderQuota(order: AnyOrder, previous: AnyOrder | undefined, deps: AdmissionDeps) {
  return checkQuota(deps.quota, {
    namespace: order.tenantNamespace,
    requestedIs: "the vCPUs, memory and disks of the objects this order makes",
    measure: () => {
      const workload = orderWorkload(order);
      const before = previous === undefined ? undefined : orderWorkload(previous);
      const names = workloadNames(workload);
      const old = before === undefined ? undefined : workloadNames(before);
      return {
        claim: {
          orderKey: `${order.namespace}/${order.name}`,
          virtualMachineNames: new Set([...names.virtualMachines, ...(old?.virtualMachines ?? [])]),
          dataVolumeNames: new Set([...names.dataVolumes, ...(old?.dataVolumes ?? [])]),
        },
        asked: demandOfWorkload(workload),
        ...(before === undefined ? {} : { previous: demandOfWorkload(before) }),
        unresolved: workload.virtualMachines.flatMap((vm) => vm.unresolved.map((item) => `${vm.name}: ${item}`)),
      };
    },
  });
}

/** The API server sets the namespace before admission; a hand-made request may not. */
function withRequestNamespace(object: JsonObject, namespace: string | undefined): JsonObject {
  const metadata = objectAt(object, "metadata");
  if (!namespace || !metadata || metadata["namespace"] !== undefined) return object;
  return { ...object, metadata: { ...metadata, namespace } };
}

function checkCreate(order: JsonObject, deps: AdmissionDeps): Findings {
  const result = validateAnyOrder(order, deps.catalog?.());
  const warnings = [...result.warnings, ...storageClassWarnings(effectiveAfter(result, order), deps)];
  if (!stringAt(objectAt(objectAt(order, "metadata"), "labels"), Labels.orderUuid)) {
    warnings.push(`${UUID_FIELD}: missing; the VM's firmware UUID derives from namespace/name`);
  }
  const hub = checkHubOnCreate(order, deps, result.errors.length > 0);
  return { errors: [...result.errors, ...hub.errors], warnings: [...warnings, ...hub.warnings], ...(result.value ? { admitted: result.value } : {}) };
}

/**
 * A valid order's parameters are decoded already; only an invalid one is read again, parameter by
 * parameter. A catalog order has none of the built-in parameters these rules compare.
 */
function effectiveAfter(validation: Validation<AnyOrder>, order: JsonObject): EffectiveParameters {
  if (validation.value) return isCatalogOrder(validation.value) ? {} : effectiveOf((validation.value as Order).parameters);
  return effectiveParameters(order);
}

function annotation(object: JsonObject, key: string): string | undefined {
  return stringAt(objectAt(objectAt(object, "metadata"), "annotations"), key);
}

function checkUpdate(order: JsonObject, old: JsonObject, deps: AdmissionDeps): Findings {
  const specChanged = !jsonEqual(order["spec"], old["spec"]);
  const oldManagedBy = annotation(old, Annotations.managedBy);
  const newManagedBy = annotation(order, Annotations.managedBy);
  const managedByChanged = newManagedBy !== oldManagedBy;
  const pinChanged = annotation(order, Annotations.firmwareUuid) !== annotation(old, Annotations.firmwareUuid);
  // The domain check costs most on the largest orders (it decodes and checks every parameter): metadata-only updates skip it.
  const catalog = deps.catalog?.();
  const result: Validation<AnyOrder> = specChanged || managedByChanged || pinChanged ? validateAnyOrder(order, catalog) : { errors: [], warnings: [] };
  // Name, namespace, apiVersion and kind cannot change; the tenant has its own rule below.
  const errors = result.errors.filter((error) => (error.field.startsWith("spec") ? specChanged : error.field === MANAGED_BY_FIELD && managedByChanged));
  const before = specChanged ? effectiveParameters(old) : {};
  const after = specChanged ? effectiveAfter(result, order) : {};
  const warnings: string[] = specChanged ? [...result.warnings, ...storageClassWarnings(after, deps)] : [];

  const oldTenant = annotation(old, Annotations.tenant);
  const newTenant = annotation(order, Annotations.tenant);
  if (oldTenant && newTenant !== oldTenant) {
    errors.push({
      field: TENANT_FIELD,
      ...(newTenant === undefined ? {} : { value: showValue(newTenant) }),
      message: `is immutable: the VM lives in the tenant's namespace; it was ${JSON.stringify(showValue(oldTenant))}`,
    });
  }
  checkManagedByChange(oldManagedBy, newManagedBy, errors, warnings);
  if (specChanged) checkSpecChange(order, old, before, after, errors);
  const hub = checkHubOnUpdate(order, old, deps);
  errors.push(...hub.errors);
  warnings.push(...hub.warnings);
  const pin = checkFirmwarePinOnUpdate(order, old, result.errors);
  errors.push(...pin.errors);
  warnings.push(...pin.warnings);
  if (!specChanged || result.value === undefined) return { errors, warnings };
  const previous = validateAnyOrder(old, catalog).value;
  return { errors, warnings, admitted: result.value, ...(previous ? { previous } : {}) };
}

function checkManagedByChange(from: string | undefined, to: string | undefined, errors: FieldError[], warnings: string[]): void {
  if (from === undefined || from === to) return;
  if (to === undefined) {
    errors.push({
      field: MANAGED_BY_FIELD,
      message: `cannot be removed (it was ${JSON.stringify(showValue(from))}); set 'aap' to hand the order back to the Ansible path`,
    });
  } else if (to === "aap") {
    warnings.push(`${MANAGED_BY_FIELD}: '${showValue(from)}' → 'aap': rolled back to the Ansible path`);
  } else if (from !== "aap") {
    warnings.push(`${MANAGED_BY_FIELD}: '${showValue(from)}' → '${showValue(to)}': the children change owner`);
  }
}

function checkSpecChange(order: JsonObject, old: JsonObject, before: EffectiveParameters, after: EffectiveParameters, errors: FieldError[]): void {
  const oldTemplate = stringAt(old["spec"], "templateID");
  const newTemplate = stringAt(order["spec"], "templateID");
  if (oldTemplate !== undefined && newTemplate !== undefined && oldTemplate !== newTemplate) {
    errors.push({
      field: "spec.templateID",
      value: showValue(newTemplate),
      message: `is immutable: a VM cannot change template; it was ${JSON.stringify(showValue(oldTemplate))}`,
    });
  }

  const oldImage = before.imageSource;
  const newImage = after.imageSource;
  if (oldImage !== undefined && newImage !== undefined && oldImage !== newImage) {
    errors.push({
      field: `${PARAMETERS_FIELD}.image_source`,
      value: showValue(newImage),
      message: `is immutable: the root disk was imported from ${JSON.stringify(showValue(oldImage))}; order a new VM for another image`,
    });
  }

  const oldSize = before.diskSize === undefined ? undefined : parseQuantity(before.diskSize);
  const newSize = after.diskSize === undefined ? undefined : parseQuantity(after.diskSize);
  if (oldSize !== undefined && newSize !== undefined && compareQuantities(newSize, oldSize) < 0) {
    errors.push({
      field: `${PARAMETERS_FIELD}.disk_size`,
      value: showValue(after.diskSize),
      message: `may only grow: a disk cannot shrink; it was ${JSON.stringify(showValue(before.diskSize))}`,
    });
  }

  if (before.storageClass !== undefined && after.storageClass !== undefined && before.storageClass.name !== after.storageClass.name) {
    const was = before.storageClass.name === undefined ? "not set" : JSON.stringify(showValue(before.storageClass.name));
    errors.push({
      field: STORAGE_CLASS_FIELD,
      ...(after.storageClass.name === undefined ? {} : { value: showValue(after.storageClass.name) }),
      message: `is immutable: the root disk cannot move to another StorageClass; it was ${was}`,
    });
  }
}

function storageClassWarnings(parameters: EffectiveParameters, deps: AdmissionDeps): string[] {
  const name = parameters.storageClass?.name;
  if (name === undefined || deps.storageClasses.exists(name) !== false) return [];
  return [`${STORAGE_CLASS_FIELD}: StorageClass ${JSON.stringify(name)} does not exist in this cluster`];
}
