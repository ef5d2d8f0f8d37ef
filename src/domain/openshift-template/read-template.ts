import { redacted, showValue } from "../field-error.ts";
import { failed, succeeded, type TemplateProblem, type TemplateResult } from "./problems.ts";
import { isJsonObject, type JsonValue, type OpenShiftTemplate, type TemplateMetadata, type TemplateParameter } from "./types.ts";

export const TEMPLATE_API_VERSION = "template.openshift.io/v1";
/** The group-less form `oc` still accepts for Templates (library-go groupifies it). */
const LEGACY_API_VERSION = "v1";
export const TEMPLATE_KIND = "Template";

/** openshift-apiserver's `ParameterNameRegexp`. */
const PARAMETER_NAME = /^[a-zA-Z0-9_]+$/;
/** RFC 3339 as metav1.Time writes and reads it (seconds, optional fraction, Z or an offset). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type Json = Record<string, unknown>;

export function isTemplateDocument(document: unknown): boolean {
  return isJsonObject(document) && document.kind === TEMPLATE_KIND && (document.apiVersion === TEMPLATE_API_VERSION || document.apiVersion === LEGACY_API_VERSION);
}

/**
 * Checks one decoded document as a `template.openshift.io/v1` Template, the way the API server's
 * decoding and validation would take it: strings where the Go types have strings, parameter names
 * of `[a-zA-Z0-9_]`, no parameter declared twice, `objects` a list. The objects themselves are
 * checked when processed, as upstream. Every problem is collected.
 */
export function readTemplate(document: unknown): TemplateResult<OpenShiftTemplate> {
  if (!isJsonObject(document)) return failed([invalid("(document)", "must be a Template (a mapping)", showValue(document))]);
  const errors: TemplateProblem[] = [];
  if (document.apiVersion !== TEMPLATE_API_VERSION && document.apiVersion !== LEGACY_API_VERSION) {
    errors.push(invalid("apiVersion", `must be '${TEMPLATE_API_VERSION}'`, showValue(document.apiVersion)));
  }
  if (document.kind !== TEMPLATE_KIND) errors.push(invalid("kind", `must be '${TEMPLATE_KIND}'`, showValue(document.kind)));
  const metadata = readMetadata(document.metadata, errors);
  const message = optionalString(document, "message", "message", errors);
  const labels = stringMap(document.labels, "labels", errors);
  const objects = readObjects(document.objects, errors);
  const parameters = readParameters(document.parameters, errors);
  if (errors.length > 0 || !metadata) return failed(errors);
  return succeeded({
    metadata,
    ...(message === undefined ? {} : { message }),
    objects,
    parameters,
    ...(labels === undefined ? {} : { labels }),
  });
}

function readMetadata(value: unknown, errors: TemplateProblem[]): TemplateMetadata | undefined {
  if (!isJsonObject(value)) {
    errors.push(invalid("metadata", "is required and must be a mapping with a name"));
    return undefined;
  }
  const name = value.name;
  if (typeof name !== "string" || name.length === 0) {
    errors.push(invalid("metadata.name", "is required and must be a non-empty string", name === undefined ? undefined : showValue(name)));
  }
  const namespace = optionalString(value, "namespace", "metadata.namespace", errors);
  const uid = optionalString(value, "uid", "metadata.uid", errors);
  const creationTimestamp = optionalString(value, "creationTimestamp", "metadata.creationTimestamp", errors);
  if (creationTimestamp !== undefined && !RFC3339.test(creationTimestamp)) {
    errors.push(invalid("metadata.creationTimestamp", "must be an RFC 3339 time such as 2024-01-15T10:30:00Z", showValue(creationTimestamp)));
  }
  const labels = stringMap(value.labels, "metadata.labels", errors);
  const annotations = stringMap(value.annotations, "metadata.annotations", errors);
  if (typeof name !== "string" || name.length === 0) return undefined;
  return {
    name,
    ...(namespace ? { namespace } : {}),
    ...(uid ? { uid } : {}),
    ...(creationTimestamp ? { creationTimestamp } : {}),
    ...(labels === undefined ? {} : { labels }),
    ...(annotations === undefined ? {} : { annotations }),
  };
}

function readObjects(value: unknown, errors: TemplateProblem[]): JsonValue[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.push(invalid("objects", "must be a list of Kubernetes objects", showValue(value)));
    return [];
  }
  return value as JsonValue[];
}

function readParameters(value: unknown, errors: TemplateProblem[]): TemplateParameter[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.push(invalid("parameters", "must be a list of parameters (name, value, generate, from, required)", showValue(value)));
    return [];
  }
  const seen = new Set<string>();
  const parameters: TemplateParameter[] = [];
  value.forEach((entry: unknown, index) => {
    const field = `parameters[${index}]`;
    if (!isJsonObject(entry)) {
      errors.push(invalid(field, "must be a mapping with at least a name", showValue(entry)));
      return;
    }
    const name = entry.name;
    if (typeof name !== "string" || name.length === 0) {
      errors.push(invalid(`${field}.name`, "is required and must be a non-empty string", name === undefined ? undefined : showValue(name)));
      return;
    }
    if (!PARAMETER_NAME.test(name)) {
      errors.push(invalid(`${field}.name`, "must consist of letters, digits and '_' only (matching ^[a-zA-Z0-9_]+$)", showValue(name)));
    } else if (seen.has(name)) {
      errors.push(invalid(`${field}.name`, "is declared more than once; each parameter name may appear once", name));
    }
    seen.add(name);
    const strings: Record<string, string> = {};
    for (const key of ["displayName", "description", "value", "generate", "from"] as const) {
      // A template's default value may be a password: never quoted.
      const text = optionalString(entry, key, `${field}.${key}`, errors, key === "value");
      if (text !== undefined) strings[key] = text;
    }
    const required = entry.required;
    if (required !== undefined && required !== null && typeof required !== "boolean") {
      errors.push(invalid(`${field}.required`, "must be true or false", showValue(required)));
    }
    parameters.push({ name, ...strings, ...(required === true ? { required } : {}) });
  });
  return parameters;
}

function optionalString(holder: Json, key: string, field: string, errors: TemplateProblem[], secret = false): string | undefined {
  const value = holder[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  errors.push(invalid(field, "must be a string (quote it in YAML)", secret ? redacted(value) : showValue(value)));
  return undefined;
}

function stringMap(value: unknown, field: string, errors: TemplateProblem[]): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) {
    errors.push(invalid(field, "must be a mapping of strings to strings", showValue(value)));
    return undefined;
  }
  let valid = true;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") {
      errors.push(invalid(`${field}[${key}]`, "must be a string (quote it in YAML)", showValue(item)));
      valid = false;
    }
  }
  return valid ? (value as Record<string, string>) : undefined;
}

function invalid(field: string, message: string, value?: string): TemplateProblem {
  return { code: "InvalidTemplate", field, message, ...(value === undefined ? {} : { value }) };
}
