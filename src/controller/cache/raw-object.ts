import type { KubernetesObject } from "@kubernetes/client-node";

/** A Kubernetes object as JSON, the way the caches hold it. */
export type RawObject = KubernetesObject & { metadata: NonNullable<KubernetesObject["metadata"]>; spec?: any; status?: any; [key: string]: unknown };
