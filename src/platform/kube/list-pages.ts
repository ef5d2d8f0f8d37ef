import type { KubernetesListObject, KubernetesObject } from "@kubernetes/client-node";
import type { KubeRestClient } from "./rest-client.ts";

/** Items per LIST page: client-go's informers page by 500 as well. */
export const LIST_PAGE_SIZE = 500;

/**
 * LISTs a collection page by page (`limit`, `continue`), passing every item through `transform`
 * as its page arrives, so a large collection is never held as one response body (one string and
 * one parse of tens of MB). The pages form one consistent snapshot; the result carries its
 * resourceVersion, from which a watch continues. A continue token that expired (410) fails the
 * LIST: the informer retries it from the start.
 */
export async function listAllPages<T extends KubernetesObject>(
  rest: Pick<KubeRestClient, "request">,
  path: string,
  options: { labelSelector?: string; pageSize?: number; transform?: (item: T) => T } = {},
): Promise<KubernetesListObject<T>> {
  const items: T[] = [];
  let token: string | undefined;
  let last: KubernetesListObject<T> | undefined;
  do {
    const query = new URLSearchParams({ limit: String(options.pageSize ?? LIST_PAGE_SIZE) });
    if (options.labelSelector) query.set("labelSelector", options.labelSelector);
    if (token) query.set("continue", token);
    last = (await rest.request<KubernetesListObject<T>>("GET", `${path}?${query}`)).body;
    for (const item of last.items ?? []) items.push(options.transform ? options.transform(item) : item);
    last.items = [];
    // The wire name is `continue` (client-node's type calls it `_continue` after deserialising).
    token = (last.metadata as { continue?: string } | undefined)?.continue || undefined;
  } while (token);
  return { ...last, metadata: { ...(last.metadata?.resourceVersion ? { resourceVersion: last.metadata.resourceVersion } : {}) }, items };
}
