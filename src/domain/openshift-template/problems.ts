import type { FieldError } from "../field-error.ts";

export type TemplateProblemCode =
  /** The document is not a valid Template (kind, metadata, parameters, objects, labels). */
  | "InvalidTemplate"
  /** A supplied value names a parameter the Template does not declare. */
  | "UnknownParameter"
  /** A supplied value is not a string (Template parameters are strings). */
  | "InvalidValue"
  /** A required parameter has no value after supplied values, the template's and generation. */
  | "RequiredParameter"
  /** `generate` names a generator the processor does not have. */
  | "UnknownGenerator"
  /** The generator failed or returned something other than a string. */
  | "GeneratorFailed"
  /** `from` is not a valid `expression` (library-go's ExpressionValueGenerator). */
  | "InvalidExpression"
  /** An entry of `objects` cannot be decoded as a Kubernetes object. */
  | "InvalidObject"
  /** `${{NAME}}` in a map key would give a non-string key (a panic in library-go). */
  | "NonStringKey"
  /** An instantiated object names a namespace other than the order's. */
  | "ForeignNamespace"
  /** The order's instance data cannot be written into labels or names. */
  | "InvalidInstance"
  /** Cloud-init user data that cannot be moved into a Secret. */
  | "InvalidCloudInit";

/**
 * One problem with a Template, its parameters or an object, in the project's FieldError shape
 * (field, value, what is accepted) plus a stable code and, where one is concerned, the parameter.
 * Values of parameters are never quoted: they may be passwords.
 */
export interface TemplateProblem extends FieldError {
  readonly code: TemplateProblemCode;
  readonly parameter?: string;
}

/** A result with every problem found; `value` is present only when there are none. */
export interface TemplateResult<T> {
  readonly value?: T;
  readonly errors: readonly TemplateProblem[];
}

export function failed<T>(errors: readonly TemplateProblem[]): TemplateResult<T> {
  return { errors };
}

export function succeeded<T>(value: T): TemplateResult<T> {
  return { value, errors: [] };
}
