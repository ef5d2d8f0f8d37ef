/**
 * Adoption benchmark (npm run bench:adopt): a real etcd + kube-apiserver (scripts/cluster/harness.ts),
 * `--orders` (300) AAP-era orders built as the role builds them (test/support/role-fleet.ts), half of
 * them with a running VMI, then one FleetMigration per mode of `--modes` (controller,gitops), each
 * over its own fleet (Automatic approval, batches of `--batch-size`, 100), run by the migration
 * controller in this process (no step pacing). The gitops mode also runs the harness's GitOps
 * stack (Git server, Argo CD) and `osac-vm committer` (bench/support/adopt-gitops.ts): a batch is
 * verified once Argo CD has adopted it (docs/adr/0034).
 *
 * Per batch: the wall time from its backup to its Verify (local clock, status polled every 100 ms)
 * and orders per second. Requests: the API server's `apiserver_request_total` before and after,
 * by verb and resource, minus the benchmark's own polls, per adopted order; beside the floor of
 * writes an adoption needs (one apply per child plus the annotation patch), counted in the same run.
 * In gitops mode the count includes the committer's and Argo CD's requests (all clients).
 * Markdown on stdout, progress on stderr.
 *
 * Options: --orders N (300), --batch-size N (100), --create-concurrency N (12), --modes controller,gitops.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { startControlPlane, type ControlPlane } from "../scripts/cluster/harness.ts";
import { tenantNamespace } from "../src/domain/tenant.ts";
import { startMigrationController, type RunningMigrationController } from "../src/migration/fleet-controller/controller.ts";
import type { FleetMigration, TargetMode } from "../src/migration/fleet/types.ts";
import { createLogger } from "../src/platform/logger.ts";
import { KubeRestClient } from "../src/platform/kube/rest-client.ts";
import { createRoleOrder, inParallel, type RoleOrder } from "../test/support/role-fleet.ts";
import { startGitopsTarget, type GitopsTarget } from "./support/adopt-gitops.ts";

const { values: flags } = parseArgs({
  options: {
    orders: { type: "string", default: "300" },
    "batch-size": { type: "string", default: "100" },
    "create-concurrency": { type: "string", default: "12" },
    modes: { type: "string", default: "controller,gitops" },
  },
});
const ORDERS = Number(flags.orders);
const BATCH = Number(flags["batch-size"]);
const ROOT = join(import.meta.dirname, "..");
const NAMESPACE = "bench-adopt";
const LEASE_NAMESPACE = "bench-adopt-leases";
const MODES = (flags.modes ?? "").split(",").filter(Boolean) as TargetMode[];
for (const mode of MODES) if (mode !== "controller" && mode !== "gitops") throw new Error(`--modes: '${mode}' is not a target mode; use controller, gitops or both`);
const TENANT = "bench";
/** What the migration reads and writes (the API server's own housekeeping and the watch are left out). */
const MIGRATION_RESOURCES = new Set(["fleetmigrations", "virtualmachines", "secrets", "datavolumes", "services", "virtualmachineinstances", "kubevirts", "storageclasses", "namespaces", "customresourcedefinitions", "applications"]);
const log = (line: string) => process.stderr.write(`[bench:adopt] ${line}\n`);
const loadavg = () => readFileSync("/proc/loadavg", "utf8").trim();

interface BatchTiming {
  index: number;
  orders: number;
  startedMs: number;
  verifiedMs: number;
}

interface ModeRun {
  mode: TargetMode;
  backups: number[];
  phase: string;
  adopted: number;
  children: number;
  wallS: number;
  preflightMs: number;
  timings: BatchTiming[];
  requests: Record<string, number>;
  loadBefore: string;
  loadAfter: string;
}

