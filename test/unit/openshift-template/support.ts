import type { Generators, JsonObject, OpenShiftTemplate, TemplateParameter } from "../../../src/domain/openshift-template/index.ts";

/** library-go's `makeParameter(name, value, generate, required)`. */
export function parameter(name: string, value = "", generate = "", required = false): TemplateParameter {
  return { name, ...(value ? { value } : {}), ...(generate ? { generate } : {}), ...(required ? { required } : {}) };
}

export function template(objects: readonly unknown[], parameters: readonly TemplateParameter[] = [], extra: Partial<OpenShiftTemplate> = {}): OpenShiftTemplate {
  return { metadata: { name: "test" }, objects: objects as JsonObject[], parameters, ...extra };
}

/** No generator at all: processing fails if anything must be generated. */
export const NO_GENERATORS: Generators = {};
