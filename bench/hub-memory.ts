/**
 * Controller memory per watched hub (npm run bench:hub-memory; issue 15, "Numbers"; results in
 * docs/benchmarks/hub-memory.md). The real controller (`node bin/osac-vm.js controller`, PostgreSQL
 * mode) against real control planes from the harness (scripts/cluster/harness.ts: each its own etcd
 * + kube-apiserver), measured after it has converged on `--orders` (5,000) `managed-by: gitops`
 * orders, in the same run:
 *
 *  1. single-cluster mode (management cluster A holds the orders and their children): no orders,
 *     then the orders with the hub registry off, then on (no hub), then with 1, 3, … `--hubs` empty
 *     hubs registered and watched (the orders stay on A): the fixed cost of a watched hub;
 *  2. the orders spread over `--hubs` (5) hubs (management cluster B holds the orders, order i's
 *     children are on hub i mod hubs, as Argo CD would have applied them): no orders, then all.
 *
 * The bench plays CDI and KubeVirt (DataVolume Succeeded, VM Running and Ready, through the status
 * subresource), so every order converges to Ready. Each measurement is a fresh controller with a
 * fresh database started against the full cluster (the initial LIST of everything), run with
 * `node --expose-gc --import bench/support/gc-report-preload.mjs`: once every order's row is READY
 * and the controller is idle, VmRSS is read, then SIGUSR2 makes it run two full GCs and report
 * process.memoryUsage(). Markdown on stdout, progress on stderr. Everything started (control planes,
 * PostgreSQL, controllers, temp directories) is removed at the end, on failure and on Ctrl-C.
 *
 * Options: --orders N (default 5000), --hubs N (default 5), --repeat N (controllers per
 * configuration, default 3: the table shows medians and the range), --create-concurrency N (orders
 * in flight while the fleet is created, default 16), --keep (keep the controller logs).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildIsCurrent } from "../bin/build-stamp.js";
import { connectionUrl, createPostgresServer, destroyServerSync } from "../test/db/support/postgres-server.ts";
import { onCleanup, PROJECT, runCleanups } from "./support/controller-env.ts";
import { createFleet, createNamespace, createNamespaces, registerHub, startPlane, type Plane } from "./support/hub-memory-fleet.ts";
import { measureRepeated, type RunContext, type RunResult, type RunSpec } from "./support/hub-memory-measure.ts";
import { report } from "./support/hub-memory-report.ts";

const { values: flags } = parseArgs({
  options: {
    orders: { type: "string", default: "5000" },
    hubs: { type: "string", default: "5" },
    "create-concurrency": { type: "string", default: "16" },
    repeat: { type: "string", default: "3" },
    keep: { type: "boolean", default: false },
  },
});
const positive = (name: string, text: string | undefined, max: number) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be an integer from 1 to ${max}, got ${text}`);
  return value;
};
const ORDERS = positive("orders", flags.orders, 100_000);
const HUBS = positive("hubs", flags.hubs, 20);
const CREATE_CONCURRENCY = positive("create-concurrency", flags["create-concurrency"], 256);
const REPEAT = positive("repeat", flags.repeat, 9);
/** Hub counts of the empty-hub series: 1, the middle, all (1, 3, 5 for 5 hubs). */
const EMPTY_HUB_STEPS = [...new Set([1, Math.round((1 + HUBS) / 2), HUBS])];
const SECRETS_NAMESPACE = "osac-hubs";

const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const load = () => loadavg().map((value) => value.toFixed(2)).join(" ");

