import { isCatalogOrder, type AnyOrder, type CatalogOrder } from "../../domain/catalog-order/index.ts";
import type { Order } from "../../domain/order.ts";
import type { KubeObject } from "../render-order.ts";

/** A catalog order with its instantiated objects (plain Secrets not sealed yet), as validation made them. */
export type RenderedCatalogOrder = CatalogOrder & { readonly objects: readonly KubeObject[] };

/**
 * What the tree writer renders: a built-in order (rendered by cdk8s when its file is stale), or a
 * catalog order instantiated during validation; a catalog order without objects is only valid, not
 * renderable (validated without render options).
 */
export type RenderableOrder = Order | RenderedCatalogOrder | CatalogOrder;

export function renderedObjectsOf(order: AnyOrder): readonly KubeObject[] | undefined {
  return isCatalogOrder(order) && "objects" in order ? (order as RenderedCatalogOrder).objects : undefined;
}
