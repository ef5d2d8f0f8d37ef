import type { HubModel } from "../../hubs/hub-model.ts";
import { applicationName, projectName, type ArgoCdSettings, type HubTenant } from "../../render/hubs/argocd-objects.ts";
import { ARGOCD_DIRECTORY, argoCdPath, HUBS_DIRECTORY } from "../../render/hubs/hub-layout.ts";
import { planArgoCd } from "../../render/hubs/hub-tree-plan.ts";
import { HubFileRenderer } from "./hub-renderers.ts";
import type { OrderIntent } from "./order-intent.ts";
import { directoryOf, type OwnedFiles } from "./owned-files.ts";
import type { BatchPlan, PlannedRemoval, PlannedWrite } from "./plan-batch.ts";

export interface ArgoCdPlanInput {
  /** Tenant namespaces whose Argo CD objects may change: those of the batch's hub orders. */
  readonly tenants: Iterable<string>;
  readonly owned: OwnedFiles;
  /** Repository path of the rendered tree ("" for the root). */
  readonly prefix: string;
  /** Order files a directory holds once the batch is committed, for the directories the batch changes. */
  readonly ordersAfter: ReadonlyMap<string, number>;
  readonly hub: (name: string) => HubModel | undefined;
  readonly hubNames: readonly string[];
  readonly settings: ArgoCdSettings;
  /** Paths another commit changed: written again even when their recorded digest matches. */
  readonly suspect: ReadonlySet<string>;
}

export interface ArgoCdPlan {
  readonly writes: PlannedWrite[];
  readonly removals: PlannedRemoval[];
  /** Tenants with orders on a hub that is not a known Hub: their Argo CD files stay as they are. */
  readonly held: string[];
}

/**
 * The generated Argo CD objects of the tenants a batch touches (docs/adr/0033-committer-per-hub-output.md):
 * exactly what `render --hubs` generates (the same `planArgoCd`) for the hubs that hold the
 * tenant's orders once the batch is committed: an Application per (hub, tenant), written with the
 * tenant's first order on the hub and removed with its last; the tenant's AppProject while it has
 * orders on any hub. Work per tenant is one look per known hub. Pure.
 */
export function planArgoCdFiles(input: ArgoCdPlanInput): ArgoCdPlan {
  const { owned, suspect } = input;
  const repositoryPath = (treePath: string) => (input.prefix ? `${input.prefix}/${treePath}` : treePath);
  const hubsRoot = repositoryPath(`${HUBS_DIRECTORY}/`);
  const writes: PlannedWrite[] = [];
  const removals: PlannedRemoval[] = [];
  const held: string[] = [];
  for (const tenant of new Set(input.tenants)) {
    const directories = new Set(owned.orderDirectoriesNamed(tenant));
    for (const directory of input.ordersAfter.keys()) if (directory.endsWith(`/${tenant}`)) directories.add(directory);
    const withOrders: string[] = [];
    const candidates = new Set(input.hubNames);
    for (const directory of directories) {
      if (!directory.startsWith(hubsRoot)) continue;
      const hub = directory.slice(hubsRoot.length, -(tenant.length + 1));
      if (hub === "" || hub.includes("/")) continue;
      candidates.add(hub);
      if ((input.ordersAfter.get(directory) ?? owned.orderCountIn(directory)) > 0) withOrders.push(hub);
    }
    if (withOrders.some((hub) => input.hub(hub) === undefined)) {
      held.push(tenant);
      continue;
    }
    const entries: HubTenant[] = withOrders.sort().map((hub) => ({ hub, clusterName: input.hub(hub)!.argocdClusterName ?? hub, tenantNamespace: tenant }));
    const planned = entries.length === 0 ? [] : planArgoCd(entries, input.settings);
    const plannedPaths = new Set<string>();
    for (const file of planned) {
      const path = repositoryPath(file.path);
      plannedPaths.add(path);
      const inTree = owned.get(path);
      if (owned.isForeign(path) || (inTree && inTree.inputDigest === file.inputDigest && inTree.intact && !suspect.has(path))) continue;
      if (file.source.kind !== "argocd") continue;
      writes.push({ path, file: { ...file, source: file.source }, exists: Boolean(inTree) });
    }
    const ours = [...candidates].map((hub) => repositoryPath(argoCdPath(`applications/${applicationName(hub, tenant)}.yaml`)));
    ours.push(repositoryPath(argoCdPath(`projects/${projectName(tenant)}.yaml`)));
    for (const path of ours) if (!plannedPaths.has(path) && owned.get(path)) removals.push({ path });
  }
  return { writes, removals, held };
}

/** The tenants named by the Argo CD files in the tree (a start-up sweep looks at every one of them). */
export function argoCdTenants(owned: OwnedFiles, prefix: string): Set<string> {
  const root = prefix ? `${prefix}/${ARGOCD_DIRECTORY}/` : `${ARGOCD_DIRECTORY}/`;
  const tenants = new Set<string>();
  for (const path of owned.paths()) {
    if (!path.startsWith(root)) continue;
    const name = path.slice(path.lastIndexOf("/") + 1, -".yaml".length);
    // `<hub>.<tenant>` and `osac-vm.<tenant>`: a namespace has no dot.
    tenants.add(name.slice(name.lastIndexOf(".") + 1));
  }
  return tenants;
}

/**
 * The tenants whose Argo CD objects a batch may change: the tenant of every order in it that goes
 * to a hub or has a file on one, and, on the first batch of a term (`sweep`), every tenant an
 * Argo CD file in the tree names. Pure.
 */
export function batchTenants(intents: ReadonlyMap<string, OrderIntent>, owned: OwnedFiles, prefix: string, sweep: boolean): Set<string> {
  const hubsRoot = prefix ? `${prefix}/${HUBS_DIRECTORY}/` : `${HUBS_DIRECTORY}/`;
  const tenants = sweep ? argoCdTenants(owned, prefix) : new Set<string>();
  for (const [key, intent] of intents) {
    if (intent.kind === "write" && intent.renderer instanceof HubFileRenderer) tenants.add(intent.order.tenantNamespace);
    const existing = owned.orderFile(key)?.path;
    if (existing?.startsWith(hubsRoot)) {
      const directory = directoryOf(existing);
      tenants.add(directory.slice(directory.lastIndexOf("/") + 1));
    }
  }
  return tenants;
}

/** Order files per directory once the batch is committed, for the directories it changes (its failed renders left out). Pure. */
export function ordersAfterBatch(plan: Pick<BatchPlan, "writes" | "removals">, owned: OwnedFiles, failed: ReadonlySet<string>): Map<string, number> {
  const after = new Map<string, number>();
  const bump = (directory: string, by: number) => after.set(directory, (after.get(directory) ?? owned.orderCountIn(directory)) + by);
  for (const write of plan.writes) {
    if (write.orderKey === undefined || failed.has(write.orderKey)) continue;
    if (owned.get(write.path)?.orderKey !== write.orderKey) bump(directoryOf(write.path), +1);
  }
  for (const removal of plan.removals) if (removal.orderKey !== undefined) bump(directoryOf(removal.path), -1);
  return after;
}
