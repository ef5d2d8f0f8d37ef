import type { KubeObject } from "../../render/render-order.ts";

/** A live object labelled as one of an order's children, as the caches see it. */
export interface LiveChild {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** The `cloudkit.openshift.io/config-version` annotation. */
  readonly configVersion?: string;
  readonly deleting: boolean;
  /** `spec` (DataVolumes only: CDI refuses spec changes, so the plan compares it). */
  readonly spec?: unknown;
}

export function childKey(object: { apiVersion: string; kind: string; name?: string; metadata?: { name?: string } }): string {
  return `${object.apiVersion}/${object.kind}/${object.name ?? object.metadata?.name}`;
}

export function isNamespace(object: KubeObject): boolean {
  return object.apiVersion === "v1" && object.kind === "Namespace";
}
