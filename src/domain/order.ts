import { Annotations, Labels, MANAGED_BY_VALUES, ORDER_KIND, type ManagedBy } from "../api/well-known.ts";
import { API_VERSION } from "../api/v1alpha1/types.ts";
import { desiredConfigVersion } from "./config-version.ts";
import { isUuid } from "./firmware-uuid.ts";
import { showValue, type FieldError, type Validation } from "./field-error.ts";
import { checkOrderName, checkOrderNamespace } from "./naming.ts";
import { tenantNamespace } from "./tenant.ts";
import { parseTemplateParameters, type VmParameters } from "./templates/index.ts";

/** What every order has, whatever its template: names, tenant, mode and the template's id and parameters text. */
export interface OrderEnvelope {
  readonly name: string;
  readonly namespace: string;
  readonly tenant: string;
  readonly tenantNamespace: string;
  /** The fulfillment service's id (`cloudkit.openshift.io/virtualmachine-uuid` label), if any. */
  readonly orderUuid?: string;
  readonly managedBy?: ManagedBy;
  /** The hub it was placed on (`cloudkit.openshift.io/hub`), when hubs are in use. */
  readonly hub?: string;
  /** Its hub selector (`cloudkit.openshift.io/hub-selector`), as written. */
  readonly hubSelector?: string;
  /**
   * The VM's firmware UUID, pinned (`cloudkit.openshift.io/firmware-uuid`): rendered instead of the
   * derived one. Identity, not configuration: not part of the config version.
   */
  readonly pinnedFirmwareUuid?: string;
  readonly templateId: string;
  /** `spec.templateParameters` exactly as written (hashed into the config version). */
  readonly templateParameters?: string;
}

/** An order that passed every rule: what the renderer and the controller work from. */
export interface Order extends OrderEnvelope {
  readonly parameters: VmParameters;
  readonly desiredConfigVersion: string;
}

type Json = Record<string, unknown>;

/** The envelope's checks: every error, and the envelope when its own fields are all valid. */
export interface EnvelopeCheck {
  readonly errors: FieldError[];
  /** `spec.templateID` when it is a non-empty string (even if other fields are invalid). */
  readonly templateId?: string;
  /** `spec.templateParameters` when it is a string. */
  readonly templateParameters?: string;
  readonly envelope?: OrderEnvelope;
}

/**
 * Checks what every v1alpha1 order must have (apiVersion, kind, name, namespace, tenant,
 * managed-by, templateID, templateParameters as a string), but not the parameters themselves,
 * which depend on the template. Collects every error.
 */
export function checkOrderEnvelope(document: unknown): EnvelopeCheck {
  if (!isObject(document)) {
    return { errors: [{ field: "(document)", value: showValue(document), message: "must be a Kubernetes object (a mapping)" }] };
  }
  const errors: FieldError[] = [];
  if (document.apiVersion !== API_VERSION) {
    errors.push({ field: "apiVersion", value: showValue(document.apiVersion), message: `must be '${API_VERSION}'` });
  }
  if (document.kind !== ORDER_KIND) {
    errors.push({ field: "kind", value: showValue(document.kind), message: `must be '${ORDER_KIND}'` });
  }
  const metadata = isObject(document.metadata) ? document.metadata : {};
  const name = requiredString(metadata, "name", "metadata.name", "the children's names derive from it (generateName cannot be rendered)", errors);
  const namespace = requiredString(metadata, "namespace", "metadata.namespace", "the tenant namespace derives from it", errors);
  if (name !== undefined) errors.push(...checkOrderName(name));
  if (namespace !== undefined) errors.push(...checkOrderNamespace(namespace));

  const annotations = stringMap(metadata.annotations, "metadata.annotations", errors);
  const labels = stringMap(metadata.labels, "metadata.labels", errors);
  const tenant = annotations[Annotations.tenant];
  if (!tenant) {
    errors.push({
      field: `metadata.annotations[${Annotations.tenant}]`,
      message: "is required: it names the tenant whose namespace receives the VM",
    });
  }
  const managedBy = annotations[Annotations.managedBy];
  if (managedBy !== undefined && !(MANAGED_BY_VALUES as readonly string[]).includes(managedBy)) {
    errors.push({
      field: `metadata.annotations[${Annotations.managedBy}]`,
      value: showValue(managedBy),
      message: `must be one of ${MANAGED_BY_VALUES.map((v) => `'${v}'`).join(", ")}`,
    });
  }

  const pinnedFirmwareUuid = annotations[Annotations.firmwareUuid];
  if (pinnedFirmwareUuid !== undefined && !isUuid(pinnedFirmwareUuid)) {
    errors.push({
      field: `metadata.annotations[${Annotations.firmwareUuid}]`,
      value: showValue(pinnedFirmwareUuid),
      message: "must be a UUID (8-4-4-4-12 hexadecimal digits, e.g. '6a1a4fd5-0c3e-4d8e-8d2e-6b8f1f2b3c4d'): it pins the VM's firmware.uuid",
    });
  }

  const spec = isObject(document.spec) ? document.spec : undefined;
  if (!spec) errors.push({ field: "spec", message: "is required and must be a mapping with templateID and templateParameters" });
  const templateId = spec ? requiredString(spec, "templateID", "spec.templateID", "it selects the VM template", errors) : undefined;
  const rawParameters = spec?.templateParameters;
  if (rawParameters !== undefined && typeof rawParameters !== "string") {
    errors.push({
      field: "spec.templateParameters",
      value: typeof rawParameters,
      message: "must be a JSON-encoded string (for example '{\"cpu_cores\":\"4\"}'), not a YAML mapping",
    });
  }
  const templateParameters = typeof rawParameters === "string" ? rawParameters : undefined;
  const found = { ...(templateId === undefined ? {} : { templateId }), ...(templateParameters === undefined ? {} : { templateParameters }) };
  if (errors.length > 0 || !name || !namespace || !tenant || !templateId) return { errors, ...found };
  const orderUuid = labels[Labels.orderUuid];
  const hub = annotations[Annotations.hub];
  const hubSelector = annotations[Annotations.hubSelector];
  return {
    errors,
    ...found,
    envelope: {
      name,
      namespace,
      tenant,
      tenantNamespace: tenantNamespace(namespace, tenant),
      ...(orderUuid ? { orderUuid } : {}),
      ...(managedBy ? { managedBy: managedBy as ManagedBy } : {}),
      ...(hub ? { hub } : {}),
      ...(hubSelector ? { hubSelector } : {}),
      ...(pinnedFirmwareUuid ? { pinnedFirmwareUuid } : {}),
      templateId,
      ...(templateParameters !== undefined ? { templateParameters } : {}),
    },
  };
}

