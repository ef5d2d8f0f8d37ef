// Bad input and faults of issue 13 on a real Argo CD: the Git server stops serving mid-test (the
// Application shows the repo server's error, nothing is pruned meanwhile, and it converges once Git
// is back), and a malformed file written by hand into the rendered tree fails that Application's
// comparison with Argo CD's own message while another Application is unaffected.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startServing, stopServing } from "../../scripts/cluster/git-server.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { adminKubeConfig, uniqueName } from "../e2e/support/kube.ts";
import { ArgoApplications, describeApplication } from "./support/argocd-app.ts";
import { gitopsOrder, syncOrders, type OrderDocument, type SyncedOrders } from "./support/fixture.ts";
import { getObject, secretPath, servicePath, vmPath, dataVolumePath } from "./support/play-kubevirt.ts";
import "./support/context.ts";

const ctx = inject("gitops");
const admin = adminKubeConfig(ctx.cluster);
const apps = new ArgoApplications(admin, ctx.argocd.controller.logFile);
const ordersNamespace = uniqueName("orders");
const ns = tenantNamespace(ordersNamespace, "faults");
let orders: OrderDocument[];
let faulty: SyncedOrders;
let healthy: SyncedOrders;
let gitStopped = false;

const childPaths = (order: string) => [vmPath(ns, order), servicePath(ns, `${order}-load-balancer`), secretPath(ns, `${order}-cloud-init`), dataVolumePath(ns, `${order}-root-disk`)];
async function uids(names: string[]): Promise<(string | undefined)[]> {
  return Promise.all(names.flatMap(childPaths).map(async (p) => (await getObject(admin, p))?.metadata.uid as string | undefined));
}

beforeAll(async () => {
  orders = [gitopsOrder("f1", ordersNamespace, "faults"), gitopsOrder("f2", ordersNamespace, "faults")];
  faulty = await syncOrders(ctx, apps, "faults", orders);
  healthy = await syncOrders(ctx, apps, "bystander", [gitopsOrder("b1", uniqueName("orders"), "bystander")]);
});

afterAll(async () => {
  if (gitStopped) await startServing(ctx.git).catch(() => {});
  faulty?.repo.dispose();
  healthy?.repo.dispose();
});

describe("GIVEN a synced Application WHEN the Git server stops serving", () => {
  it("THEN a hard refresh shows the repo server's error and nothing is pruned; once Git is back it converges to what was pushed meanwhile", async () => {
    const before = await uids(["f1", "f2"]);
    expect(before.every(Boolean)).toBe(true);
    await stopServing(ctx.git);
    gitStopped = true;
    try {
      const failing = await apps.refresh(faulty.name, "hard");
      const errored = failing.status?.conditions?.some((c) => c.type === "ComparisonError")
        ? failing
        : await apps.waitFor(faulty.name, "a ComparisonError", (a) => (a.status?.conditions ?? []).some((c) => c.type === "ComparisonError"));
      const error = errored.status!.conditions!.find((c) => c.type === "ComparisonError")!;
      expect(error.message, describeApplication(errored)).toMatch(/^Failed to load target state: /);
      expect(error.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${ctx.git.port}|connection refused|Failed to connect`, "i"));
      expect(error.message).not.toContain(ctx.git.token);
      expect(errored.status?.sync?.status).toBe("Unknown");
      // A second refresh while Git is down: still the error, still nothing pruned.
      await apps.refresh(faulty.name, "hard");
      expect(await uids(["f1", "f2"])).toEqual(before);

      // Meanwhile a commit lands in the repository (pushed straight to its directory).
      const moreOrders = [...orders, gitopsOrder("f3", ordersNamespace, "faults")];
      faulty.repo.writeOrders(moreOrders);
      await faulty.repo.render();
      await faulty.repo.mustGit("add", "-A");
      await faulty.repo.mustGit("commit", "--quiet", "-m", "Add f3 while the Git server is down");
      await faulty.repo.mustGit("push", "--quiet", faulty.repo.bareDir, "main");
      const commit = (await faulty.repo.mustGit("rev-parse", "HEAD")).trim();
      expect(await uids(["f1", "f2"])).toEqual(before);

      await startServing(ctx.git);
      gitStopped = false;
      await apps.refresh(faulty.name, "hard");
      const converged = await apps.waitSynced(faulty.name, { revision: commit });
      expect(converged.status?.conditions ?? []).toEqual([]);
      expect(await uids(["f1", "f2"])).toEqual(before);
      expect((await uids(["f3"])).every(Boolean)).toBe(true);
      faulty.commit = commit;
      orders = moreOrders;
    } finally {
      if (gitStopped) await startServing(ctx.git);
      gitStopped = false;
    }
  });
});

describe("GIVEN two Applications WHEN a malformed file is written by hand into one's rendered tree", () => {
  it("THEN that Application fails with Argo CD's own message, nothing of it is pruned, and the other is unaffected", async () => {
    const before = await uids(["f1", "f2", "f3"]);
    const bystanderBefore = (await apps.get(healthy.name))!;
    faulty.repo.writeFile(`rendered/${ns}/hand-written.yaml`, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hand-written\n  labels: [unclosed\n");
    const bad = await faulty.repo.commitAndPush("A malformed hand-written file");
    await apps.refresh(faulty.name, "normal");
    const failed = await apps.waitFor(faulty.name, "a ComparisonError for the malformed file", (a) => (a.status?.conditions ?? []).some((c) => c.type === "ComparisonError"));
    const error = failed.status!.conditions!.find((c) => c.type === "ComparisonError")!.message;
    expect(error, describeApplication(failed)).toMatch(/^Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: /);
    expect(error).toContain("hand-written.yaml");
    expect(failed.status?.sync?.status).toBe("Unknown");
    expect(await uids(["f1", "f2", "f3"])).toEqual(before);

    const bystander = await apps.refresh(healthy.name, "hard");
    expect(bystander.status?.sync?.status, describeApplication(bystander)).toBe("Synced");
    expect(bystander.status?.sync?.revision).toBe(healthy.commit);
    expect(bystander.status?.conditions ?? []).toEqual([]);
    expect(bystander.status?.reconciledAt).not.toBe(bystanderBefore.status?.reconciledAt);

    // The hand-written file removed again: the Application recovers.
    faulty.repo.removeFile(`rendered/${ns}/hand-written.yaml`);
    const fixed = await faulty.repo.commitAndPush("Remove the malformed file");
    expect(fixed).not.toBe(bad);
    await apps.refresh(faulty.name, "normal");
    const recovered = await apps.waitSynced(faulty.name, { revision: fixed });
    expect(recovered.status?.conditions ?? []).toEqual([]);
  });
});
