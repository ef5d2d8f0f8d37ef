import { addObjectLabels, groupify, stripNamespace, undecodableReason } from "./object-steps.ts";
import { applySuppliedValues, generateParameterValues, type Generators } from "./parameters.ts";
import { failed, succeeded, type TemplateProblem, type TemplateResult } from "./problems.ts";
import { NonStringKeyError, substituteObject, substituteString, type ParameterValues } from "./substitute.ts";
import type { JsonObject, OpenShiftTemplate, ProcessedTemplate } from "./types.ts";

export interface ProcessOptions {
  /** Values given by the caller (an order's parameters). They win; an undeclared name is an error. */
  readonly values?: Readonly<Record<string, string>>;
  /** By generator name; production passes `keyedGenerators(key, identity)`. */
  readonly generators: Generators;
}

/**
 * library-go `Processor.Process`, client-side and pure: the Template is not changed, a processed
 * copy is returned. In order:
 * 1. supplied values are applied, then values are generated; every parameter problem is
 *    collected, and if there are any, nothing is substituted;
 * 2. `message` is substituted;
 * 3. the Template's `labels` are substituted, keys and values;
 * 4. each object: decoded, its hard-coded namespace stripped, every string substituted (keys
 *    too), a legacy group-less apiVersion groupified, the labels merged. Object problems are
 *    collected for every object.
 */
export function processTemplate(template: OpenShiftTemplate, options: ProcessOptions): TemplateResult<ProcessedTemplate> {
  const supplied = applySuppliedValues(template.parameters, options.values ?? {});
  const generated = generateParameterValues(supplied.parameters, options.generators);
  const parameterErrors = [...supplied.errors, ...generated.errors];
  if (parameterErrors.length > 0) return failed(parameterErrors);
  const parameters = generated.parameters;

  // As upstream's map: a later parameter of the same name wins.
  const values: ParameterValues = new Map(parameters.map((parameter) => [parameter.name, parameter.value ?? ""]));
  const labels = template.labels === undefined ? undefined : substituteLabels(values, template.labels);

  const errors: TemplateProblem[] = [];
  const objects: JsonObject[] = [];
  template.objects.forEach((entry, index) => {
    const field = `objects[${index}]`;
    const reason = undecodableReason(entry);
    if (reason !== undefined) {
      errors.push({ code: "InvalidObject", field, message: `unable to handle object: ${reason}` });
      return;
    }
    let object: JsonObject;
    try {
      object = substituteObject(values, stripNamespace(entry as JsonObject));
    } catch (error) {
      if (!(error instanceof NonStringKeyError)) throw error;
      errors.push({
        code: "NonStringKey",
        field,
        value: error.key,
        message: `${error.message}; a map key takes \${NAME} (string) references, or \${{NAME}} only when the value is a JSON string`,
      });
      return;
    }
    groupify(object);
    addObjectLabels(object, labels);
    objects.push(object);
  });
  if (errors.length > 0) return failed(errors);

  return succeeded({
    metadata: template.metadata,
    ...(template.message === undefined ? {} : { message: substituteString(values, template.message).text }),
    objects,
    parameters,
    ...(labels === undefined ? {} : { labels }),
  });
}

/** Keys and values, string results only (`ObjectLabels` is a map of strings). */
function substituteLabels(values: ParameterValues, labels: Readonly<Record<string, string>>): Record<string, string> {
  // fromEntries defines own properties, so even a `__proto__` key stays data.
  return Object.fromEntries(
    Object.entries(labels).map(([key, value]) => [substituteString(values, key).text, substituteString(values, value).text]),
  );
}