async function main(): Promise<void> {
  const started = performance.now();
  const loadStart = load();
  const scratch = mkdtempSync(join(tmpdir(), "osac-hub-memory-bench-"));
  onCleanup(
    "scratch directory",
    async () => {
      if (flags.keep) log(`logs kept in ${scratch}`);
      else rmSync(scratch, { recursive: true, force: true });
    },
    () => (flags.keep ? undefined : rmSync(scratch, { recursive: true, force: true })),
  );
  log("starting PostgreSQL 15");
  const server = await createPostgresServer();
  onCleanup("PostgreSQL", async () => destroyServerSync(server), () => destroyServerSync(server));
  const compiled = buildIsCurrent(PROJECT);
  const runs: RunResult[] = [];
  const loads: string[] = [];
  const creation: string[] = [];
  const measure = async (context: RunContext, spec: RunSpec) => {
    runs.push(await measureRepeated(context, spec, REPEAT));
    loads.push(loadavg()[0]!.toFixed(1));
  };
  const context = (management: Plane): RunContext => ({ management, adminUrl: connectionUrl(server), scratch, secretsNamespace: SECRETS_NAMESPACE, env: {}, log });

  // 1. single-cluster mode, then empty hubs
  log("A: starting the management cluster (single-cluster mode)");
  const a = await startPlane("A", "management", log);
  await createNamespace(a, SECRETS_NAMESPACE);
  const single = { management: a, hubs: [], orders: ORDERS, concurrency: CREATE_CONCURRENCY, prefix: "single", log: (line: string) => log(`A: ${line}`) };
  await createNamespaces(single);
  await measure(context(a), { label: "single-cluster, no orders", hubs: 0, orders: 0, hubOrders: 0, registry: false });
  log(`A: creating ${ORDERS} orders and their children`);
  const singleFleet = await createFleet(single);
  creation.push(`single-cluster fleet: ${singleFleet.objects} objects (orders and children) and 2 status writes per order in ${(singleFleet.ms / 1000).toFixed(0)} s`);
  await measure(context(a), { label: "single-cluster", hubs: 0, orders: ORDERS, hubOrders: 0, registry: false });
  await measure(context(a), { label: "single-cluster, hub registry on", hubs: 0, orders: ORDERS, hubOrders: 0, registry: true });
  log(`starting ${HUBS} hub control planes`);
  const hubs: Plane[] = [];
  for (let index = 1; index <= HUBS; index++) hubs.push(await startPlane(`hub-${index}`, "hub", log));
  let registered = 0;
  for (const step of EMPTY_HUB_STEPS) {
    for (; registered < step; registered++) registerHub(a, hubs[registered]!, SECRETS_NAMESPACE);
    await measure(context(a), { label: `${step} empty hub${step > 1 ? "s" : ""}, orders on the management cluster`, hubs: step, orders: ORDERS, hubOrders: 0, registry: true });
  }
  await a.stop();

  // 2. the orders spread over the hubs
  log("B: starting the management cluster (orders on hubs)");
  const b = await startPlane("B", "management", log);
  await createNamespace(b, SECRETS_NAMESPACE);
  for (const hub of hubs) registerHub(b, hub, SECRETS_NAMESPACE);
  const spread = { management: b, hubs, orders: ORDERS, concurrency: CREATE_CONCURRENCY, prefix: "spread", log: (line: string) => log(`B: ${line}`) };
  await createNamespaces(spread);
  await measure(context(b), { label: `${HUBS} hubs, no orders`, hubs: HUBS, orders: 0, hubOrders: 0, registry: true });
  log(`B: creating ${ORDERS} orders on B and their children on the ${HUBS} hubs`);
  const spreadFleet = await createFleet(spread);
  creation.push(`fleet over ${HUBS} hubs: ${spreadFleet.objects} objects and 2 status writes per order in ${(spreadFleet.ms / 1000).toFixed(0)} s`);
  await measure(context(b), { label: `${ORDERS} orders spread over ${HUBS} hubs`, hubs: HUBS, orders: ORDERS, hubOrders: ORDERS, registry: true });

  for (const run of runs) {
    if (run.tally) creation.push(`orders after "${run.label}": phases ${JSON.stringify(run.tally.phases)}, HubReachable ${JSON.stringify(run.tally.hubReachable)}`);
  }
  const text = report({
    machine: `${cpus().length} cores (${cpus()[0]?.model.trim() ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, kube-apiserver ${process.env.KUBE_APISERVER_VERSION ?? "v1.33.13"}, PostgreSQL 15`,
    controller: `\`node --expose-gc --import bench/support/gc-report-preload.mjs bin/osac-vm.js controller\` (${compiled ? "compiled dist/js/" : "sources through tsx: run `npm run build` for the shipped runtime"}), PostgreSQL mode, default concurrency and probe interval`,
    loadStart,
    loadEnd: load(),
    orders: ORDERS,
    hubs: HUBS,
    runs,
    loads,
    creation,
    repeat: REPEAT,
    wallS: (performance.now() - started) / 1000,
  });
  process.stdout.write(`${text}\n`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench:hub-memory failed: ${(error as Error).stack ?? error}\n`);
  if (!flags.keep) process.stderr.write("(run with --keep to keep the controller logs)\n");
  process.exitCode = 1;
} finally {
  await runCleanups();
}
