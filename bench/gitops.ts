/**
 * GitOps benchmark (npm run bench:gitops): rendered orders committed to a real Git server and synced
 * by a real Argo CD (v3.6.2) into a real kube-apiserver (scripts/cluster/gitops-stack.ts), with the
 * project's webhook registered. Markdown tables on stdout, progress on stderr.
 *
 * For each Argo CD configuration (`--configs`, default `defaults,tuned`; a fresh control plane and
 * Argo CD each):
 *  1. Single-order commits: an Application of `--base` (5) orders in one tenant namespace, then
 *     `--singles` (20) commits that each add one order, for each refresh kind (`--refresh`,
 *     default `normal,hard`). Per commit: render (the CLI, in-process), `git commit`, `git push`;
 *     the clock starts when the push returns (the commit is in Git); the Application is annotated
 *     `argocd.argoproj.io/refresh=<kind>` at once; measured until every child of the new order
 *     exists (polled every 50 ms) and until the Application is Synced at that commit.
 *  2. One commit of `--batch` (200) orders in 10 tenant namespaces, to an Application that exists
 *     (synced, empty): from the push to Synced, and to Healthy (a player writes KubeVirt's, CDI's
 *     and a load balancer's status as soon as each object appears, as the tests do).
 * CPU time (utime+stime of the process and its reaped children, from /proc) over each
 * configuration's whole run: Argo CD (application controller, repo server with its git
 * processes, Redis), ours (the render in this process, the webhook process), the Git server
 * (with its git http-backend processes), kube-apiserver and etcd. The controller's
 * "Reconciliation completed" log lines give where a reconcile spends its time.
 *
 * Options: --singles N, --base N, --batch N, --configs a,b, --refresh normal,hard, --json <file>.
 */
import * as fs from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import * as k8s from "@kubernetes/client-node";
import { startControlPlane, type ControlPlane } from "../scripts/cluster/harness.ts";
import { startGitopsStack, type GitopsStack } from "../scripts/cluster/gitops-stack.ts";
import { tenantNamespace } from "../src/domain/tenant.ts";
import { processesMentioning } from "../test/e2e/support/procs.ts";
import { startWebhookProcess, wireConversion, type WebhookProcess } from "../test/e2e/support/webhook-process.ts";
import { wireAdmission } from "../test/gitops/support/admission.ts";
import { ArgoApplications, exampleApplication } from "../test/gitops/support/argocd-app.ts";
import { gitopsOrder, type OrderDocument } from "../test/gitops/support/fixture.ts";
import { RenderedRepo } from "../test/gitops/support/rendered-repo.ts";
import { cpuSeconds, percentile, reconcileBreakdown, StatusPlayer, syncTimeline, waitChildren } from "./support/gitops-measure.ts";
import { measureFloor } from "./support/gitops-floor.ts";
import { table, type ConfigResult, type SingleResult } from "./support/gitops-report.ts";

const { values } = parseArgs({
  options: {
    singles: { type: "string", default: "20" },
    base: { type: "string", default: "5" },
    batch: { type: "string", default: "200" },
    configs: { type: "string", default: "defaults,tuned" },
    refresh: { type: "string", default: "normal,hard" },
    json: { type: "string" },
  },
});
const SINGLES = Number(values.singles);
const BASE = Number(values.base);
const BATCH = Number(values.batch);
const REFRESH_KINDS = values.refresh!.split(",") as ("normal" | "hard")[];
const progress = (line: string) => process.stderr.write(`[bench:gitops] ${line}\n`);
const load = () => loadavg().map((value) => value.toFixed(2)).join(" ");

/** Argo CD settings tried (argocd-cmd-params-cm keys, passed as upstream's manifests pass them). */
const CONFIGS: Record<string, { description: string; cmdParams: Record<string, string>; compareOptions?: string }> = {
  defaults: { description: "Argo CD's defaults (sync wave delay 2 s, kubectl parallelism 20, client QPS 50/burst 100)", cmdParams: {} },
  tuned: {
    description: "wave delay 0 s, client QPS 200/burst 400, kubectl parallelism 50",
    cmdParams: {
      "controller.sync.wave.delay.seconds": "0",
      "controller.k8s.client.qps": "200",
      "controller.k8s.client.burst": "400",
      "controller.kubectl.parallelism.limit": "50",
    },
  },
  "tuned-csd": {
    description: "tuned, and client-side diff (the Application's compare-options ServerSideDiff=false; the example's ignoreDifferences then apply)",
    cmdParams: {
      "controller.sync.wave.delay.seconds": "0",
      "controller.k8s.client.qps": "200",
      "controller.k8s.client.burst": "400",
      "controller.kubectl.parallelism.limit": "50",
    },
    compareOptions: "ServerSideDiff=false",
  },
};