async function main(): Promise<void> {
  let plane: ControlPlane | undefined;
  let rest: KubeRestClient | undefined;
  let gitops: GitopsTarget | undefined;
  const stop = async () => {
    await gitops?.stop();
    rest?.close();
    await plane?.stop();
  };
  process.once("SIGINT", () => void stop().then(() => process.exit(130)));
  try {
    log(`starting a control plane (load ${loadavg()})`);
    plane = await startControlPlane({ serviceClusterIpRange: "10.96.0.0/16", log });
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(plane.kubeconfigPath);
    rest = new KubeRestClient(kubeConfig, 60_000);
    const runs: ModeRun[] = [];
    for (const mode of MODES) {
      const namespace = `${NAMESPACE}-${mode}`;
      for (const name of [namespace, tenantNamespace(namespace, TENANT), ...(mode === "gitops" ? [LEASE_NAMESPACE] : [])]) {
        await rest.request("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name } }, discardBody: true });
      }
      if (mode === "gitops") gitops = await startGitopsTarget(plane, kubeConfig, namespace, LEASE_NAMESPACE, log);
      runs.push(await runMode(rest, kubeConfig, mode, namespace));
    }
    process.stdout.write(report(runs));
  } finally {
    await stop();
  }
}

/** One FleetMigration to `mode` over a fresh fleet in `namespace`, measured. */
async function runMode(rest: KubeRestClient, kubeConfig: KubeConfig, mode: TargetMode, namespace: string): Promise<ModeRun> {
  const orders: RoleOrder[] = Array.from({ length: ORDERS }, (_, index) => ({
    name: `vm-${String(index).padStart(5, "0")}`,
    parameters: { storage_class: "standard", cpu_cores: String(1 + (index % 4)), ...(index % 2 === 1 ? { ssh_public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly bench@example" } : {}) },
    running: index % 2 === 0,
    labels: { fleet: "bench" },
    serviceSpec: { allocateLoadBalancerNodePorts: false },
  }));
  const created = performance.now();
  await inParallel(orders, Number(flags["create-concurrency"]), async (order) => {
    await createRoleOrder(rest, namespace, TENANT, order);
  });
  log(`${mode}: created ${ORDERS} orders in ${((performance.now() - created) / 1000).toFixed(0)} s (load ${loadavg()})`);
  const children = ORDERS * 4 + orders.filter((order) => order.parameters.ssh_public_key).length;

  const controller: RunningMigrationController = await startMigrationController({
    kubeConfig,
    logger: createLogger({ name: "bench-adopt", level: "warn" }),
    namespace,
    metricsPort: 0,
    bindAddress: "127.0.0.1",
    stepIntervalMs: 0,
    resyncIntervalMs: 600_000,
    gitops: { argocdNamespace: "argocd", committerLeaseNamespace: LEASE_NAMESPACE },
    // No admission webhook is registered on the bench's control plane (the CRD checks still run, ADR 35).
    webhookCheck: false,
  });
  try {
    const before = await serverCounts(rest);
    const loadBefore = loadavg();
    const started = performance.now();
    await rest.request("POST", `/apis/gitops.cloudkit.openshift.io/v1alpha1/namespaces/${namespace}/fleetmigrations`, {
      body: { apiVersion: "gitops.cloudkit.openshift.io/v1alpha1", kind: "FleetMigration", metadata: { name: "bench" }, spec: { orderSelector: { matchLabels: { fleet: "bench" } }, targetMode: mode, batchSize: BATCH, approvalMode: "Automatic" } },
      discardBody: true,
    });
    let polls = 0;
    let preflightMs = 0;
    const timings = new Map<number, BatchTiming>();
    let last: FleetMigration | undefined;
    for (;;) {
      last = (await rest.request<FleetMigration>("GET", `/apis/gitops.cloudkit.openshift.io/v1alpha1/namespaces/${namespace}/fleetmigrations/bench`)).body;
      polls += 1;
      const now = performance.now() - started;
      if (last.status?.batches && !preflightMs) preflightMs = now;
      for (const batch of last.status?.batches ?? []) {
        const timing = timings.get(batch.index) ?? { index: batch.index, orders: batch.orders.length, startedMs: 0, verifiedMs: 0 };
        if (!timing.startedMs && batch.state !== "Pending" && batch.state !== "AwaitingApproval") timing.startedMs = now;
        if (!timing.verifiedMs && batch.state === "Verified") timing.verifiedMs = now;
        timings.set(batch.index, timing);
      }
      if (last.status?.phase === "Succeeded" || last.status?.phase === "Failed") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const wallS = (performance.now() - started) / 1000;
    const after = await serverCounts(rest);
    const loadAfter = loadavg();
    const requests: Record<string, number> = {};
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const delta = (after[key] ?? 0) - (before[key] ?? 0) - (key === "GET fleetmigrations" ? polls : 0) - (key === "POST fleetmigrations" ? 1 : 0);
      if (delta > 0 && MIGRATION_RESOURCES.has(key.split(" ")[1]!) && !key.startsWith("WATCH")) requests[key] = delta;
    }
    const backups: number[] = [];
    for (const batch of last?.status?.batches ?? []) {
      const secret = await rest.request<{ data: Record<string, string> }>("GET", `/api/v1/namespaces/${namespace}/secrets/${batch.backupSecret}`);
      backups.push(Buffer.from(Object.values(secret.body.data)[0] ?? "", "base64").length);
    }
    log(`${mode}: phase ${last?.status?.phase}, ${last?.status?.adopted} adopted in ${wallS.toFixed(1)} s`);
    return { mode, backups, phase: last?.status?.phase ?? "?", adopted: last?.status?.adopted ?? 0, children, wallS, preflightMs, timings: [...timings.values()], requests, loadBefore, loadAfter };
  } finally {
    await controller.close();
  }
}

async function serverCounts(rest: KubeRestClient): Promise<Record<string, number>> {
  const text = (await rest.request<string>("GET", "/metrics")).body;
  const counts: Record<string, number> = {};
  for (const line of String(text).split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? "";
    const verb = /verb="([^"]*)"/.exec(line)?.[1] ?? "";
    if (!resource) continue;
    counts[`${verb} ${resource}`] = (counts[`${verb} ${resource}`] ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return counts;
}

function report(runs: readonly ModeRun[]): string {
  const out: string[] = [];
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  out.push(`## Results (HEAD ${commit}, ${new Date().toISOString().slice(0, 10)})`, "");
  out.push(`Machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}.`, "");
  out.push("| mode | orders | batch | orders in batch | backup → verified s | orders/s |", "|---|---:|---:|---:|---:|---:|");
  for (const run of runs) {
    for (const timing of [...run.timings].sort((a, b) => a.index - b.index)) {
      const seconds = (timing.verifiedMs - timing.startedMs) / 1000;
      out.push(`| ${run.mode} | ${ORDERS} | ${timing.index} | ${timing.orders} | ${seconds.toFixed(1)} | ${(timing.orders / seconds).toFixed(1)} |`);
    }
  }
  for (const run of runs) {
    out.push("", `### ${run.mode}`, "");
    out.push(`/proc/loadavg ${run.loadBefore} → ${run.loadAfter}. Fleet: ${ORDERS} orders (${run.children} children), batches of ${BATCH}, Automatic approval; phase ${run.phase}, ${run.adopted} adopted in ${run.wallS.toFixed(1)} s (Preflight ${(run.preflightMs / 1000).toFixed(1)} s).`);
    out.push("", `Backup Secrets (gzipped JSON, limit ${900 * 1024} bytes): ${run.backups.map((size) => `${(size / 1024).toFixed(1)} KiB`).join(", ")}.`);
    const total = Object.values(run.requests).reduce((sum, count) => sum + count, 0);
    const writes = Object.entries(run.requests).filter(([key]) => /^(PATCH|PUT|POST|APPLY|UPDATE|CREATE) /i.test(key)).reduce((sum, [, count]) => sum + count, 0);
    const floor = run.children + run.adopted;
    const who = run.mode === "gitops" ? "every client: the migration controller, the committer and Argo CD" : "the migration controller";
    out.push("", `API requests to the resources the adoption uses (${who}; the API server's count, the benchmark's polls and watches taken out): ${total}, ${(total / run.adopted).toFixed(1)} per adopted order; writes ${writes} (${(writes / run.adopted).toFixed(2)} per order)` + (run.mode === "controller" ? ` against a floor of ${floor} (${(floor / run.adopted).toFixed(2)} per order: one apply per child and one annotation patch).` : "."), "");
    out.push("| request | count | per adopted order |", "|---|---:|---:|");
    for (const [key, count] of Object.entries(run.requests).sort()) out.push(`| ${key} | ${count} | ${(count / run.adopted).toFixed(2)} |`);
  }
  return `${out.join("\n")}\n`;
}

await main();
