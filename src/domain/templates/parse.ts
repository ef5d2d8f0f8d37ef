import type { z } from "zod";
import { redacted, showValue, type FieldError, type Validation } from "../field-error.ts";
import { isKnownTemplateId, isParameterName, KNOWN_TEMPLATE_IDS, SORTED_PARAMETER_NAMES, type ParameterName } from "./catalog.ts";
import { isFloatingImage } from "./image-reference.ts";
import { decodeParameterObject } from "./parameter-object.ts";
import { PARAMETER_SCHEMAS, type ParameterValues } from "./schema.ts";
import {
  DEFAULT_CLOUD_INIT_CONFIG,
  DEFAULT_CPU_CORES,
  DEFAULT_DISK_SIZE,
  DEFAULT_EXPOSED_PORTS,
  DEFAULT_IMAGE_SOURCE,
  DEFAULT_MEMORY,
  type VmParameters,
} from "./vm-parameters.ts";
import { quotedList } from "./wording.ts";

const TEMPLATE_ID_FIELD = "spec.templateID";
const PARAMETERS_FIELD = "spec.templateParameters";
const UNKNOWN_TEMPLATE_MESSAGE = `unknown template; valid values are ${quotedList(KNOWN_TEMPLATE_IDS)}`;
const NOT_AN_OBJECT_MESSAGE =
  'must be a JSON object of parameter names to values, e.g. {"cpu_cores":"4","memory":"4Gi"}, or empty for all defaults';
const FLOATING_IMAGE_WARNING =
  "has no tag or digest, or the tag 'latest': the image can change under the same name; pin a tag or digest for reproducible VMs";

type Given = { -readonly [K in ParameterName]?: ParameterValues[K] };

function parameterField(name: string): string {
  return `${PARAMETERS_FIELD}.${name}`;
}

/** As `decodeParameterObject`, reporting a text that is not an object; shown redacted (it may hold cloud-init). */
function decodeParameters(text: string | undefined, errors: FieldError[]): Readonly<Record<string, unknown>> | undefined {
  const decoded = decodeParameterObject(text);
  if (decoded === undefined) errors.push({ field: PARAMETERS_FIELD, value: redacted(text), message: NOT_AN_OBJECT_MESSAGE });
  return decoded;
}

/** The value to show beside an issue: the issue's own part when it has one, else the whole value. */
function shownValue(name: ParameterName, value: unknown, issue: z.core.$ZodIssue): string {
  if (name === "cloud_init_config") return redacted(value);
  const shown: unknown = issue.code === "custom" ? issue.params?.["shown"] : undefined;
  return typeof shown === "string" ? shown : showValue(value);
}

/** Checks one known parameter; on success its value lands in `given`, else its issues in `errors`. */
function checkParameter(name: ParameterName, value: unknown, given: Given, errors: FieldError[]): void {
  // The schemas differ in output type; indexing the record by a union name widens it, and the
  // output is stored under the same name it was parsed with, so the widening is sound.
  const schema: z.ZodType = PARAMETER_SCHEMAS[name];
  const result = schema.safeParse(value);
  if (result.success) {
    (given as Record<ParameterName, unknown>)[name] = result.data;
    return;
  }
  for (const issue of result.error.issues) {
    errors.push({ field: parameterField(name), value: shownValue(name, value, issue), message: issue.message });
  }
}

function unknownParameter(templateId: string, name: string, value: unknown): FieldError {
  const shownName = showValue(name);
  return {
    field: parameterField(shownName),
    // The value of a misspelt parameter may be cloud-init user data: never shown.
    value: redacted(value),
    message: `template parameter '${shownName}' doesn't exist, valid values for template '${templateId}' are ${quotedList(SORTED_PARAMETER_NAMES)}`,
  };
}

function withDefaults(given: Given): VmParameters {
  const ssh = given.ssh_public_key;
  const hasKeys = ssh !== undefined && ssh.keys.length > 0;
  return {
    cpuCores: given.cpu_cores ?? DEFAULT_CPU_CORES,
    memory: given.memory ?? DEFAULT_MEMORY,
    diskSize: given.disk_size ?? DEFAULT_DISK_SIZE,
    imageSource: given.image_source?.reference ?? DEFAULT_IMAGE_SOURCE,
    cloudInitConfig: given.cloud_init_config ?? DEFAULT_CLOUD_INIT_CONFIG,
    ...(hasKeys ? { sshPublicKey: ssh.text } : {}),
    sshPublicKeys: hasKeys ? ssh.keys : [],
    exposedPorts: given.exposed_ports ?? DEFAULT_EXPOSED_PORTS,
    ...(given.storage_class === undefined ? {} : { storageClass: given.storage_class }),
  };
}

/**
 * Checks the template of an order and its parameters, and applies the role's defaults.
 *
 * `templateParameters` is the raw JSON string of `spec.templateParameters`; undefined or "" means
 * all defaults. JSON null as a parameter value means absent. Every problem is reported, in this
 * order: the template id, the parameters string as a whole, then the parameters by name (sorted,
 * unknown names among them) and, within one parameter, by entry. Parameters are not checked
 * against an unknown template, whose parameters are unknown.
 */
export function parseTemplateParameters(templateId: string, templateParameters: string | undefined): Validation<VmParameters> {
  const errors: FieldError[] = [];
  const knownTemplate = isKnownTemplateId(templateId);
  if (!knownTemplate) {
    errors.push({ field: TEMPLATE_ID_FIELD, value: showValue(templateId), message: UNKNOWN_TEMPLATE_MESSAGE });
  }
  const raw = decodeParameters(templateParameters, errors);
  if (!knownTemplate || raw === undefined) return { errors, warnings: [] };

  const given: Given = {};
  for (const name of Object.keys(raw).sort()) {
    const value = raw[name];
    if (!isParameterName(name)) {
      errors.push(unknownParameter(templateId, name, value));
    } else if (value !== null) {
      checkParameter(name, value, given, errors);
    }
  }
  if (errors.length > 0) return { errors, warnings: [] };

  const warnings =
    given.image_source !== undefined && isFloatingImage(given.image_source)
      ? [`${parameterField("image_source")}: ${FLOATING_IMAGE_WARNING} (got ${JSON.stringify(given.image_source.reference)})`]
      : [];
  return { value: withDefaults(given), errors, warnings };
}

/** What `readTemplateParameters` could tell. */
export interface ParameterReading {
  /** Every parameter with the role's default applied; an invalid parameter has its default here too. */
  readonly values: VmParameters;
  /** The requested parameters whose given value is invalid: their entry in `values` means nothing. */
  readonly invalid: readonly ParameterName[];
}

/**
 * Only the named parameters of a text, each checked on its own, so that one invalid parameter does
 * not hide another's value (the update rules compare single parameters across an update).
 * Undefined when the template is unknown or the text is not a JSON object. Parameters not named are
 * neither checked nor given.
 */
export function readTemplateParameters(templateId: string, templateParameters: string | undefined, names: readonly ParameterName[]): ParameterReading | undefined {
  if (!isKnownTemplateId(templateId)) return undefined;
  const raw = decodeParameters(templateParameters, []);
  if (raw === undefined) return undefined;
  const given: Given = {};
  const invalid: ParameterName[] = [];
  for (const name of names) {
    const value = Object.hasOwn(raw, name) ? raw[name] : null;
    if (value === null) continue;
    const errors: FieldError[] = [];
    checkParameter(name, value, given, errors);
    if (errors.length > 0) invalid.push(name);
  }
  return { values: withDefaults(given), invalid };
}
