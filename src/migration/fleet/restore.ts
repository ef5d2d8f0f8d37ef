import { compareValues } from "../compare/compare-values.ts";
import { formatPath } from "../compare/field-path.ts";
import type { LiveObject } from "../live-object.ts";
import { contentOf } from "./ownership.ts";

export type RestoreAction =
  | { readonly kind: "none" }
  /** PUT of this body (the live object with the backup's content, at the live resourceVersion). */
  | { readonly kind: "update"; readonly body: LiveObject; readonly fields: readonly string[] }
  /** The child is gone: POST of this body. */
  | { readonly kind: "create"; readonly body: LiveObject };

/**
 * How to bring a child back to its backup: nothing when its content (labels, annotations, spec or
 * a Secret's type and data) equals the backup's; else the backup's content over the live object;
 * a missing child is created from the backup. Pure; field names only, never values (Secrets).
 */
export function restoreAction(backup: LiveObject, live: LiveObject | undefined): RestoreAction {
  if (!live) {
    const { uid: _uid, resourceVersion: _rv, creationTimestamp: _created, generation: _generation, ownerReferences: _owners, ...metadata } = backup.metadata;
    return { kind: "create", body: { ...backup, metadata } };
  }
  const differences = compareValues(contentOf(live), contentOf(backup));
  if (differences.length === 0) return { kind: "none" };
  const body: Record<string, unknown> = {
    ...live,
    metadata: { ...live.metadata, labels: backup.metadata.labels ?? {}, annotations: backup.metadata.annotations ?? {} },
  };
  delete (body.metadata as Record<string, unknown>).managedFields;
  if (backup.kind === "Secret") {
    body.type = backup.type;
    body.data = backup.data;
  } else body.spec = backup.spec;
  return { kind: "update", body: body as LiveObject, fields: differences.map((difference) => formatPath(difference.path)) };
}
