import { join } from "node:path";
import { isCatalogOrder } from "../../domain/catalog-order/index.ts";
import type { Order } from "../../domain/order.ts";
import type { SecretSealer } from "../../gitops/sealing/index.ts";
import type { HubModel } from "../../hubs/hub-model.ts";
import { loadOrders } from "../input/load-orders.ts";
import type { RenderOptions } from "../profile.ts";
import type { RenderTreeRequest, RenderTreeResult } from "../render-tree.ts";
import { unplannedFiles } from "../tree/plan.ts";
import type { RemovalPolicy } from "../tree/removal-guard.ts";
import { DEFAULT_REMOVAL_POLICY } from "../tree/removal-guard.ts";
import { listDirectory, scanOwnedFiles, type OwnedFile, type OwnedFiles } from "../tree/scan.ts";
import { syncTree, type SourceRenderer } from "../tree/sync.ts";
import type { ArgoCdSettings } from "./argocd-objects.ts";
import { ARGOCD_DIRECTORY, argoCdPath, existingHubs, hubPath, HUBS_DIRECTORY, isArgoCdLayoutPath, isHubDirectoryName } from "./hub-layout.ts";
import { checkHubRemovals } from "./hub-removals.ts";
import { checkRoutedPlainSecrets, hubRenderOptions, type HubSealingSettings } from "./hub-render-options.ts";
import { annotatedHubWarning, routeOrders } from "./hub-routing.ts";
import { planHubTree, type HubTreeSource } from "./hub-tree-plan.ts";

export interface RenderHubsTreeRequest extends Omit<RenderTreeRequest, "removalPolicy"> {
  readonly hubs: readonly HubModel[];
  readonly sealing: HubSealingSettings;
  /** Generate the Argo CD objects under `argocd/` (absent: that directory is not touched). */
  readonly argoCd?: ArgoCdSettings | undefined;
  readonly removalPolicy?: RemovalPolicy;
}

export interface RenderHubsTreeResult extends RenderTreeResult {
  /** `hubs/<hub>` when one hub's removals were refused; "" for the fleet. */
  readonly removalTree?: string;
  /** Orders per hub (hubs without orders are not listed). */
  readonly ordersByHub: ReadonlyMap<string, number>;
  readonly sealers: ReadonlyMap<string, SecretSealer>;
}

/**
 * `render --hubs`: reads and validates the orders, routes each to its hub, plans every hub's tree
 * and the Argo CD objects, holds the removals to the guard per hub and for the fleet, and only
 * then brings `hubs/` (and `argocd/`) up to date in one sync, so nothing is half-written
 * (docs/adr/0030-per-hub-output.md). A single-cluster tree beside them is never touched.
 */
export async function renderHubsTree(request: RenderHubsTreeRequest): Promise<RenderHubsTreeResult> {
  const scan = scanHubTree(request.outDir, request.check, request.argoCd !== undefined);
  scan.catch(() => {});
  const empty = { ordersByHub: new Map<string, number>(), sealers: new Map<string, SecretSealer>() };
  const perHub = hubRenderOptions(request.hubs, request.options, request.sealing);
  // The plain-Secret rule is applied per hub once routed (a hub with a certificate seals).
  const loadOptions: RenderOptions = { ...request.options, allowPlainSecrets: true };
  const loaded = loadOrders(request.inputs, loadOptions, request.readStdin);
  const { errors, warnings } = loaded;
  // Catalog orders are not routed per hub yet (offline placement needs what their Template makes).
  const orders = loaded.orders.filter((order): order is Order => !isCatalogOrder(order));
  for (const order of loaded.orders.filter(isCatalogOrder)) {
    errors.push(`${order.namespace}/${order.name}: spec.templateID: '${order.templateId}' names a catalog template; render --hubs renders only orders of the built-in template family (render catalog orders without --hubs)`);
  }
  errors.push(...perHub.errors);
  if (errors.length > 0) return { orderCount: orders.length, errors, warnings, ...empty };
  const existing = await scan;
  const routing = routeOrders(orders, request.hubs, existingHubs(existing.files.keys()));
  errors.push(...routing.errors, ...checkRoutedPlainSecrets(routing.routes, perHub.byHub));
  if (errors.length > 0) return { orderCount: orders.length, errors, warnings, ...empty };
  const hubByName = new Map(request.hubs.map((hub) => [hub.name, hub]));
  for (const route of routing.routes) {
    const warning = annotatedHubWarning(route, hubByName.get(route.hub)!);
    if (warning) warnings.push(warning);
  }
  const ordersByHub = new Map<string, number>();
  for (const route of routing.routes) ordersByHub.set(route.hub, (ordersByHub.get(route.hub) ?? 0) + 1);
  const result = { orderCount: orders.length, errors, warnings, ordersByHub, sealers: perHub.sealers };

  const plan = planHubTree(routing.routes, request.hubs, perHub.byHub, request.argoCd);
  const filesInTree = [...existing.files.keys()];
  const removedFiles = unplannedFiles(filesInTree, plan);
  const guard = checkHubRemovals({ filesInTree, plannedFiles: plan.map((file) => file.path), removedFiles }, request.removalPolicy ?? DEFAULT_REMOVAL_POLICY);
  if (!guard.verdict.allowed) return { ...result, removals: guard.verdict, removalTree: guard.tree };
  const report = await syncTree<HubTreeSource>(request.outDir, plan, existing, removedFiles, {
    check: request.check,
    loadRenderer: () => loadHubRenderer(perHub.byHub),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
  return { ...result, removals: guard.verdict, report };
}

async function loadHubRenderer(optionsOf: ReadonlyMap<string, RenderOptions>): Promise<SourceRenderer<HubTreeSource>> {
  const { renderOrder, renderTenantNamespace } = await import("../render-order.ts");
  return (file, previousFile) => {
    if (file.kind === "argocd") return [file.object];
    const { source } = file;
    if (source.kind === "namespace") return [renderTenantNamespace(source.namespace)];
    const options = optionsOf.get(file.hub)!;
    // renderHubsTree refused catalog orders before planning.
    if (isCatalogOrder(source.order)) throw new Error(`catalog order ${source.order.namespace}/${source.order.name} reached the per-hub renderer`);
    const objects = renderOrder(source.order, options);
    return options.sealing ? options.sealing.sealObjects(objects, previousFile) : objects;
  };
}

/** Our files under `hubs/<hub>/` for every hub directory there, and under `argocd/` when it is ours. */
async function scanHubTree(outDir: string, verifyBodies: boolean, argoCd: boolean): Promise<OwnedFiles> {
  const hubsDirectory = join(outDir, HUBS_DIRECTORY);
  const scans: Promise<{ prefix: (path: string) => string; files: OwnedFiles }>[] = [];
  for (const entry of listDirectory(hubsDirectory)) {
    if (!entry.isDirectory() || !isHubDirectoryName(entry.name)) continue;
    const hub = entry.name;
    scans.push(scanOwnedFiles(join(hubsDirectory, hub), { verifyBodies }).then((files) => ({ prefix: (path) => hubPath(hub, path), files })));
  }
  if (argoCd) {
    scans.push(
      scanOwnedFiles(join(outDir, ARGOCD_DIRECTORY), { verifyBodies, isOwnedPath: isArgoCdLayoutPath }).then((files) => ({ prefix: argoCdPath, files })),
    );
  }
  const files = new Map<string, OwnedFile>();
  let filesRead = 0;
  for (const scanned of await Promise.all(scans)) {
    filesRead += scanned.files.filesRead;
    for (const [path, file] of scanned.files.files) files.set(scanned.prefix(path), file);
  }
  return { files, filesRead };
}
