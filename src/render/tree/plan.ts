import { isCatalogOrder } from "../../domain/catalog-order/index.ts";
import { catalogDigestInput, templateKeyId } from "../catalog/digest-input.ts";
import type { RenderableOrder } from "../catalog/renderable-order.ts";
import type { RenderOptions } from "../profile.ts";
import type { TenantNamespaceInput } from "../render-order.ts";
import { namespaceFilePath, orderFilePath } from "./layout.ts";
import { digest } from "./rendered-file.ts";

/**
 * Bump when the rendered output for unchanged input changes (new fields, new defaults): files
 * carry the digest of their input including this, so a bump re-renders every order.
 */
export const RENDER_REVISION = 2;

/** What a planned file is rendered from. */
export type PlannedSource = { readonly kind: "order"; readonly order: RenderableOrder } | { readonly kind: "namespace"; readonly namespace: TenantNamespaceInput };

/** A file the render should produce; it is rendered only when missing or stale. */
export interface PlannedFile<S = PlannedSource> {
  readonly path: string;
  readonly description: string;
  readonly inputDigest: string;
  readonly source: S;
}

/** Every file for these orders, sorted by path. Pure: renders nothing. */
export function planTree(orders: readonly RenderableOrder[], options: RenderOptions): PlannedFile[] {
  const optionsKey = [RENDER_REVISION, options.profile, options.defaultStorageClass ?? null];
  const keyId = templateKeyId(options.templateParameterKey);
  const inputDigest = options.sealing ? (input: string) => options.sealing!.orderInputDigest(input) : digest;
  const files: PlannedFile[] = orders.map((order) => ({
    path: orderFilePath(order.tenantNamespace, order.name),
    description: `VirtualMachine ${order.namespace}/${order.name}`,
    // A built-in order's digest input is the order itself (unchanged, so existing trees stay valid),
    // without its hub annotations (they decide where the file goes, not what it holds).
    inputDigest: inputDigest(JSON.stringify([optionsKey, isCatalogOrder(order) ? catalogDigestInput(withoutPlacement(order), keyId) : withoutPlacement(order)])),
    source: { kind: "order", order },
  }));
  if (options.profile === "gitops") files.push(...planNamespaces(orders, optionsKey));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The order without its hub annotations: they decide where the file goes (its path), not what it
 * holds, so a single-cluster render's digests do not change when orders carry them.
 */
function withoutPlacement<O extends RenderableOrder>(order: O): O {
  if (order.hub === undefined && order.hubSelector === undefined) return order;
  const { hub: _hub, hubSelector: _selector, ...rest } = order;
  return rest as O;
}

function planNamespaces(orders: readonly RenderableOrder[], optionsKey: unknown[]): PlannedFile[] {
  const byName = new Map<string, RenderableOrder>();
  for (const order of orders) if (!byName.has(order.tenantNamespace)) byName.set(order.tenantNamespace, order);
  return [...byName.values()].map((order) => {
    const namespace = { name: order.tenantNamespace, tenant: order.tenant, orderNamespace: order.namespace };
    return {
      path: namespaceFilePath(namespace.name),
      description: `the tenant '${order.tenant}' of namespace ${order.namespace}`,
      inputDigest: digest(JSON.stringify([optionsKey, namespace])),
      source: { kind: "namespace", namespace },
    };
  });
}

/** Files in the tree that the plan does not hold (sorted): what a sync would remove. */
export function unplannedFiles<S>(filesInTree: Iterable<string>, planned: readonly PlannedFile<S>[]): string[] {
  const plannedPaths = new Set(planned.map((file) => file.path));
  return [...filesInTree].filter((path) => !plannedPaths.has(path)).sort();
}
