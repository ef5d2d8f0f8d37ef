// The common start of a gitops test file: orders rendered into a fresh repository on the suite's
// Git server, pushed, and the example Application (with this repository) created and synced.
import { randomUUID } from "node:crypto";
import { orderDocument } from "../../support/orders.ts";
import { uniqueName } from "../../e2e/support/kube.ts";
import { ArgoApplications, exampleApplication, type Application } from "./argocd-app.ts";
import type { GitopsContext } from "./context.ts";
import { RenderedRepo } from "./rendered-repo.ts";

export type OrderDocument = ReturnType<typeof orderDocument>;

/** A gitops order in `namespace` for `tenant` (uuid label set, so its firmware UUID is stable). */
export function gitopsOrder(name: string, namespace: string, tenant: string, parameters: Record<string, unknown> = {}): OrderDocument {
  return orderDocument({ cpu_cores: "2", memory: "2Gi", disk_size: "10Gi", ...parameters }, { name, namespace, tenant, uuid: randomUUID(), managedBy: "gitops" });
}

export interface SyncedOrders {
  repo: RenderedRepo;
  /** The Application's (and its AppProject's) name. */
  name: string;
  commit: string;
  app: Application;
}

/** Renders `orders` into a new repository, pushes, creates the example Application for it and waits until it is Synced. */
export async function syncOrders(ctx: GitopsContext, apps: ArgoApplications, label: string, orders: readonly object[]): Promise<SyncedOrders> {
  const repo = await RenderedRepo.create(ctx.git, label);
  repo.writeOrders(orders);
  await repo.render();
  const commit = await repo.commitAndPush(`Render ${orders.length} order(s)`);
  const name = uniqueName(label);
  await apps.apply(exampleApplication(name, repo.url));
  const app = await apps.waitSynced(name, { revision: commit, timeoutMs: 120_000 });
  return { repo, name, commit, app };
}

/** Re-renders after the orders changed, commits, pushes and asks Argo CD to refresh; resolves once Synced at the new commit. */
export async function pushOrders(apps: ArgoApplications, synced: SyncedOrders, orders: readonly object[], message: string): Promise<{ commit: string; app: Application }> {
  synced.repo.writeOrders(orders);
  await synced.repo.render();
  const commit = await synced.repo.commitAndPush(message);
  await apps.refresh(synced.name, "normal");
  const app = await apps.waitSynced(synced.name, { revision: commit });
  return { commit, app };
}
