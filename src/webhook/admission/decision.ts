import type { AdmissionDecision, AdmissionRequest, JsonPatchOperation } from "./types.ts";

/** Kubernetes shows warnings as HTTP headers; PITFALLS.md keeps each one short. */
export const MAX_WARNING_LENGTH = 120;
const ELLIPSIS = "…";
// Control characters cannot travel in a Warning header.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g;

/** One line of at most 120 characters, cut with "…" (never inside a surrogate pair). */
export function shortWarning(text: string): string {
  const line = text.replace(CONTROL_CHARACTERS, " ");
  if (line.length <= MAX_WARNING_LENGTH) return line;
  let end = MAX_WARNING_LENGTH - ELLIPSIS.length;
  const last = line.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return line.slice(0, end) + ELLIPSIS;
}

function cleanWarnings(warnings: readonly string[]): string[] {
  return [...new Set(warnings.map(shortWarning))];
}

export function allow(warnings: readonly string[] = [], patch: readonly JsonPatchOperation[] = []): AdmissionDecision {
  return {
    allowed: true,
    ...(patch.length > 0 ? { patch } : {}),
    warnings: cleanWarnings(warnings),
  };
}

export const HTTP_BAD_REQUEST = 400;
export const HTTP_UNPROCESSABLE_ENTITY = 422;

/** A denial in the shape of a Kubernetes `Invalid` error: `<Kind> "<name>" is invalid: a; b`. */
export function denyInvalid(kind: string, name: string, fieldMessages: readonly string[], warnings: readonly string[] = []): AdmissionDecision {
  return {
    allowed: false,
    warnings: cleanWarnings(warnings),
    status: {
      code: HTTP_UNPROCESSABLE_ENTITY,
      reason: "Invalid",
      message: `${kind} ${JSON.stringify(name)} is invalid: ${fieldMessages.join("; ")}`,
    },
  };
}

export const HTTP_FORBIDDEN = 403;

/** A denial in the shape of the API server's own quota denial: `<Kind> "<name>" is forbidden: <message>`. */
export function denyForbidden(kind: string, name: string, message: string, warnings: readonly string[] = []): AdmissionDecision {
  return {
    allowed: false,
    warnings: cleanWarnings(warnings),
    status: { code: HTTP_FORBIDDEN, reason: "Forbidden", message: `${kind} ${JSON.stringify(name)} is forbidden: ${message}` },
  };
}

/** A request the API server should never send (no object on a create or update). */
export function denyBadRequest(message: string): AdmissionDecision {
  return { allowed: false, warnings: [], status: { code: HTTP_BAD_REQUEST, reason: "BadRequest", message } };
}

export const HTTP_SERVICE_UNAVAILABLE = 503;

/** A request this webhook cannot decide yet (its caches have not synced): the client may retry. */
export function denyUnavailable(message: string): AdmissionDecision {
  return { allowed: false, warnings: [], status: { code: HTTP_SERVICE_UNAVAILABLE, reason: "ServiceUnavailable", message } };
}

export interface ExpectedResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly resource: string;
}

/**
 * Undefined when the request is for the expected resource, else the decision for anything else:
 * allowed, with a warning the HTTP layer logs (the webhook configuration's rules should not send it).
 */
export function unexpectedResource(request: AdmissionRequest, expected: ExpectedResource): AdmissionDecision | undefined {
  const { kind, resource } = request;
  const matches =
    kind.group === expected.group &&
    kind.version === expected.version &&
    kind.kind === expected.kind &&
    resource.group === expected.group &&
    resource.resource === expected.resource;
  if (matches) return undefined;
  const group = resource.group === "" ? "core" : resource.group;
  return allow([`admission: unexpected ${group}/${resource.version} ${resource.resource} (${kind.kind}); allowed unchecked`]);
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function objectAt(holder: unknown, key: string): JsonObject | undefined {
  if (!isObject(holder)) return undefined;
  const value = holder[key];
  return isObject(value) ? value : undefined;
}

export function stringAt(holder: unknown, key: string): string | undefined {
  if (!isObject(holder)) return undefined;
  const value = holder[key];
  return typeof value === "string" ? value : undefined;
}

/** Structural equality of decoded JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

/** An object being deleted: only finalizers are still removed from it, and that must never be blocked. */
export function isBeingDeleted(object: unknown): boolean {
  const deletionTimestamp = objectAt(object, "metadata")?.["deletionTimestamp"];
  return deletionTimestamp !== undefined && deletionTimestamp !== null;
}