/** Checks one decoded document as a v1alpha1 order of the built-in template family; collects every error. */
export function validateOrder(document: unknown): Validation<Order> {
  const checked = checkOrderEnvelope(document);
  const errors = [...checked.errors];
  const parsed = checked.templateId === undefined ? undefined : parseTemplateParameters(checked.templateId, checked.templateParameters);
  if (parsed) errors.push(...parsed.errors);
  if (errors.length > 0 || !parsed?.value || !checked.envelope) {
    return { errors, warnings: parsed?.warnings ?? [] };
  }
  return { errors, warnings: parsed.warnings, value: withLazyConfigVersion({ ...checked.envelope, parameters: parsed.value }) };
}

/**
 * `desiredConfigVersion` hashes the whole spec (cloud-init included), which is most of the cost of
 * validating an order; admission never reads it. It is an enumerable accessor (JSON.stringify and
 * deep equality see it) computed on first read from the order's own `templateId` and
 * `templateParameters`, and remembered. The getter is one shared function: a closure per order
 * would give every order its own hidden class, allocated in V8's old space, and cost a
 * mark-compact every few hundred orders.
 */
const configVersions = new WeakMap<object, string>();
const CONFIG_VERSION_PROPERTY: PropertyDescriptor = {
  enumerable: true,
  configurable: false,
  get(this: OrderEnvelope): string {
    let value = configVersions.get(this);
    if (value === undefined) {
      value = desiredConfigVersion({ templateID: this.templateId, templateParameters: this.templateParameters });
      configVersions.set(this, value);
    }
    return value;
  },
};

export function withLazyConfigVersion<T extends OrderEnvelope>(order: T): T & { readonly desiredConfigVersion: string } {
  return Object.defineProperty(order, "desiredConfigVersion", CONFIG_VERSION_PROPERTY) as T & { readonly desiredConfigVersion: string };
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requiredString(holder: Json, key: string, field: string, why: string, errors: FieldError[]): string | undefined {
  const value = holder[key];
  if (typeof value === "string" && value.length > 0) return value;
  errors.push({
    field,
    ...(value === undefined ? {} : { value: showValue(value) }),
    message: `is required and must be a non-empty string: ${why}`,
  });
  return undefined;
}

function stringMap(value: unknown, field: string, errors: FieldError[]): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    errors.push({ field, value: showValue(value), message: "must be a mapping of strings to strings" });
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === "string") out[key] = item;
    else errors.push({ field: `${field}[${key}]`, value: showValue(item), message: "must be a string (quote it in YAML)" });
  }
  return out;
}
