import { redacted } from "../../domain/field-error.ts";
import type { FieldPath } from "../compare/field-path.ts";

const CLOUD_INIT_SOURCES = new Set(["cloudInitNoCloud", "cloudInitConfigDrive"]);
const CLOUD_INIT_SECRETS = new Set(["userData", "userDataBase64", "networkData", "networkDataBase64"]);

/**
 * Whether a field of a child holds a secret value: a Secret's `data`/`stringData`, and inline
 * cloud-init user or network data of a VirtualMachine's volumes (it can hold passwords). Such
 * values are never printed: only their length, as everywhere in the project.
 */
export function isSecretField(kind: string, path: FieldPath): boolean {
  if (kind === "Secret") return path[0] === "data" || path[0] === "stringData";
  for (let index = 0; index + 1 < path.length; index++) {
    if (CLOUD_INIT_SOURCES.has(String(path[index])) && CLOUD_INIT_SECRETS.has(String(path[index + 1]))) return true;
  }
  return false;
}

/**
 * A copy of `value` (found at `path` in an object of `kind`) with every secret leaf replaced by
 * `<redacted, N chars>`, followed by what `noteFor` says about that leaf (to show that two
 * hidden values differ, as kubectl diff marks them). Pure.
 */
export function redactSecrets(kind: string, value: unknown, path: FieldPath = [], noteFor: (path: FieldPath) => string | undefined = () => undefined): unknown {
  if (isSecretField(kind, path) && (value === null || typeof value !== "object")) {
    if (value === undefined) return undefined;
    const note = noteFor(path);
    return note ? `${redacted(value)} ${note}` : redacted(value);
  }
  if (Array.isArray(value)) return value.map((item, index) => redactSecrets(kind, item, [...path, index], noteFor));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactSecrets(kind, item, [...path, key], noteFor)]));
  }
  return value;
}
