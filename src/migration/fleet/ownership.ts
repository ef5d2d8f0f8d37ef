import type { LiveObject } from "../live-object.ts";

/** The annotation a client-side apply leaves: a copy of the object (it may hold Secret data). */
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** The fields a child's content is: what adoption takes over, a backup restores and Verify compares. */
export function contentOf(object: LiveObject): Record<string, unknown> {
  const annotations = { ...(object.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  const content: Record<string, unknown> = {
    labels: { ...(object.metadata.labels ?? {}) },
    annotations,
  };
  if (object.kind === "Secret") {
    content.type = object.type ?? "Opaque";
    content.data = object.data ?? {};
  } else content.spec = object.spec ?? {};
  return content;
}

/**
 * The server-side apply body that takes ownership of a live child without changing a value: its
 * labels, annotations (all but last-applied-configuration) and spec (a Secret's type and data),
 * exactly as they are live. Applied with force by the controller's field manager, every field
 * becomes shared with the manager that wrote it (same values never conflict) and the controller
 * owns it from then on. Pure.
 */
export function ownershipBody(object: LiveObject): Record<string, unknown> {
  const content = contentOf(object);
  const body: Record<string, unknown> = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { name: object.metadata.name, namespace: object.metadata.namespace, labels: content.labels, annotations: content.annotations },
  };
  if (object.kind === "Secret") {
    body.type = content.type;
    body.data = content.data;
  } else body.spec = content.spec;
  return body;
}

interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly subresource?: string;
  readonly [key: string]: unknown;
}

/** Whether a field manager holds any field of the object (outside subresources). */
export function ownsFields(object: LiveObject, manager: string): boolean {
  return ((object.metadata.managedFields ?? []) as ManagedFieldsEntry[]).some((entry) => entry.manager === manager && !entry.subresource);
}

/**
 * The object's managedFields without the given managers' entries (outside subresources), or
 * undefined when they hold nothing. Writing this list gives their ownership up without removing
 * a field (an empty apply would delete the fields only they own). Pure.
 */
export function managedFieldsWithout(object: LiveObject, managers: readonly string[]): ManagedFieldsEntry[] | undefined {
  const entries = (object.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  const kept = entries.filter((entry) => !(entry.manager !== undefined && managers.includes(entry.manager) && !entry.subresource));
  return kept.length === entries.length ? undefined : kept;
}
