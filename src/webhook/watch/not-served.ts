import type { KubernetesListObject, KubernetesObject } from "@kubernetes/client-node";
import { KubeApiError } from "../../platform/kube/rest-client.ts";
import type { Logger } from "../../platform/logger.ts";

/**
 * A LIST that reads "not served" (404: the CRD or API group is not installed, e.g. no KubeVirt,
 * CDI or OpenShift Templates on this cluster) as an empty collection, so the informer counts as
 * synced and the webhook as ready; the watch that follows fails the same way and the informer keeps
 * retrying, so objects appear once the API is installed. Said once in the log until it is served.
 */
export function emptyWhenNotServed<T extends KubernetesObject>(list: () => Promise<KubernetesListObject<T>>, logger: Logger, message: string): () => Promise<KubernetesListObject<T>> {
  let said = false;
  return async () => {
    try {
      const result = await list();
      said = false;
      return result;
    } catch (error) {
      if (!(error instanceof KubeApiError) || error.status !== 404) throw error;
      if (!said) logger.info(message);
      said = true;
      return { items: [], metadata: {} } as KubernetesListObject<T>;
    }
  };
}
