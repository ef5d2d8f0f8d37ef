import type { RawObject } from "./raw-object.ts";

/** What the controller reads of each watched collection (see `slimForCache`). */
export type CacheProjection = "whole" | "metadataAndStatus" | "metadataStatusAndSpec" | "metadataOnly";

/** Set by `kubectl apply` (client-side); the controller never reads it and it repeats the object. */
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * The part of a watched object the controller keeps in its caches (controller-runtime's cache
 * TransformFunc): never `metadata.managedFields` nor the last-applied annotation (nearly half of
 * an object's JSON, read by nobody here), and per collection only the top-level fields the
 * reconciler reads:
 * - `whole`: orders (spec for validation, status for the previous status);
 * - `metadataStatusAndSpec`: DataVolumes (the plan compares the live spec; CDI rejects changes);
 * - `metadataAndStatus`: KubeVirt VMs and VMIs, Services (status is all that is observed);
 * - `metadataOnly`: Secrets (existence, labels, annotations: never their `data`).
 * Returns a new object; the input is not changed. Objects without metadata (watch ERROR and
 * BOOKMARK payloads are handled by the caller) come back as they are. Pure.
 */
export function slimForCache(object: RawObject, projection: CacheProjection): RawObject {
  if (!object || typeof object !== "object" || !object.metadata) return object;
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  if (metadata.annotations && LAST_APPLIED in metadata.annotations) {
    const { [LAST_APPLIED]: _lastApplied, ...annotations } = metadata.annotations;
    metadata.annotations = annotations;
  }
  const head = { apiVersion: object.apiVersion, kind: object.kind, metadata } as RawObject;
  switch (projection) {
    case "whole": {
      const { metadata: _metadata, ...rest } = object;
      return { ...rest, metadata } as RawObject;
    }
    case "metadataStatusAndSpec":
      return { ...head, ...(object.spec !== undefined ? { spec: object.spec } : {}), ...(object.status !== undefined ? { status: object.status } : {}) };
    case "metadataAndStatus":
      return { ...head, ...(object.status !== undefined ? { status: object.status } : {}) };
    case "metadataOnly":
      return { ...head, ...(object.type !== undefined ? { type: object.type } : {}) };
  }
}
