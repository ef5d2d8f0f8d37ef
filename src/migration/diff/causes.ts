import { Annotations } from "../../api/well-known.ts";
import type { FieldPath } from "../compare/field-path.ts";

/**
 * Why a field differs, for the summary:
 * - `hand edit`: the children were made from the order's current configuration, yet differ;
 * - `parameter change`: the order changed since its children were made (config versions differ);
 * - `profile difference`: the live value is what the other profile renders (e.g. a gitops order
 *   whose children the Ansible role made);
 * - `unknown origin`: the version the children were made from is not recorded;
 * - `missing object`, `extra object`: a rendered child is not live, or a live child labelled with
 *   the order is not rendered;
 * - `invalid order`: the order fails validation, so nothing can be rendered.
 */
export const CAUSES = ["hand edit", "parameter change", "profile difference", "unknown origin", "missing object", "extra object", "invalid order"] as const;
export type DifferenceCause = (typeof CAUSES)[number];

/** Whether a child was made from the order's current configuration. */
export type Provenance = "current" | "stale" | "unknown";

/**
 * Which configuration version a live child was made from: the `config-version` annotation this
 * project stamps on its children; else, for children of the role, the order's
 * `reconciled-config-version` annotation (the role writes it when it has applied the order).
 */
export function provenanceOf(liveAnnotations: Readonly<Record<string, string>> | undefined, orderAnnotations: Readonly<Record<string, string>> | undefined, desiredConfigVersion: string | undefined): Provenance {
  if (desiredConfigVersion === undefined) return "unknown";
  const stamped = liveAnnotations?.[Annotations.configVersion] ?? orderAnnotations?.[Annotations.reconciledConfigVersion];
  if (stamped === undefined) return "unknown";
  return stamped === desiredConfigVersion ? "current" : "stale";
}

/** Labels and annotations other than the config version are never derived from parameters. */
function derivedFromParameters(path: FieldPath): boolean {
  if (path[0] !== "metadata") return true;
  return path[1] === "annotations" && path[2] === Annotations.configVersion;
}

/** The cause of one field difference of a child that exists on both sides. Pure. */
export function causeOf(path: FieldPath, provenance: Provenance, matchesOtherProfile: boolean): DifferenceCause {
  if (matchesOtherProfile) return "profile difference";
  if (provenance === "stale" && derivedFromParameters(path)) return "parameter change";
  if (provenance === "unknown") return "unknown origin";
  return "hand edit";
}
