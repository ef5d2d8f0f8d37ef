import type { ParameterSpec, TemplateDescription } from "../../../domain/templates/index.ts";

/**
 * The template API's JSON for a template and its parameters. Member names are snake_case, like
 * the parameters users send. OpenShift Templates served beside the built-in one
 * (openshift-templates.ts) add `display_name` and `generator` to their parameters.
 */
export interface TemplateResource {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Where the template comes from: `builtin` for this project's own, `openshift` for catalog templates. */
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
  /** OpenShift Templates: the parameter's display name, where it has one. */
  readonly display_name?: string;
  /** OpenShift Templates: how a value is generated when none is given (`expression` and its input). */
  readonly generator?: { readonly type: string; readonly from: string };
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