/** The example Application, with the configuration's compare-options when it has some. */
function application(config: string, name: string, repoURL: string) {
  const example = exampleApplication(name, repoURL);
  const compareOptions = CONFIGS[config]!.compareOptions;
  if (compareOptions) (example.application.metadata.annotations as Record<string, string>)["argocd.argoproj.io/compare-options"] = compareOptions;
  return example;
}

interface Environment {
  cp: ControlPlane;
  webhook: WebhookProcess;
  stack: GitopsStack;
  kc: k8s.KubeConfig;
  apps: ArgoApplications;
  renderCpuS: number;
}

async function startEnvironment(cmdParams: Record<string, string>): Promise<Environment> {
  // A /16 service range: the batch and the floor create 400+ LoadBalancer Services (the default /24 has 254 addresses).
  const cp = await startControlPlane({ log: progress, serviceClusterIpRange: "10.96.0.0/16" });
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const webhook = await startWebhookProcess(cp.kubeconfigPath, { LOG_LEVEL: "info" });
  await wireConversion(kc, webhook.url, webhook.caPem);
  await wireAdmission(kc, webhook.url, webhook.caPem);
  const stack = await startGitopsStack({ kubeconfigPath: cp.kubeconfigPath, endpoint: { server: cp.server, ca: fs.readFileSync(cp.caPath), token: cp.adminToken }, argocd: { cmdParams }, log: progress });
  return { cp, webhook, stack, kc, apps: new ArgoApplications(kc, stack.argocd.controller.logFile), renderCpuS: 0 };
}

/** Renders (measuring this process's CPU for it), commits and pushes; returns the commit and when the push returned. */
async function commit(env: Environment, repo: RenderedRepo, orders: readonly object[], message: string): Promise<{ sha: string; pushedAt: number }> {
  repo.writeOrders(orders);
  const before = process.cpuUsage();
  await repo.render();
  const used = process.cpuUsage(before);
  env.renderCpuS += (used.user + used.system) / 1e6;
  const sha = await repo.commitAndPush(message);
  return { sha, pushedAt: performance.now() };
}

async function annotateRefresh(env: Environment, name: string, kind: "normal" | "hard"): Promise<void> {
  const objects = env.kc.makeApiClient(k8s.CustomObjectsApi);
  await objects.patchNamespacedCustomObject(
    { group: "argoproj.io", version: "v1alpha1", namespace: "argocd", plural: "applications", name, body: { metadata: { annotations: { "argocd.argoproj.io/refresh": kind } } } },
    k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
  );
}

async function singles(env: Environment, config: string): Promise<SingleResult[]> {
  const ordersNamespace = "bench-singles";
  const ns = tenantNamespace(ordersNamespace, "bench");
  const orders: OrderDocument[] = Array.from({ length: BASE }, (_, i) => gitopsOrder(`base-${i}`, ordersNamespace, "bench"));
  const repo = await RenderedRepo.create(env.stack.git, "singles");
  try {
    const first = await commit(env, repo, orders, "base orders");
    await env.apps.apply(application(config, "bench-singles", repo.url));
    await env.apps.waitSynced("bench-singles", { revision: first.sha, timeoutMs: 180_000 });
    const results: SingleResult[] = [];
    let n = 0;
    // Two warm-up commits (not counted): the first ones after start pay for cold caches.
    for (const kind of ["warm-up", ...REFRESH_KINDS] as const) {
      const result: SingleResult = { refresh: kind, childrenMs: [], syncedMs: [] };
      const count = kind === "warm-up" ? 2 : SINGLES;
      for (let i = 0; i < count; i++) {
        const name = `single-${n++}`;
        orders.push(gitopsOrder(name, ordersNamespace, "bench"));
        const { sha, pushedAt } = await commit(env, repo, orders, `add ${name}`);
        await annotateRefresh(env, "bench-singles", kind === "warm-up" ? "normal" : kind);
        await waitChildren(env.kc, ns, name, 120_000);
        result.childrenMs.push(performance.now() - pushedAt);
        await env.apps.waitSynced("bench-singles", { revision: sha, timeoutMs: 120_000 });
        result.syncedMs.push(performance.now() - pushedAt);
      }
      if (kind !== "warm-up") results.push(result);
      progress(`singles (${kind}): children p50 ${percentile(result.childrenMs, 50).toFixed(0)} ms, p99 ${percentile(result.childrenMs, 99).toFixed(0)} ms`);
    }
    return results;
  } finally {
    repo.dispose();
  }
}

