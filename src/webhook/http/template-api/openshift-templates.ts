import { redacted } from "../../../domain/field-error.ts";
import { catalogEntry, checkSuppliedValues, type OpenShiftTemplate } from "../../../domain/openshift-template/index.ts";
import type { FieldError } from "../../../domain/field-error.ts";
import type { ParameterResource, TemplateResource } from "./representation.ts";

/** `source` of catalog templates: OpenShift `template.openshift.io/v1` Templates discovered on the cluster or read from files. */
export const OPENSHIFT_SOURCE = "openshift";

/**
 * A catalog template as the template API shows it (ADR 28), under the id an order names it by
 * (`openshift.templates.<namespace>.<name>`): each parameter's name, description,
 * required flag, the Template's own default and its generator; never a generated value, and no
 * default for a secret parameter (one used in cloud-init data or a Secret).
 */
export function openshiftTemplateResource(template: OpenShiftTemplate, templateNamespace: string): TemplateResource {
  const entry = catalogEntry(template, templateNamespace);
  return {
    id: entry.id,
    title: entry.title,
    description: entry.description,
    source: OPENSHIFT_SOURCE,
    parameters: entry.parameters.map(
      (parameter): ParameterResource => ({
        name: parameter.name,
        description: parameter.description,
        type: "string",
        required: parameter.required,
        secret: parameter.secret,
        ...(parameter.default !== undefined && !parameter.secret ? { default: parameter.default } : {}),
        ...(parameter.displayName ? { display_name: parameter.displayName } : {}),
        ...(parameter.generator ? { generator: { type: parameter.generator.generate, from: parameter.generator.from } } : {}),
      }),
    ),
  };
}

export interface OpenShiftValidation {
  readonly valid: boolean;
  readonly errors: readonly FieldError[];
  readonly warnings: readonly FieldError[];
  readonly normalized?: Readonly<Record<string, string>>;
}

/**
 * `:validate` for a catalog template: what admission checks of an order naming it
 * (`checkSuppliedValues`: unknown parameters, missing required ones, non-strings, the Template's
 * own generators), errors sorted by parameter. `normalized` is every parameter with a value, given
 * or the Template's default, secret ones redacted; parameters that would be generated are absent.
 */
export function validateOpenShiftParameters(template: OpenShiftTemplate, body: Readonly<Record<string, unknown>>, templateNamespace: string): OpenShiftValidation {
  const given: Record<string, unknown> = {};
  for (const name of Object.keys(body).sort()) if (body[name] !== null) given[name] = body[name];
  const errors: FieldError[] = checkSuppliedValues(template, given)
    .map((problem) => ({ field: problem.parameter ?? problem.field, ...(problem.value === undefined ? {} : { value: problem.value }), message: problem.message }))
    .sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  if (errors.length > 0) return { valid: false, errors, warnings: [] };
  const secret = new Set(catalogEntry(template, templateNamespace).parameters.filter((parameter) => parameter.secret).map((parameter) => parameter.name));
  const normalized: Record<string, string> = {};
  for (const parameter of template.parameters) {
    const value = Object.hasOwn(given, parameter.name) ? (given[parameter.name] as string) : parameter.value;
    if (value === undefined || value === "") continue;
    normalized[parameter.name] = secret.has(parameter.name) ? redacted(value) : value;
  }
  return { valid: true, errors: [], warnings: [], normalized };
}
