import type { ParameterSpec, TemplateDescription } from "../../../domain/templates/index.ts";

/**
 * The template API's JSON for a template and its parameters. Member names are snake_case, like
 * the parameters users send. The shape leaves room for OpenShift Templates served beside the
 * built-in one (a later `source`, `display_name` and `generator`), which only add members.
 */
export interface TemplateResource {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Where the template comes from: `builtin` for this project's own. */
  readonly source: string;
  readonly alias_of?: string;
  readonly parameters: readonly ParameterResource[];
}

export interface ParameterResource {
  readonly name: string;
  readonly description: string;
  readonly type: "string" | "integer";
  readonly required: boolean;
  readonly secret: boolean;
  readonly default?: string | number;
}

export const BUILTIN_SOURCE = "builtin";

function parameterResource(spec: ParameterSpec): ParameterResource {
  return {
    name: spec.name,
    description: spec.description,
    type: spec.type,
    required: spec.required,
    secret: spec.secret,
    ...(spec.default === undefined ? {} : { default: spec.default }),
  };
}

export function templateResource(template: TemplateDescription): TemplateResource {
  return {
    id: template.id,
    title: template.title,
    description: template.description,
    source: BUILTIN_SOURCE,
    ...(template.aliasOf === undefined ? {} : { alias_of: template.aliasOf }),
    parameters: template.parameters.map(parameterResource),
  };
}
