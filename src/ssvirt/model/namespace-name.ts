import { trimEnd } from "./label-value.ts";

/** Kubernetes namespace names are DNS-1123 labels: at most 63 characters. */
const NAMESPACE_MAX = 63;
/** SSVirt keeps 4 characters free for a `-999` suffix. */
const BASE_MAX = NAMESPACE_MAX - 4;
const MAX_SUFFIX = 999;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The namespace SSVirt gives a new VDC (models/vdc.go `generateNamespaceName`): `vdc-<org>-<vdc>`,
 * each part lowercased with `_` turned into `-`, every character outside `[a-z0-9-]` dropped
 * (spaces are removed, not hyphenated), leading and trailing `-` trimmed, an empty part replaced by
 * `default`; the whole cut to 59 characters and trailing `-` trimmed. Pure.
 */
export function baseNamespaceName(organizationName: string, vdcName: string): string {
  let name = `vdc-${safePart(organizationName)}-${safePart(vdcName)}`;
  if (name.length > BASE_MAX) name = trimEnd(name.slice(0, BASE_MAX), "-");
  return name;
}

/**
 * The namespace SSVirt stores for a new VDC (`generateUniqueNamespaceName`, run in the VDC's
 * `BeforeCreate`): the base name, or, while a *non-deleted* VDC row already holds it, the base
 * with `-1` … `-999` (the base cut so the whole fits 63 characters). `isTaken` answers for the
 * non-deleted rows, as GORM's default scope does. Undefined when all 999 are taken (SSVirt then
 * refuses to create the VDC).
 */
export function uniqueNamespaceName(organizationName: string, vdcName: string, isTaken: (name: string) => boolean): string | undefined {
  const base = baseNamespaceName(organizationName, vdcName);
  if (!isTaken(base)) return base;
  for (let index = 1; index <= MAX_SUFFIX; index++) {
    const suffix = `-${index}`;
    let trimmed = base;
    if (base.length > NAMESPACE_MAX - suffix.length) trimmed = trimEnd(base.slice(0, NAMESPACE_MAX - suffix.length), "-");
    const candidate = `${trimmed === "" ? "vdc" : trimmed}${suffix}`;
    if (!isTaken(candidate)) return candidate;
  }
  return undefined;
}

/** Whether a stored `vdcs.namespace` can name a Kubernetes namespace. */
export function isValidNamespaceName(name: string): boolean {
  return name.length <= NAMESPACE_MAX && DNS1123_LABEL.test(name);
}

function safePart(name: string): string {
  let kept = "";
  for (const character of name.replaceAll("_", "-").toLowerCase()) {
    if ((character >= "a" && character <= "z") || (character >= "0" && character <= "9") || character === "-") kept += character;
  }
  kept = trimEnd(kept.replace(/^-+/, ""), "-");
  return kept === "" ? "default" : kept;
}
