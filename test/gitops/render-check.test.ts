// Proof 7 of issue 13: a bad render never reaches Git. The rendered repository's gate is
// `osac-vm render --in orders --out rendered --check` (README, "CI gate"), run here by a
// pre-commit hook as a CI job would run it on a pull request: an invalid order makes it exit 2,
// the commit is not made, and Argo CD keeps the last good revision.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { REPO_ROOT } from "../../scripts/cluster/harness.ts";
import { adminKubeConfig, uniqueName } from "../e2e/support/kube.ts";
import { orderDocument } from "../support/orders.ts";
import { ArgoApplications, describeApplication } from "./support/argocd-app.ts";
import { gitopsOrder, syncOrders, type OrderDocument, type SyncedOrders } from "./support/fixture.ts";
import { ORDERS_DIR, RENDERED_DIR } from "./support/rendered-repo.ts";
import "./support/context.ts";

const ctx = inject("gitops");
const admin = adminKubeConfig(ctx.cluster);
const apps = new ArgoApplications(admin, ctx.argocd.controller.logFile);
const ordersNamespace = uniqueName("orders");
let orders: OrderDocument[];
let synced: SyncedOrders;

function gate(cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO_ROOT, "bin/osac-vm.js"), "render", "--in", ORDERS_DIR, "--out", RENDERED_DIR, "--check"], { cwd }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  orders = [gitopsOrder("ok-1", ordersNamespace, "gate"), gitopsOrder("ok-2", ordersNamespace, "gate")];
  synced = await syncOrders(ctx, apps, "gate", orders);
  // The gate as a pre-commit hook of the committer's clone.
  const hook = path.join(synced.repo.work, ".git/hooks/pre-commit");
  fs.writeFileSync(hook, `#!/bin/sh\nexec "${process.execPath}" "${path.join(REPO_ROOT, "bin/osac-vm.js")}" render --in ${ORDERS_DIR} --out ${RENDERED_DIR} --check\n`, { mode: 0o755 });
});

afterAll(() => synced?.repo.dispose());

describe("GIVEN a rendered repository whose commits pass the render --check gate", () => {
  it("THEN the committed tree passes the gate", async () => {
    const run = await gate(synced.repo.work);
    expect(run.stderr).toBe("osac-vm render --check: 3 file(s) up to date\n");
    expect(run.code).toBe(0);
  });

  it("WHEN an invalid order is added THEN the gate exits 2 naming the field, the commit is not made and Argo CD keeps the last good revision", async () => {
    const headBefore = (await synced.repo.mustGit("rev-parse", "HEAD")).trim();
    const renderedBefore = fs.readdirSync(path.join(synced.repo.work, RENDERED_DIR), { recursive: true }).sort();
    const invalid = orderDocument({ cpu_cores: "0", exposed_ports: "22/tcp" }, { name: "bad-1", namespace: ordersNamespace, tenant: "gate", managedBy: "gitops" });
    synced.repo.writeOrders([...orders, invalid]);

    const run = await gate(synced.repo.work);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^orders\/orders\.yaml:3: spec\.templateParameters\.cpu_cores: .*\(got "0"\)$/m);
    expect(run.stderr).toMatch(/nothing was written/);

    await synced.repo.mustGit("add", "-A");
    const commit = await synced.repo.git("commit", "-m", "Add an invalid order");
    expect(commit.code).not.toBe(0);
    expect(commit.stderr).toMatch(/cpu_cores/);
    expect((await synced.repo.mustGit("rev-parse", "HEAD")).trim()).toBe(headBefore);
    expect(await synced.repo.remoteHead()).toBe(synced.commit);
    expect(fs.readdirSync(path.join(synced.repo.work, RENDERED_DIR), { recursive: true }).sort()).toEqual(renderedBefore);

    const app = await apps.refresh(synced.name, "hard");
    expect(app.status?.sync?.revision, describeApplication(app)).toBe(synced.commit);
    expect(app.status?.sync?.status).toBe("Synced");
  });
});
