import { redacted } from "../field-error.ts";
import { EXPRESSION_SYNTAX, ExpressionError, generateExpressionValue, type RandomIndexSource } from "./expression.ts";
import { checkParameterKey, keyedIndexSource } from "./keyed-random.ts";
import type { TemplateProblem } from "./problems.ts";
import type { TemplateParameter } from "./types.ts";

/**
 * library-go's `Generator`: from a parameter's `from` to its value. Anything but a string is an
 * error, as upstream. The parameter's name is passed so that keyed generators draw per parameter.
 */
export type ParameterGenerator = (from: string, parameterName: string) => unknown;
/** Generators by the name `generate` uses; a name mapped to `undefined` is "registered as nil" upstream. */
export type Generators = Readonly<Record<string, ParameterGenerator | undefined>>;

export const EXPRESSION_GENERATOR = "expression";

/** The `expression` generator drawing from one source shared by every parameter, in order (as upstream). */
export function sharedSourceGenerators(source: RandomIndexSource): Generators {
  return { [EXPRESSION_GENERATOR]: (from) => generateExpressionValue(from, source) };
}

/**
 * The `expression` generator for one order: each parameter draws from its own keyed stream, so a
 * value depends only on the key, the order's identity and the parameter's name (not on the other
 * parameters or their order). Throws ParameterKeyError for a short key.
 */
export function keyedGenerators(key: Uint8Array, identity: string): Generators {
  checkParameterKey(key);
  return { [EXPRESSION_GENERATOR]: (from, name) => generateExpressionValue(from, keyedIndexSource(key, identity, name)) };
}

/**
 * Supplied values win, as with `oc process -p`: the parameter takes the value (even an empty one)
 * and its generator is dropped. A name the Template does not declare is an error.
 */
export function applySuppliedValues(
  parameters: readonly TemplateParameter[],
  supplied: Readonly<Record<string, string>>,
): { parameters: TemplateParameter[]; errors: TemplateProblem[] } {
  const declared = new Set(parameters.map((parameter) => parameter.name));
  const errors: TemplateProblem[] = [];
  for (const name of Object.keys(supplied)) {
    if (declared.has(name)) continue;
    errors.push({
      code: "UnknownParameter",
      parameter: name,
      field: `parameters.${name}`,
      value: redacted(supplied[name]),
      message: `the template has no parameter '${name}'; its parameters are ${listNames(parameters)}`,
    });
  }
  const result = parameters.map((parameter) => {
    if (!Object.hasOwn(supplied, parameter.name)) return parameter;
    const { generate: _generate, ...rest } = parameter;
    return { ...rest, value: supplied[parameter.name]! };
  });
  return { parameters: result, errors };
}

/**
 * library-go `GenerateParameterValues`: a parameter with a non-empty value is kept; otherwise its
 * generator runs on `from`; then an empty required parameter is an error. Errors are collected
 * for every parameter. Returns new parameter objects; the input is not changed.
 */
export function generateParameterValues(
  parameters: readonly TemplateParameter[],
  generators: Generators,
): { parameters: TemplateParameter[]; errors: TemplateProblem[] } {
  const errors: TemplateProblem[] = [];
  const result = parameters.map((parameter, index) => {
    if (parameter.value) return parameter;
    const field = `parameters[${index}]`;
    let value = parameter.value;
    if (parameter.generate) {
      const generated = generate(parameter, field, generators);
      if ("error" in generated) {
        errors.push(generated.error);
        return parameter;
      }
      value = generated.value;
    }
    if (!value && parameter.required) {
      errors.push({
        code: "RequiredParameter",
        parameter: parameter.name,
        field,
        message: `parameter ${parameter.name} is required and must be specified`,
      });
      return parameter;
    }
    return value === parameter.value ? parameter : { ...parameter, value };
  });
  return { parameters: result, errors };
}

function generate(
  parameter: TemplateParameter,
  field: string,
  generators: Generators,
): { value: string } | { error: TemplateProblem } {
  const name = parameter.name;
  const generatorName = parameter.generate!;
  if (!Object.hasOwn(generators, generatorName)) {
    return {
      error: {
        code: "UnknownGenerator",
        parameter: name,
        field: `${field}.generate`,
        value: generatorName,
        message: `unknown generator name '${generatorName}' for parameter ${name}; accepted: ${Object.keys(generators).map((g) => `'${g}'`).join(", ") || "none"}`,
      },
    };
  }
  const generator = generators[generatorName];
  if (!generator) {
    return { error: { code: "UnknownGenerator", parameter: name, field: `${field}.generate`, value: generatorName, message: `invalid '${generatorName}' generator for parameter ${name}` } };
  }
  const from = parameter.from ?? "";
  let generated: unknown;
  try {
    generated = generator(from, name);
  } catch (error) {
    if (error instanceof ExpressionError) {
      return {
        error: { code: "InvalidExpression", parameter: name, field: `${field}.from`, value: from, message: `${error.message}; accepted: ${EXPRESSION_SYNTAX}` },
      };
    }
    return { error: { code: "GeneratorFailed", parameter: name, field: `${field}.generate`, message: `generator '${generatorName}' failed for parameter ${name}: ${(error as Error).message}` } };
  }
  if (typeof generated !== "string") {
    return {
      error: { code: "GeneratorFailed", parameter: name, field: `${field}.generate`, message: `unable to convert the generated value to string for parameter ${name} (got a ${typeof generated})` },
    };
  }
  return { value: generated };
}

function listNames(parameters: readonly TemplateParameter[]): string {
  return parameters.length === 0 ? "none" : parameters.map((parameter) => `'${parameter.name}'`).join(", ");
}
