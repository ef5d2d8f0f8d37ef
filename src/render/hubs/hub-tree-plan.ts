import type { HubModel } from "../../hubs/hub-model.ts";
import type { RenderOptions } from "../profile.ts";
import type { KubeObject } from "../render-order.ts";
import { planTree, RENDER_REVISION, type PlannedFile, type PlannedSource } from "../tree/plan.ts";
import { digest } from "../tree/rendered-file.ts";
import { argoCdObjects, type ArgoCdSettings, type HubTenant } from "./argocd-objects.ts";
import { argoCdPath, hubPath } from "./hub-layout.ts";
import type { HubRoute } from "./hub-routing.ts";

/** What a per-hub tree's file is rendered from: a hub's order or Namespace, or a generated Argo CD object. */
export type HubTreeSource =
  | { readonly kind: "hub"; readonly hub: string; readonly source: PlannedSource }
  | { readonly kind: "argocd"; readonly object: KubeObject };

/**
 * Every file of a per-hub render, sorted by path. Each hub's files are planned by the
 * single-cluster `planTree` with the hub's options (its sealer's keyed digests included), under
 * `hubs/<hub>/`; the Argo CD objects, with `argoCd`, under `argocd/`. Pure: renders nothing.
 */
export function planHubTree(
  routes: readonly HubRoute[],
  hubs: readonly HubModel[],
  optionsOf: ReadonlyMap<string, RenderOptions>,
  argoCd: ArgoCdSettings | undefined,
): PlannedFile<HubTreeSource>[] {
  const ordersOf = new Map<string, HubRoute["order"][]>();
  for (const route of routes) ordersOf.set(route.hub, [...(ordersOf.get(route.hub) ?? []), route.order]);
  const files: PlannedFile<HubTreeSource>[] = [];
  for (const [hub, orders] of ordersOf) {
    for (const file of planTree(orders, optionsOf.get(hub)!)) {
      files.push({ ...file, path: hubPath(hub, file.path), description: `${file.description} on hub '${hub}'`, source: { kind: "hub", hub, source: file.source } });
    }
  }
  if (argoCd) files.push(...planArgoCd(hubTenants(routes, hubs), argoCd));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The (hub, tenant namespace) pairs that have orders, each with the hub's Argo CD cluster name. */
export function hubTenants(routes: readonly HubRoute[], hubs: readonly HubModel[]): HubTenant[] {
  const clusterOf = new Map(hubs.map((hub) => [hub.name, hub.argocdClusterName ?? hub.name]));
  const seen = new Map<string, HubTenant>();
  for (const { hub, order } of routes) {
    const key = `${hub}/${order.tenantNamespace}`;
    if (!seen.has(key)) seen.set(key, { hub, clusterName: clusterOf.get(hub)!, tenantNamespace: order.tenantNamespace });
  }
  return [...seen.values()];
}

/** The Argo CD files for these (hub, tenant) pairs, under `argocd/` (the committer plans them per tenant too). */
export function planArgoCd(entries: readonly HubTenant[], settings: ArgoCdSettings): PlannedFile<HubTreeSource>[] {
  return [...argoCdObjects(entries, settings)].map(([path, object]) => ({
    path: argoCdPath(path),
    description: `the Argo CD ${object.kind} ${object.metadata.name}`,
    inputDigest: digest(JSON.stringify([RENDER_REVISION, object])),
    source: { kind: "argocd", object },
  }));
}
