import { redacted } from "../field-error.ts";
import { applySuppliedValues, generateParameterValues, sharedSourceGenerators } from "./parameters.ts";
import type { TemplateProblem } from "./problems.ts";
import type { OpenShiftTemplate } from "./types.ts";

/** Draws index 0 every time: enough to run the expression generator for its syntax checks. */
const FIRST_INDEX = { nextIndex: () => 0 };

/**
 * What admission checks of an order's parameters against a catalog Template, without the
 * parameter key: each value is a string (Template parameters are strings), each name is declared,
 * each required parameter ends up with a value (given, the Template's, or generated), and each
 * `from` it would generate with is a valid expression. Every problem names its parameter; values
 * are never quoted.
 */
export function checkSuppliedValues(template: OpenShiftTemplate, values: Readonly<Record<string, unknown>>): TemplateProblem[] {
  const errors: TemplateProblem[] = [];
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "string") strings[name] = value;
    else {
      errors.push({
        code: "InvalidValue",
        parameter: name,
        field: `parameters.${name}`,
        value: redacted(value),
        message: `must be a string: OpenShift Template parameters are strings (write "4", not 4)`,
      });
    }
  }
  const supplied = applySuppliedValues(template.parameters, strings);
  const generated = generateParameterValues(supplied.parameters, sharedSourceGenerators(FIRST_INDEX));
  return [...errors, ...supplied.errors, ...generated.errors];
}