async function batch(env: Environment, config: string): Promise<ConfigResult["batch"]> {
  const ordersNamespace = "bench-batch";
  const repo = await RenderedRepo.create(env.stack.git, "batch");
  try {
    repo.writeFile("rendered/README.md", "Rendered orders (osac-vm render).\n");
    const empty = await repo.commitAndPush("empty tree");
    await env.apps.apply(application(config, "bench-batch", repo.url));
    await env.apps.waitSynced("bench-batch", { revision: empty, timeoutMs: 180_000 });
    const tenants = Array.from({ length: 10 }, (_, i) => `tenant-${i}`);
    const orders = Array.from({ length: BATCH }, (_, i) => gitopsOrder(`batch-${i}`, ordersNamespace, tenants[i % tenants.length]!));
    const player = new StatusPlayer(env.kc, tenants.map((t) => tenantNamespace(ordersNamespace, t)));
    const { sha, pushedAt } = await commit(env, repo, orders, `${BATCH} orders`);
    player.start();
    try {
      await annotateRefresh(env, "bench-batch", "normal");
      await env.apps.waitSynced("bench-batch", { revision: sha, timeoutMs: 600_000 });
      const syncedMs = performance.now() - pushedAt;
      const healthy = await env.apps.waitSynced("bench-batch", { revision: sha, health: "Healthy", timeoutMs: 600_000 });
      const healthyMs = performance.now() - pushedAt;
      return { orders: BATCH, objects: healthy.status?.resources?.length ?? 0, syncedMs, healthyMs };
    } finally {
      player.stop();
    }
  } finally {
    repo.dispose();
  }
}

async function runConfig(name: string): Promise<ConfigResult> {
  const config = CONFIGS[name];
  if (!config) throw new Error(`--configs: unknown '${name}'; known: ${Object.keys(CONFIGS).join(", ")}`);
  progress(`configuration ${name}: ${config.description}`);
  const env = await startEnvironment(config.cmdParams);
  try {
    const processes = {
      "Argo CD application controller": env.stack.argocd.controller.pid,
      "Argo CD repo server (with its git)": env.stack.argocd.repoServer.pid,
      "Redis": env.stack.redis.pid,
      "webhook (ours)": webhookPid(env),
      "Git server (with git http-backend)": env.stack.git.pid,
      "kube-apiserver": env.cp.pids.apiserver,
      "etcd": env.cp.pids.etcd,
    };
    const before = Object.fromEntries(Object.entries(processes).map(([label, pid]) => [label, cpuSeconds(pid)]));
    const loadStart = load();
    const started = performance.now();
    const logOffset = fs.statSync(env.stack.argocd.controller.logFile).size;
    const singleResults = await singles(env, name);
    const logMiddle = fs.statSync(env.stack.argocd.controller.logFile).size;
    const batchResult = await batch(env, name);
    const wallS = (performance.now() - started) / 1000;
    const cpu: Record<string, number> = Object.fromEntries(Object.entries(processes).map(([label, pid]) => [label, cpuSeconds(pid) - before[label]!]));
    cpu["render (ours, in the bench process)"] = env.renderCpuS;
    const breakdown = {
      singles: reconcileBreakdown(env.stack.argocd.controller.logFile, logOffset, logMiddle, "bench-singles"),
      batch: reconcileBreakdown(env.stack.argocd.controller.logFile, logMiddle, Infinity, "bench-batch"),
    };
    const batchSync = syncTimeline(env.stack.argocd.controller.logFile, logMiddle, "bench-batch");
    const loadEnd = load();
    // The floor: the same files applied with kubectl on the same cluster, after the Argo CD run (not in its CPU figures).
    const floor = await measureFloor(env.cp.kubeconfigPath, env.stack.git, SINGLES, BATCH);
    progress(`floor: single p50 ${percentile(floor.singleMs, 50).toFixed(0)} ms, p99 ${percentile(floor.singleMs, 99).toFixed(0)} ms; batch ${(floor.batch.dryRunAndApplyMs / 1000).toFixed(1)} s`);
    return { config: name, description: config.description, singles: singleResults, batch: batchResult, cpu, wallS, breakdown, batchSync, floor, loadStart, loadEnd };
  } finally {
    await env.stack.stop();
    await env.webhook.stop();
    await env.cp.stop();
  }
}

/** The webhook process: the one whose arguments name its certificate directory. */
function webhookPid(env: Environment): number {
  const [pid] = processesMentioning(env.webhook.certificate.directory);
  if (!pid) throw new Error("cannot find the webhook process");
  return pid;
}

async function main(): Promise<void> {
  const results: ConfigResult[] = [];
  for (const name of values.configs!.split(",")) results.push(await runConfig(name));
  process.stdout.write(`${table(results)}\n`);
  if (values.json) fs.writeFileSync(values.json, JSON.stringify(results, null, 2));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:gitops: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
