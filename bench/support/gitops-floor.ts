/**
 * The floor for bench:gitops, measured in the same run on the same control plane and webhook: the
 * same rendered files applied straight to the API server with `kubectl apply --server-side`, no
 * Argo CD in between. Singles: one order's file per kubectl run (the process start is part of it).
 * Batch: the tenant Namespaces, then every order's file in one kubectl run, once as Argo CD does it
 * (a server-side dry run of everything first, then the apply) and once as a bare apply, each into
 * its own orders namespace so nothing is already there.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { namespaceFilePath, orderFilePath } from "../../src/render/tree/layout.ts";
import type { GitServerState } from "../../scripts/cluster/git-server.ts";
import { gitopsOrder, type OrderDocument } from "../../test/gitops/support/fixture.ts";
import { RenderedRepo } from "../../test/gitops/support/rendered-repo.ts";

export interface FloorResult {
  singleMs: number[];
  batch: { orders: number; dryRunAndApplyMs: number; applyMs: number };
}

const RENDERED = "rendered";

function kubectl(kubeconfigPath: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("kubectl", ["--kubeconfig", kubeconfigPath, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`kubectl ${args.slice(0, 2).join(" ")} failed: ${stderr.trim()}`)) : resolve(),
    );
  });
}

const apply = (kubeconfigPath: string, files: string[], dryRun = false) =>
  kubectl(kubeconfigPath, ["apply", "--server-side", "--field-manager=bench-floor", ...(dryRun ? ["--dry-run=server"] : []), ...files.flatMap((file) => ["-f", file])]);

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

export async function measureFloor(kubeconfigPath: string, git: GitServerState, singles: number, batchSize: number): Promise<FloorResult> {
  const repo = await RenderedRepo.create(git, "floor");
  try {
    const file = (relative: string) => path.join(repo.work, RENDERED, relative);
    // Singles: one order added at a time, its file applied alone (the Namespace exists, as in the Argo CD run).
    const singlesNamespace = "floor-singles";
    const singlesTenant = tenantNamespace(singlesNamespace, "bench");
    const orders: OrderDocument[] = [gitopsOrder("floor-base", singlesNamespace, "bench")];
    repo.writeOrders(orders);
    await repo.render();
    await apply(kubeconfigPath, [file(namespaceFilePath(singlesTenant)), file(orderFilePath(singlesTenant, "floor-base"))]);
    const singleMs: number[] = [];
    for (let i = 0; i < singles; i++) {
      const name = `floor-single-${i}`;
      orders.push(gitopsOrder(name, singlesNamespace, "bench"));
      repo.writeOrders(orders);
      await repo.render();
      singleMs.push(await timed(() => apply(kubeconfigPath, [file(orderFilePath(singlesTenant, name))])));
    }
    // Batch: as Argo CD (dry run of everything, then the apply), and as a bare apply.
    const batchRun = async (ordersNamespace: string, dryRunFirst: boolean) => {
      const tenants = Array.from({ length: 10 }, (_, i) => `tenant-${i}`);
      const batch = Array.from({ length: batchSize }, (_, i) => gitopsOrder(`batch-${i}`, ordersNamespace, tenants[i % tenants.length]!));
      repo.writeOrders(batch);
      await repo.render(["--allow-mass-removal"]);
      const namespaces = tenants.map((tenant) => file(namespaceFilePath(tenantNamespace(ordersNamespace, tenant))));
      const orderFiles = batch.map((order) => file(orderFilePath(tenantNamespace(ordersNamespace, order.metadata.annotations["cloudkit.openshift.io/tenant"]!), order.metadata.name)));
      return timed(async () => {
        if (dryRunFirst) await apply(kubeconfigPath, [...namespaces], true);
        await apply(kubeconfigPath, namespaces);
        if (dryRunFirst) await apply(kubeconfigPath, orderFiles, true);
        await apply(kubeconfigPath, orderFiles);
      });
    };
    const dryRunAndApplyMs = await batchRun("floor-batch-a", true);
    const applyMs = await batchRun("floor-batch-b", false);
    return { singleMs, batch: { orders: batchSize, dryRunAndApplyMs, applyMs } };
  } finally {
    repo.dispose();
  }
}
