/**
 * The shapes of OpenShift `template.openshift.io/v1` Templates as this project reads them: plain
 * JSON, the way library-go's `Process` sees a Template whose objects arrive as raw JSON
 * (`runtime.RawExtension.Raw`) and are decoded as unstructured maps.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** One entry of a Template's `parameters` (openshift/api `template/v1.Parameter`). */
export interface TemplateParameter {
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  /** The value; empty or absent means "not set" (library-go tests `len(param.Value) > 0`). */
  readonly value?: string;
  /** A generator name; the only one real processors register is `expression`. */
  readonly generate?: string;
  /** The generator's input, e.g. `[a-z0-9]{16}`. */
  readonly from?: string;
  readonly required?: boolean;
}

export interface TemplateMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  /** RFC 3339, as the API server writes it; absent for a Template read from a file. */
  readonly creationTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A Template that passed `readTemplate`; its objects are still raw JSON, checked when processed. */
export interface OpenShiftTemplate {
  readonly metadata: TemplateMetadata;
  readonly message?: string;
  readonly objects: readonly JsonValue[];
  readonly parameters: readonly TemplateParameter[];
  /**
   * The Template's `labels` (Go field `ObjectLabels`), merged into every object. Absent and `{}`
   * differ, as upstream: `{}` gives every object a `metadata.labels` map, absent adds nothing.
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * What `processTemplate` returns: the same Template with values filled in and objects substituted.
 * Parameter values, the message and the objects may hold generated credentials: never log them.
 */
export interface ProcessedTemplate {
  readonly metadata: TemplateMetadata;
  readonly message?: string;
  readonly objects: readonly JsonObject[];
  /** Every parameter with its final value (supplied, the template's, or generated). */
  readonly parameters: readonly TemplateParameter[];
  readonly labels?: Readonly<Record<string, string>>;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Sets an own property, also for the key `__proto__` (which plain assignment would turn into a
 * prototype change): template keys are user data.
 */
export function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
