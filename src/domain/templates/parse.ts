import { formatFieldError, redacted, showValue, type FieldError, type Validation } from "../field-error.ts";
import { isKnownTemplateId, KNOWN_TEMPLATE_IDS, type ParameterName } from "./catalog.ts";
import { checkParameter, checkParameterMap, withDefaults, type Given } from "./check-parameters.ts";
import { describeJsonSyntaxError, findJsonSyntaxError } from "./json-syntax.ts";
import { describeJsonKind } from "./json-kind.ts";
import { decodeParameterObject } from "./parameter-object.ts";
import type { VmParameters } from "./vm-parameters.ts";
import { quotedList } from "./wording.ts";

const TEMPLATE_ID_FIELD = "spec.templateID";
const PARAMETERS_FIELD = "spec.templateParameters";
const UNKNOWN_TEMPLATE_MESSAGE = `unknown template; valid values are ${quotedList(KNOWN_TEMPLATE_IDS)}`;
const OBJECT_EXPECTED =
  'must be a JSON object of parameter names to values, e.g. {"cpu_cores":"4","memory":"4Gi"}, or empty for all defaults';

function parameterField(name: string): string {
  return `${PARAMETERS_FIELD}.${name}`;
}

/**
 * Why a parameters text that `decodeParameterObject` refused is not a JSON object: where its JSON
 * syntax breaks (line, column, position), or what kind of JSON value it holds. Never quotes it.
 */
export function whyNotAParameterObject(text: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch {
    const syntax = findJsonSyntaxError(text);
    const where = syntax === undefined ? "is not valid JSON" : `is not valid JSON: ${describeJsonSyntaxError(syntax, text.length)}`;
    return `${where}; it ${OBJECT_EXPECTED}`;
  }
  return `${OBJECT_EXPECTED}; got ${describeJsonKind(decoded)}`;
}

/** As `decodeParameterObject`, reporting a text that is not an object; shown redacted (it may hold cloud-init). */
function decodeParameters(text: string | undefined, errors: FieldError[]): Readonly<Record<string, unknown>> | undefined {
  const decoded = decodeParameterObject(text);
  if (decoded === undefined) errors.push({ field: PARAMETERS_FIELD, value: redacted(text), message: whyNotAParameterObject(text ?? "") });
  return decoded;
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

  const checks = checkParameterMap(templateId, raw, { fieldOf: parameterField });
  return {
    ...(checks.value === undefined ? {} : { value: checks.value }),
    errors: checks.errors,
    warnings: checks.warnings.map(formatFieldError),
  };
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
  const raw = decodeParameterObject(templateParameters);
  return raw === undefined ? undefined : readDecodedParameters(templateId, raw, names);
}

/** As `readTemplateParameters`, for a parameters object the caller has decoded already (`decodeParameterObject`). */
export function readDecodedParameters(templateId: string, raw: Readonly<Record<string, unknown>>, names: readonly ParameterName[]): ParameterReading | undefined {
  if (!isKnownTemplateId(templateId)) return undefined;
  const given: Given = {};
  const invalid: ParameterName[] = [];
  for (const name of names) {
    const value = Object.hasOwn(raw, name) ? raw[name] : null;
    if (value === null) continue;
    const errors: FieldError[] = [];
    checkParameter(name, value, given, errors, parameterField(name));
    if (errors.length > 0) invalid.push(name);
  }
  return { values: withDefaults(given), invalid };
}
