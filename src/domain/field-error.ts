/**
 * One problem found in an input, in the shape every validator returns: the field path, the
 * offending value (already redacted when it is secret), and what would have been accepted.
 */
export interface FieldError {
  /** JSON-path-like location, e.g. `spec.templateParameters.cpu_cores`. */
  readonly field: string;
  /** The value as the user gave it, shortened and redacted where secret; absent when missing. */
  readonly value?: string;
  /** What is wrong and what is accepted, as one sentence. */
  readonly message: string;
}

export interface Validation<T> {
  /** Present only when `errors` is empty. */
  readonly value?: T;
  readonly errors: readonly FieldError[];
  readonly warnings: readonly string[];
}

/** `field: message (got "value")`, the line format of every CLI and webhook message. */
export function formatFieldError(error: FieldError): string {
  const shown = error.value === undefined ? "" : ` (got ${JSON.stringify(error.value)})`;
  return `${error.field}: ${error.message}${shown}`;
}

const MAX_SHOWN_VALUE_LENGTH = 80;

/** Shortens a user value for an error message so a 1 MiB input never floods a log line. */
export function showValue(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return text.length <= MAX_SHOWN_VALUE_LENGTH ? text : `${text.slice(0, MAX_SHOWN_VALUE_LENGTH)}…(${text.length} chars)`;
}

/**
 * What a secret value is replaced with in every message: a string by its length
 * (`<redacted, 28 chars>`), anything else by its JSON type only (`<redacted number>`), since a
 * length means nothing for a number and the digits of one could be the secret.
 */
export function redacted(value: unknown): string {
  if (typeof value === "string") return `<redacted, ${value.length} ${value.length === 1 ? "char" : "chars"}>`;
  if (value === null) return "<redacted null>";
  if (Array.isArray(value)) return "<redacted array>";
  return `<redacted ${typeof value === "undefined" ? "value" : typeof value}>`;
}
