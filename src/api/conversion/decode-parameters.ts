import { isKnownTemplateId } from "../../domain/templates/catalog.ts";
import { decodeParameterObject } from "../../domain/templates/parameter-object.ts";
import { FIELD_BY_PARAMETER } from "./parameter-fields.ts";
import type { ParameterFields } from "./parameter-fields-of.ts";
import type { JsonRecord } from "./json-value.ts";

/**
 * The v1beta1 view of a v1alpha1 `spec.templateParameters` string. Never fails:
 * - absent → no parameter fields; not a JSON object (or not JSON) → no parameter fields either
 *   (the caller keeps the string in an annotation);
 * - "" means "all defaults", like "{}".
 * A template of the `ocp_virt_vm` family gets `virtualMachine` with every parameter that has a
 * typed form, and `templateParameters` with any other parameter whose value is a string; other
 * templates get `templateParameters` with every string-valued parameter. Values of other types
 * are left out (the caller keeps the string). Nothing is defaulted.
 */
export function decodeParameterText(templateId: unknown, text: string | undefined): ParameterFields {
  if (text === undefined) return {};
  const decoded = decodeParameterObject(text);
  // Text that is not an object still converts: the caller keeps it verbatim in an annotation.
  return decoded === undefined ? {} : fieldsOfParameters(templateId, decoded);
}

export function fieldsOfParameters(templateId: unknown, parameters: JsonRecord): ParameterFields {
  const typedFamily = typeof templateId === "string" && isKnownTemplateId(templateId);
  const others: [string, string][] = [];
  const virtualMachine: JsonRecord = {};
  for (const [name, value] of Object.entries(parameters)) {
    const field = typedFamily ? FIELD_BY_PARAMETER.get(name) : undefined;
    if (field !== undefined) {
      const typed = field.decode(value);
      if (typed !== undefined) virtualMachine[field.field] = typed;
    } else if (typeof value === "string") {
      others.push([name, value]);
    }
  }
  // fromEntries defines own properties, so a parameter named "__proto__" stays a parameter.
  if (!typedFamily) return { templateParameters: Object.fromEntries(others) };
  return others.length === 0 ? { virtualMachine } : { virtualMachine, templateParameters: Object.fromEntries(others) };
}
