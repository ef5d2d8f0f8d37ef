import type { KubernetesObject } from "@kubernetes/client-node";

/** A watched object as the webhook's caches hold it: JSON, with metadata. */
export type WatchedObject = KubernetesObject & { metadata: NonNullable<KubernetesObject["metadata"]>; [key: string]: unknown };

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** The object without `managedFields` and kubectl's last-applied annotation, which nothing here reads. */
export function withoutBookkeeping(object: WatchedObject): WatchedObject {
  if (!object?.metadata) return object;
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  if (metadata.annotations && LAST_APPLIED in metadata.annotations) {
    const { [LAST_APPLIED]: _lastApplied, ...annotations } = metadata.annotations;
    metadata.annotations = annotations;
  }
  return { ...object, metadata };
}
