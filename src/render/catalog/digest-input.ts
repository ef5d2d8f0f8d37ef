import { createHmac } from "node:crypto";
import type { CatalogOrder } from "../../domain/catalog-order/index.ts";

const KEY_ID_CONTEXT = "osac-vm-gitops/template-parameter-key-id/v1";

/**
 * Names the template parameter key without revealing it (an HMAC under the key of a fixed text),
 * so a new key, which changes every generated value, makes every catalog order's file stale.
 */
export function templateKeyId(key: Uint8Array | undefined): string | null {
  return key ? createHmac("sha256", key).update(KEY_ID_CONTEXT).digest("hex").slice(0, 16) : null;
}

/**
 * What a catalog order's file is rendered from, for its input digest: the order (its text holds
 * the values), the Template itself (a new Template version re-renders the order) and the key's id.
 * The rendered objects are not part of it: they may hold generated passwords.
 */
export function catalogDigestInput(order: CatalogOrder, keyId: string | null): unknown {
  const { catalog, ...envelope } = order;
  return { ...envelope, desiredConfigVersion: order.desiredConfigVersion, template: catalog.template, values: catalog.values, templateKey: keyId };
}
