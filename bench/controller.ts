/**
 * Controller benchmark (npm run bench:controller): the real controller process
 * (`node bin/osac-vm.js controller`, PostgreSQL mode) against a real etcd + kube-apiserver
 * (scripts/cluster/harness.ts) and a real PostgreSQL 15 (test/db/support/postgres-server.ts).
 * Markdown tables go to stdout, progress to stderr.
 *
 *  1. Direct apply (control plane A): `--latency-orders` (200) `managed-by: controller` orders are
 *     POSTed, `--in-flight` (20) at a time. Watches in this process on the 4 child kinds (label
 *     `cloudkit.openshift.io/virtualmachine`) record when each child is first seen; per order:
 *     last child first seen − the moment its POST was sent. A cold warm-up batch (10 orders) runs
 *     first and is reported on its own row.
 *  2. Status propagation (same cluster): for `--status-orders` (100) of those orders, the KubeVirt
 *     VM status is merge-patched through the status subresource to Running / ready / Ready=True,
 *     (a) paced, one patch every `1000 / --status-rate` ms, then (b) the next 100 in a burst,
 *     `--in-flight` at a time. Measured from the moment the patch was sent until (a) a watch on
 *     the orders sees `status.phase: Ready` and (b) a LISTEN on `osac_vm_state` delivers the
 *     notification of the write that made the row READY (checked with a SELECT).
 *  3. Memory (control plane B, fresh): `--orders` (5,000) `managed-by: gitops` orders and their 5
 *     children are POSTed by this process, `--create-concurrency` orders at a time (children of one
 *     order in parallel), while the controller runs; the controller only watches and writes status
 *     (orders and database). RSS (VmRSS) of the controller, etcd and kube-apiserver is sampled
 *     every 500 ms; once the controller is idle (queue depth 0, database backlog 0, reconcile
 *     count unchanged for 3 s) idle RSS and VmHWM are read. Then the controller is restarted
 *     against the full cluster (initial LIST of everything) and measured again.
 *
 * Options: --orders N, --latency-orders N, --status-orders N, --in-flight N, --status-rate N/s,
 * --create-concurrency N, --concurrency N (the controller's), --only latency|memory, --profile
 * (controllers run with --cpu-prof; summaries printed, files kept), --keep (keep logs), --json <file>,
 * --runtime bin|tsx|bundle (bin, the default: `node bin/osac-vm.js`, i.e. dist/js/ when it is current
 * with src/ and the sources through tsx otherwise; tsx: the sources through tsx, forced; bundle:
 * the older what-if, one esbuild bundle of the CLI run by plain node),
 * --soak S (memory part: keep the first controller running S s after its idle reading, sampling RSS,
 * to see the 5-minute relist and resync), --log-level (the controllers', default info),
 * --status-after S (part 2 starts once the controller is S s old, e.g. 330: after its first 5-minute relist).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import pg from "pg";
import { startControlPlane, type ControlPlane } from "../scripts/cluster/harness.ts";
import { buildIsCurrent } from "../bin/build-stamp.js";
import { Labels } from "../src/api/well-known.ts";
import { KubeRestClient } from "../src/platform/kube/rest-client.ts";
import { connectionUrl, createPostgresServer, destroyServerSync } from "../test/db/support/postgres-server.ts";
import {
  buildBundledCli,
  createDatabase,
  machineCpu,
  onCleanup,
  procCpuSeconds,
  procMemory,
  profilesIn,
  PROJECT,
  RECONCILES,
  RECONCILE_SECONDS,
  RssSampler,
  runCleanups,
  sleep,
  startControllerProcess,
  waitControllerIdle,
  waitControllerReady,
  waitFor,
  type ControllerProcess,
  type Metrics,
} from "./support/controller-env.ts";
import { benchOrder, childrenOf, collectionPath, orderDocument, orderNamespaces, ORDER_API, percentile, pool, tenantNamespaceObject, TENANTS, type BenchOrder, type ManagedBy } from "./support/controller-orders.ts";
import { CollectionWatch, type WatchedObject } from "./support/controller-watch.ts";

const { values: flags } = parseArgs({
  options: {
    orders: { type: "string", default: "5000" },
    "latency-orders": { type: "string", default: "200" },
    "status-orders": { type: "string", default: "100" },
    "in-flight": { type: "string", default: "20" },
    "status-rate": { type: "string", default: "20" },
    "create-concurrency": { type: "string", default: "16" },
    concurrency: { type: "string" },
    only: { type: "string" },
    runtime: { type: "string", default: "bin" },
    soak: { type: "string", default: "0" },
    "log-level": { type: "string", default: "info" },
    "status-after": { type: "string", default: "0" },
    profile: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    json: { type: "string" },
  },
});
const int = (name: string, text: string | undefined) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${text}`);
  return value;
};
const MEMORY_ORDERS = int("orders", flags.orders);
const LATENCY_ORDERS = int("latency-orders", flags["latency-orders"]);
const STATUS_ORDERS = Math.min(int("status-orders", flags["status-orders"]), Math.floor(LATENCY_ORDERS / 2));
const IN_FLIGHT = int("in-flight", flags["in-flight"]);
const STATUS_RATE = int("status-rate", flags["status-rate"]);
const CREATE_CONCURRENCY = int("create-concurrency", flags["create-concurrency"]);
const CONTROLLER_CONCURRENCY = flags.concurrency ? int("concurrency", flags.concurrency) : undefined;
const SOAK_S = Number(flags.soak);
if (!Number.isFinite(SOAK_S) || SOAK_S < 0) throw new Error(`--soak must be a number of seconds ≥ 0, got ${flags.soak}`);
const STATUS_AFTER_S = Number(flags["status-after"]);
if (!Number.isFinite(STATUS_AFTER_S) || STATUS_AFTER_S < 0) throw new Error(`--status-after must be a number of seconds ≥ 0, got ${flags["status-after"]}`);
const WATCH_RESTARTS = "osac_vm_controller_watch_restarts_total";
const WARMUP_ORDERS = 10;
const TARGETS = { applyP99Ms: 2_000, statusP99Ms: 1_000, rssMb: 250 };
const CHILD_PATHS = ["/api/v1/secrets", "/api/v1/services", "/apis/cdi.kubevirt.io/v1beta1/datavolumes", "/apis/kubevirt.io/v1/virtualmachines"];
if (flags.runtime !== "bin" && flags.runtime !== "tsx" && flags.runtime !== "bundle") throw new Error(`--runtime must be bin, tsx or bundle, got ${flags.runtime}`);
let controllerEntry: string | undefined; // undefined: bin/osac-vm.js
/** How bin/osac-vm.js runs the controller in this bench (bin/build-stamp.js decides, as it does). */
const compiledRuntime = flags.runtime === "bin" && buildIsCurrent(PROJECT);
const controllerEnv: Record<string, string> = flags.runtime === "tsx" ? { OSAC_VM_RUNTIME: "tsx" } : compiledRuntime ? { OSAC_VM_RUNTIME: "build" } : {};
if (flags.only !== undefined && flags.only !== "latency" && flags.only !== "memory") throw new Error(`--only must be latency or memory, got ${flags.only}`);
const runLatency = !flags.only || flags.only === "latency";
const runMemory = !flags.only || flags.only === "memory";
if (LATENCY_ORDERS + WARMUP_ORDERS > 240) {
  // Every controller order gets a LoadBalancer Service: a cluster IP from the harness' /24.
  throw new Error("--latency-orders above 230 exhausts the harness' service CIDR (10.0.0.0/24)");
}

const log = (message: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const load = () => loadavg().map((value) => value.toFixed(2)).join(" ");
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : "—");
const mb = (value: number | undefined) => (value !== undefined && Number.isFinite(value) ? value.toFixed(0) : "—");
const s1 = (valueMs: number) => (valueMs / 1000).toFixed(1);
const yes = (ok: boolean) => (ok ? "yes" : "**no**");

const scratch = mkdtempSync(join(tmpdir(), "osac-controller-bench-"));
const profileDir = flags.profile ? mkdtempSync(join(tmpdir(), "osac-controller-profiles-")) : undefined;

/** The controller under test, started as this run's flags say (runtime, concurrency, profile, log level). */
function startBenchController(name: string, kubeconfigPath: string, databaseUrl: string, dir: string): Promise<ControllerProcess> {
  return startControllerProcess({
    name,
    kubeconfigPath,
    databaseUrl,
    dir,
    ...(CONTROLLER_CONCURRENCY ? { concurrency: CONTROLLER_CONCURRENCY } : {}),
    ...(profileDir ? { profileDir } : {}),
    ...(controllerEntry ? { entry: controllerEntry } : {}),
    env: controllerEnv,
    logLevel: flags["log-level"],
  });
}
onCleanup(
  "scratch directory",
  async () => {
    if (!flags.keep) rmSync(scratch, { recursive: true, force: true });
  },
  () => {
    if (!flags.keep) rmSync(scratch, { recursive: true, force: true });
  },
);

interface Latencies {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}
const latencies = (values: number[]): Latencies => ({ count: values.length, p50: percentile(values, 50), p90: percentile(values, 90), p99: percentile(values, 99), max: Math.max(...values) });

// ---------------------------------------------------------------------------------------------

async function startCluster(name: string): Promise<{ cp: ControlPlane; kc: KubeConfig; rest: KubeRestClient; stop: () => Promise<void> }> {
  const cp = await startControlPlane({ log: (line) => log(`${name}: ${line}`) });
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const rest = new KubeRestClient(kc, 60_000);
  const stop = onCleanup(
    `control plane ${name}`,
    async () => {
      rest.close();
      await cp.stop();
    },
    () => {}, // the harness kills its process groups on exit itself (and its watchdog if we are SIGKILLed)
  );
  return { cp, kc, rest, stop };
}

async function createNamespace(rest: KubeRestClient, name: string): Promise<void> {
  await rest.request("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name } } });
}

async function controllerSnapshot(controller: ControllerProcess): Promise<{ cpuS: number; metrics: Metrics }> {
  return { cpuS: procCpuSeconds(controller.pid), metrics: await controller.metrics() };
}

/** kube-apiserver's apiserver_request_total, summed by "VERB resource[.group][/subresource]" (WATCH and LIST left out). */
async function apiRequests(rest: KubeRestClient): Promise<Map<string, number>> {
  const { body } = await rest.request<string>("GET", "/metrics");
  const counts = new Map<string, number>();
  for (const line of String(body).split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
    if (labels.verb === "WATCH" || labels.verb === "LIST") continue;
    const group = labels.group ? `.${labels.group.split(".")[0]}` : "";
    const key = `${labels.verb} ${labels.resource}${group}${labels.subresource ? `/${labels.subresource}` : ""}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1)));
  }
  return counts;
}
function requestsPerOrder(before: Map<string, number>, after: Map<string, number>, orders: number): string {
  const rows = [...after]
    .map(([key, count]) => [key, (count - (before.get(key) ?? 0)) / orders] as const)
    .filter(([key, perOrder]) => perOrder >= 0.05 && !key.includes("leases"))
    .sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((sum, [, perOrder]) => sum + perOrder, 0);
  return `${total.toFixed(1)} (${rows.map(([key, perOrder]) => `${key} ${perOrder.toFixed(2)}`).join(", ")})`;
}

/** CPU seconds used by the processes involved and by the whole machine, between two snapshots. */
interface CpuShares {
  readonly apiserverS: number;
  readonly etcdS: number;
  readonly benchS: number;
  /** Busy share of all cores of the machine (everything: also other sessions' work), percent. */
  readonly machineBusyPct: number;
}
function cpuSnapshot(cp: ControlPlane) {
  const usage = process.cpuUsage();
  return { apiserver: procCpuSeconds(cp.pids.apiserver), etcd: procCpuSeconds(cp.pids.etcd), bench: (usage.user + usage.system) / 1e6, machine: machineCpu() };
}
function cpuShares(before: ReturnType<typeof cpuSnapshot>, after: ReturnType<typeof cpuSnapshot>): CpuShares {
  return {
    apiserverS: after.apiserver - before.apiserver,
    etcdS: after.etcd - before.etcd,
    benchS: after.bench - before.bench,
    machineBusyPct: (100 * (after.machine.busyS - before.machine.busyS)) / (after.machine.totalS - before.machine.totalS),
  };
}

function controllerWork(before: { cpuS: number; metrics: Metrics }, after: { cpuS: number; metrics: Metrics }) {
  const reconciles = (after.metrics.get(RECONCILES) ?? 0) - (before.metrics.get(RECONCILES) ?? 0);
  const reconcileS = (after.metrics.get(RECONCILE_SECONDS) ?? 0) - (before.metrics.get(RECONCILE_SECONDS) ?? 0);
  return { cpuS: after.cpuS - before.cpuS, reconciles, meanReconcileMs: reconciles > 0 ? (1000 * reconcileS) / reconciles : NaN };
}

// ---------------------------------------------------------------------------------------------
// 1 + 2: direct apply and status propagation

interface ApplyBatch {
  readonly label: string;
  readonly orders: number;
  readonly fromSend: Latencies;
  readonly fromAck: Latencies;
  readonly createRtt: Latencies;
  readonly makespanMs: number;
  readonly controllerCpuS: number;
  readonly reconciles: number;
  readonly meanReconcileMs: number;
  /** From the first POST until the last child was seen. */
  readonly cpu: CpuShares;
  /** kube-apiserver requests per order (bench and controller, until idle; no watches, lists, leases). */
  readonly requests: string;
}

interface StatusBatch {
  readonly label: string;
  readonly orders: number;
  readonly order: Latencies;
  readonly database: Latencies;
  readonly patchRtt: Latencies;
  readonly durationMs: number;
  readonly controllerCpuS: number;
  readonly reconciles: number;
  readonly requests: string;
  /** Seconds since the controller was spawned, when the batch started. */
  readonly controllerAgeS: number;
  /** The controller's osac_vm_controller_watch_restarts_total increase during the batch. */
  readonly watchRestarts: number;
}

interface LatencyResults {
  readonly apply: ApplyBatch[];
  readonly status: StatusBatch[];
  readonly controllerStartMs: number;
  readonly controllerRssMb: number | undefined;
  readonly controllerHwmMb: number | undefined;
  readonly watchRestarts: number;
  readonly loadBefore: string;
  readonly loadAfter: string;
  readonly profiles: string[];
}

async function latencyPhase(adminUrl: string): Promise<LatencyResults> {
  const loadBefore = load();
  const cluster = await startCluster("A");
  const { kc, rest } = cluster;
  const databaseUrl = await createDatabase(adminUrl, "bench_latency");
  for (const namespace of [...orderNamespaces("warmup"), ...orderNamespaces("orders")]) await createNamespace(rest, namespace);

  const childSeen = new Map<string, number>();
  const orderReadyAt = new Map<string, number>();
  const orderUid = new Map<string, string>();
  const watches = [
    ...CHILD_PATHS.map(
      (path) =>
        new CollectionWatch(kc, path, Labels.order, (type, object, at) => {
          if (type === "DELETED") return;
          const key = `${object.metadata.namespace}/${object.metadata.name}`;
          if (!childSeen.has(key)) childSeen.set(key, at);
        }),
    ),
    new CollectionWatch(kc, `${ORDER_API}/virtualmachines`, undefined, (type, object: WatchedObject, at) => {
      const key = `${object.metadata.namespace}/${object.metadata.name}`;
      if (object.metadata.uid) orderUid.set(key, object.metadata.uid);
      if (type !== "DELETED" && object.status?.phase === "Ready" && !orderReadyAt.has(key)) orderReadyAt.set(key, at);
    }),
  ];
  await Promise.all(watches.map((watch) => watch.start()));
  const stopWatches = onCleanup("watches", async () => watches.forEach((watch) => watch.stop()), () => watches.forEach((watch) => watch.stop()));

  log(`A: starting the controller (PostgreSQL mode)`);
  const controller = await startBenchController("latency", cluster.cp.kubeconfigPath, databaseUrl, scratch);
  const readyMs = await waitControllerReady(controller, 60_000);
  const controllerStartMs = controller.startMs + readyMs;
  const controllerSpawnedAt = performance.now() - controllerStartMs;
  log(`A: controller ready and leading after ${ms(controllerStartMs)} ms`);

  const database = new pg.Client({ connectionString: databaseUrl });
  await database.connect();
  const closeDatabase = onCleanup("database client", async () => void (await database.end().catch(() => {})), () => {});

  const applyBatch = async (label: string, orders: BenchOrder[]): Promise<ApplyBatch> => {
    const before = await controllerSnapshot(controller);
    const cpuBefore = cpuSnapshot(cluster.cp);
    const requestsBefore = await apiRequests(rest);
    const sentAt: number[] = [];
    const ackAt: number[] = [];
    const t0 = performance.now();
    await pool(orders, IN_FLIGHT, async (order, index) => {
      sentAt[index] = performance.now();
      await rest.request("POST", `${ORDER_API}/namespaces/${order.namespace}/virtualmachines`, { body: orderDocument(order, "controller") });
      ackAt[index] = performance.now();
    });
    await waitFor(`every child of the ${label} orders exists`, () => orders.every((order) => order.childKeys.every((key) => childSeen.has(key))), 180_000, 20);
    const cpu = cpuShares(cpuBefore, cpuSnapshot(cluster.cp));
    const doneAt = orders.map((order) => Math.max(...order.childKeys.map((key) => childSeen.get(key)!)));
    const idle = await waitControllerIdle(controller, 120_000);
    const work = controllerWork(before, { cpuS: procCpuSeconds(controller.pid), metrics: idle.metrics });
    const requests = requestsPerOrder(requestsBefore, await apiRequests(rest), orders.length);
    const batch: ApplyBatch = {
      label,
      orders: orders.length,
      fromSend: latencies(doneAt.map((done, index) => done - sentAt[index]!)),
      fromAck: latencies(doneAt.map((done, index) => done - ackAt[index]!)),
      createRtt: latencies(ackAt.map((ack, index) => ack - sentAt[index]!)),
      makespanMs: Math.max(...doneAt) - t0,
      controllerCpuS: work.cpuS,
      reconciles: work.reconciles,
      meanReconcileMs: work.meanReconcileMs,
      cpu,
      requests,
    };
    log(`A: ${label}: p50 ${ms(batch.fromSend.p50)} ms, p99 ${ms(batch.fromSend.p99)} ms, max ${ms(batch.fromSend.max)} ms; all done ${ms(batch.makespanMs)} ms after the first POST`);
    return batch;
  };

  const warmup = Array.from({ length: WARMUP_ORDERS }, (_, index) => benchOrder("warmup", index));
  const measured = Array.from({ length: LATENCY_ORDERS }, (_, index) => benchOrder("orders", index));
  const apply = [await applyBatch(`warm-up (cold controller), ${WARMUP_ORDERS} orders`, warmup), await applyBatch(`${LATENCY_ORDERS} orders`, measured)];

  // Every measured order is Progressing with all children, and in the database.
  const { rows } = await database.query<{ count: string }>("SELECT count(*) FROM vm_state");
  log(`A: ${rows[0]!.count} rows in vm_state`);

  // Status propagation.
  const dbReadyAt = new Map<string, number>();
  const watchedUids = new Set<string>();
  const listener = new pg.Client({ connectionString: databaseUrl });
  const checker = new pg.Client({ connectionString: databaseUrl });
  await Promise.all([listener.connect(), checker.connect()]);
  const closeListener = onCleanup(
    "LISTEN client",
    async () => {
      await listener.end().catch(() => {});
      await checker.end().catch(() => {});
    },
    () => {},
  );
  // One SELECT at a time on the checker connection (pg warns about overlapping queries).
  let checks: Promise<void> = Promise.resolve();
  listener.on("notification", (message) => {
    const at = performance.now();
    const uid = message.payload ?? "";
    if (!watchedUids.has(uid) || dbReadyAt.has(uid)) return;
    checks = checks.then(async () => {
      if (dbReadyAt.has(uid)) return;
      try {
        const result = await checker.query<{ state: string }>("SELECT state FROM vm_state WHERE order_uid = $1", [uid]);
        if (result.rows[0]?.state === "READY" && !dbReadyAt.has(uid)) dbReadyAt.set(uid, at);
      } catch (error) {
        log(`SELECT after NOTIFY failed: ${(error as Error).message}`);
      }
    });
  });
  await listener.query("LISTEN osac_vm_state");

  const patchReady = (order: BenchOrder) =>
    rest.request("PATCH", `/apis/kubevirt.io/v1/namespaces/${order.tenantNamespace}/virtualmachines/${order.name}/status`, {
      body: { status: { printableStatus: "Running", ready: true, created: true, conditions: [{ type: "Ready", status: "True" }] } },
      contentType: "application/merge-patch+json",
    });

  const statusBatch = async (label: string, orders: BenchOrder[], paced: boolean): Promise<StatusBatch> => {
    const keys = orders.map((order) => `${order.namespace}/${order.name}`);
    for (const key of keys) {
      const uid = orderUid.get(key);
      if (!uid) throw new Error(`no uid seen for order ${key}`);
      watchedUids.add(uid);
    }
    const before = await controllerSnapshot(controller);
    const requestsBefore = await apiRequests(rest);
    const ageS = (performance.now() - controllerSpawnedAt) / 1000;
    const sentAt: number[] = [];
    const ackAt: number[] = [];
    const t0 = performance.now();
    const send = async (order: BenchOrder, index: number) => {
      sentAt[index] = performance.now();
      await patchReady(order);
      ackAt[index] = performance.now();
    };
    if (paced) {
      const intervalMs = 1000 / STATUS_RATE;
      const pending: Promise<void>[] = [];
      for (const [index, order] of orders.entries()) {
        const due = t0 + index * intervalMs;
        if (due > performance.now()) await sleep(due - performance.now());
        pending.push(send(order, index));
      }
      await Promise.all(pending);
    } else {
      await pool(orders, IN_FLIGHT, send);
    }
    await waitFor(
      `the ${label} orders are Ready in the cluster and the database`,
      () => keys.every((key) => orderReadyAt.has(key) && dbReadyAt.has(orderUid.get(key)!)),
      120_000,
      20,
    );
    const durationMs = performance.now() - t0;
    const idle = await waitControllerIdle(controller, 120_000);
    const work = controllerWork(before, { cpuS: procCpuSeconds(controller.pid), metrics: idle.metrics });
    const batch: StatusBatch = {
      label,
      orders: orders.length,
      order: latencies(keys.map((key, index) => orderReadyAt.get(key)! - sentAt[index]!)),
      database: latencies(keys.map((key, index) => dbReadyAt.get(orderUid.get(key)!)! - sentAt[index]!)),
      patchRtt: latencies(ackAt.map((ack, index) => ack - sentAt[index]!)),
      durationMs,
      controllerCpuS: work.cpuS,
      reconciles: work.reconciles,
      requests: requestsPerOrder(requestsBefore, await apiRequests(rest), orders.length),
      controllerAgeS: ageS,
      watchRestarts: (idle.metrics.get(WATCH_RESTARTS) ?? 0) - (before.metrics.get(WATCH_RESTARTS) ?? 0),
    };
    log(`A: status ${label}: order p99 ${ms(batch.order.p99)} ms, database p99 ${ms(batch.database.p99)} ms`);
    return batch;
  };

  if (STATUS_AFTER_S > 0) {
    const waitS = STATUS_AFTER_S - (performance.now() - controllerSpawnedAt) / 1000;
    if (waitS > 0) {
      log(`A: waiting ${waitS.toFixed(0)} s until the controller is ${STATUS_AFTER_S} s old (--status-after)`);
      await sleep(waitS * 1000);
    }
  }
  const status = [
    await statusBatch(`paced, ${STATUS_RATE}/s, ${STATUS_ORDERS} orders`, measured.slice(0, STATUS_ORDERS), true),
    await statusBatch(`burst, ${IN_FLIGHT} in flight, ${STATUS_ORDERS} orders`, measured.slice(STATUS_ORDERS, 2 * STATUS_ORDERS), false),
  ];

  const memory = procMemory(controller.pid);
  const watchRestarts = watches.reduce((sum, watch) => sum + watch.restarts, 0);
  await closeListener();
  await closeDatabase();
  await controller.stop();
  await stopWatches();
  await cluster.stop();
  return {
    apply,
    status,
    controllerStartMs,
    controllerRssMb: memory?.rssMb,
    controllerHwmMb: memory?.hwmMb,
    watchRestarts,
    loadBefore,
    loadAfter: load(),
    profiles: profileDir ? profilesIn(profileDir).filter((file) => file.includes("latency")) : [],
  };
}

// ---------------------------------------------------------------------------------------------
// 3: memory

interface MemoryRun {
  readonly label: string;
  readonly readyMs: number;
  readonly idleAfterMs: number;
  readonly idleRssMb: number;
  readonly hwmMb: number;
  readonly sampledPeakMb: number;
  readonly heapUsedMb: number;
  readonly cpuS: number;
  readonly reconciles: number;
  readonly etcdRssMb: number;
  readonly apiserverRssMb: number;
  readonly etcdPeakMb: number;
  readonly apiserverPeakMb: number;
}

interface MemoryResults {
  readonly orders: number;
  readonly objects: number;
  readonly mode: ManagedBy;
  /** Controller RSS / JS heap used 3 s after it became ready, before any order existed. */
  readonly emptyRssMb: number;
  readonly emptyHeapMb: number;
  readonly content: CacheContent;
  readonly soak?: { seconds: number; controllerAgeS: number; maxRssMb: number; hwmMb: number; endRssMb: number; watchRestarts: number; reconciles: number; cpuS: number };
  readonly createMs: number;
  readonly createRate: number;
  readonly runs: MemoryRun[];
  readonly phases: Record<string, number>;
  readonly progressingReasons: Record<string, number>;
  readonly loadBefore: string;
  readonly loadAfter: string;
  readonly timeline: { atS: number; controllerMb: number }[];
}

/** The collections the controller's informers hold (src/controller/cluster-cache.ts WATCHED), as JSON. */
interface CacheContent {
  readonly objects: number;
  readonly jsonMb: number;
  readonly managedFieldsMb: number;
  readonly byKind: Record<string, { objects: number; jsonMb: number }>;
}
async function cacheContent(rest: KubeRestClient): Promise<CacheContent> {
  const collections: Record<string, string | undefined> = {
    orders: undefined,
    "/apis/kubevirt.io/v1/virtualmachines": Labels.order,
    "/apis/kubevirt.io/v1/virtualmachineinstances": Labels.order,
    "/apis/cdi.kubevirt.io/v1beta1/datavolumes": Labels.order,
    "/api/v1/services": Labels.order,
    "/api/v1/secrets": Labels.order,
  };
  let objects = 0;
  let json = 0;
  let managedFields = 0;
  const byKind: Record<string, { objects: number; jsonMb: number }> = {};
  for (const [collection, selector] of Object.entries(collections)) {
    const path = collection === "orders" ? `${ORDER_API}/virtualmachines` : collection;
    const kind = path.split("/").pop()!;
    const entry = (byKind[kind === "virtualmachines" && collection === "orders" ? "orders" : kind] ??= { objects: 0, jsonMb: 0 });
    let continueToken: string | undefined;
    do {
      const query = [`limit=1000`, selector ? `labelSelector=${encodeURIComponent(selector)}` : "", continueToken ? `continue=${encodeURIComponent(continueToken)}` : ""].filter(Boolean).join("&");
      const page = await rest.request<{ items: WatchedObject[]; metadata: { continue?: string } }>("GET", `${path}?${query}`);
      for (const item of page.body.items) {
        const bytes = JSON.stringify(item).length;
        objects++;
        json += bytes;
        entry.objects++;
        entry.jsonMb += bytes / 2 ** 20;
        managedFields += JSON.stringify((item.metadata as { managedFields?: unknown }).managedFields ?? []).length;
      }
      continueToken = page.body.metadata.continue || undefined;
    } while (continueToken);
  }
  return { objects, jsonMb: json / 2 ** 20, managedFieldsMb: managedFields / 2 ** 20, byKind };
}

async function memoryPhase(adminUrl: string): Promise<MemoryResults> {
  const loadBefore = load();
  const cluster = await startCluster("B");
  const { cp, rest } = cluster;
  const databaseUrl = await createDatabase(adminUrl, "bench_memory");
  const orders = Array.from({ length: MEMORY_ORDERS }, (_, index) => benchOrder("fleet", index));
  for (const namespace of orderNamespaces("fleet")) await createNamespace(rest, namespace);
  for (const order of orders.slice(0, TENANTS)) await rest.request("POST", "/api/v1/namespaces", { body: tenantNamespaceObject(order) });

  const startController = async (name: string) => {
    const controller = await startBenchController(name, cp.kubeconfigPath, databaseUrl, scratch);
    const startedAt = performance.now() - controller.startMs;
    return { controller, startedAt, readyMs: controller.startMs + (await waitControllerReady(controller, 300_000)) };
  };
  const database = new pg.Client({ connectionString: databaseUrl });
  await database.connect();
  const closeDatabase = onCleanup("database client", async () => void (await database.end().catch(() => {})), () => {});
  const rows = async () => Number((await database.query<{ count: string }>("SELECT count(*) FROM vm_state")).rows[0]!.count);

  let current: ControllerProcess | undefined;
  const sampler = new RssSampler(() => ({ controller: current?.pid, etcd: cp.pids.etcd, apiserver: cp.pids.apiserver }), 500);
  const samplerT0 = performance.now();

  /** Idle RSS: the median of 10 samples 500 ms apart, once idle. */
  const measureIdle = async (label: string, controller: ControllerProcess, readyMs: number, t0: number, before: { cpuS: number; metrics: Metrics }): Promise<MemoryRun> => {
    const idle = await waitControllerIdle(controller, 600_000, async () => (await rows()) === MEMORY_ORDERS);
    const idleAfterMs = performance.now() - t0 - 2_000; // the 2 confirming scrapes
    const work = controllerWork(before, { cpuS: procCpuSeconds(controller.pid), metrics: idle.metrics });
    const rss: number[] = [];
    const etcd: number[] = [];
    const apiserver: number[] = [];
    for (let i = 0; i < 10; i++) {
      rss.push(procMemory(controller.pid)!.rssMb);
      etcd.push(procMemory(cp.pids.etcd)?.rssMb ?? NaN);
      apiserver.push(procMemory(cp.pids.apiserver)?.rssMb ?? NaN);
      await sleep(500);
    }
    const run: MemoryRun = {
      label,
      readyMs,
      idleAfterMs,
      idleRssMb: percentile(rss, 50),
      hwmMb: procMemory(controller.pid)!.hwmMb,
      sampledPeakMb: sampler.max.get("controller") ?? NaN,
      heapUsedMb: (idle.metrics.get("osac_vm_controller_nodejs_heap_size_used_bytes") ?? NaN) / 2 ** 20,
      cpuS: work.cpuS,
      reconciles: work.reconciles,
      etcdRssMb: percentile(etcd, 50),
      apiserverRssMb: percentile(apiserver, 50),
      etcdPeakMb: sampler.max.get("etcd") ?? NaN,
      apiserverPeakMb: sampler.max.get("apiserver") ?? NaN,
    };
    log(`B: ${label}: idle RSS ${mb(run.idleRssMb)} MB, VmHWM ${mb(run.hwmMb)} MB, idle after ${s1(run.idleAfterMs)} s`);
    return run;
  };

  log(`B: starting the controller (PostgreSQL mode)`);
  const first = await startController("memory");
  current = first.controller;
  sampler.max.delete("controller");
  await sleep(3_000);
  const emptyRssMb = procMemory(first.controller.pid)?.rssMb ?? NaN;
  const emptyHeapMb = ((await first.controller.metrics()).get("osac_vm_controller_nodejs_heap_size_used_bytes") ?? NaN) / 2 ** 20;
  log(`B: controller RSS with an empty cluster: ${mb(emptyRssMb)} MB (JS heap used ${mb(emptyHeapMb)} MB)`);
  const before = await controllerSnapshot(first.controller);
  log(`B: creating ${MEMORY_ORDERS} gitops orders and their children, ${CREATE_CONCURRENCY} orders at a time`);
  const t0 = performance.now();
  let objects = 0;
  let lastReport = t0;
  await pool(orders, CREATE_CONCURRENCY, async (order) => {
    const document = orderDocument(order, "gitops");
    await rest.request("POST", `${ORDER_API}/namespaces/${order.namespace}/virtualmachines`, { body: document });
    const children = childrenOf(document, true);
    await Promise.all(children.map((child) => rest.request("POST", collectionPath(child), { body: child })));
    objects += 1 + children.length;
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      log(`B: ${objects} objects created (${((1000 * objects) / (lastReport - t0)).toFixed(0)}/s); controller RSS ${mb(procMemory(first.controller.pid)?.rssMb)} MB`);
    }
  });
  const createMs = performance.now() - t0;
  log(`B: created ${objects} objects in ${s1(createMs)} s; waiting until the controller is idle`);
  const runs = [await measureIdle(`during creation (controller running while ${objects} objects were created)`, first.controller, first.readyMs, t0, before)];

  // Sanity: every order carries the status the controller computed from its 5 children.
  const phases: Record<string, number> = {};
  const progressingReasons: Record<string, number> = {};
  let continueToken: string | undefined;
  do {
    const page = await rest.request<{ items: WatchedObject[]; metadata: { continue?: string } }>(
      "GET",
      `${ORDER_API}/virtualmachines?limit=500${continueToken ? `&continue=${encodeURIComponent(continueToken)}` : ""}`,
    );
    for (const item of page.body.items) {
      const phase = item.status?.phase ?? "(none)";
      phases[phase] = (phases[phase] ?? 0) + 1;
      const reason = (item.status?.conditions as { type: string; reason: string }[] | undefined)?.find((c) => c.type === "Progressing")?.reason ?? "(none)";
      progressingReasons[reason] = (progressingReasons[reason] ?? 0) + 1;
    }
    continueToken = page.body.metadata.continue || undefined;
  } while (continueToken);

  let soak: MemoryResults["soak"];
  if (SOAK_S > 0) {
    // The informers relist everything every 5 minutes and the controller resyncs every order every
    // 5 minutes (src/controller/config.ts, supervised-informer.ts): keep it running to see that.
    log(`B: soak: keeping the controller running for ${SOAK_S} s`);
    const soakSampler = new RssSampler(() => ({ controller: first.controller.pid }), 250);
    const restartsBefore = (await first.controller.metrics()).get("osac_vm_controller_watch_restarts_total") ?? 0;
    const soakBefore = await controllerSnapshot(first.controller);
    await sleep(SOAK_S * 1000);
    soakSampler.stop();
    const after = await controllerSnapshot(first.controller);
    soak = {
      seconds: SOAK_S,
      controllerAgeS: (performance.now() - first.startedAt) / 1000,
      maxRssMb: soakSampler.max.get("controller") ?? NaN,
      hwmMb: procMemory(first.controller.pid)?.hwmMb ?? NaN,
      endRssMb: procMemory(first.controller.pid)?.rssMb ?? NaN,
      watchRestarts: (after.metrics.get("osac_vm_controller_watch_restarts_total") ?? 0) - restartsBefore,
      reconciles: controllerWork(soakBefore, after).reconciles,
      cpuS: controllerWork(soakBefore, after).cpuS,
    };
    log(`B: soak: max RSS ${mb(soak.maxRssMb)} MB, VmHWM ${mb(soak.hwmMb)} MB, ${soak.watchRestarts} watch restarts, ${soak.reconciles} reconciles`);
  }

  const content = await cacheContent(rest);
  log(`B: the controller's caches hold ${content.objects} objects: ${content.jsonMb.toFixed(1)} MB as JSON, ${content.managedFieldsMb.toFixed(1)} MB of it managedFields`);

  log(`B: restarting the controller against the full cluster`);
  await first.controller.stop();
  current = undefined;
  sampler.max.delete("controller");
  const tRestart = performance.now();
  const second = await startController("memory-restart");
  current = second.controller;
  const beforeSecond = { cpuS: 0, metrics: new Map() as Metrics };
  runs.push(await measureIdle(`restart (initial LIST of ${MEMORY_ORDERS} orders + ${objects - MEMORY_ORDERS} children)`, second.controller, second.readyMs, tRestart, beforeSecond));

  sampler.stop();
  const timeline = sampler.samples
    .filter((_, index) => index % 10 === 0)
    .map((sample) => ({ atS: (sample.at - samplerT0) / 1000, controllerMb: sample.values.controller ?? NaN }));
  await second.controller.stop();
  await closeDatabase();
  await cluster.stop();
  return {
    orders: MEMORY_ORDERS,
    objects,
    mode: "gitops",
    emptyRssMb,
    emptyHeapMb,
    content,
    ...(soak ? { soak } : {}),
    createMs,
    createRate: (1000 * objects) / createMs,
    runs,
    phases,
    progressingReasons,
    loadBefore,
    loadAfter: load(),
    timeline,
  };
}

// ---------------------------------------------------------------------------------------------
// report

function latencyRow(label: string, l: Latencies, extra: string[] = []): string {
  return `| ${label} | ${l.count} | ${ms(l.p50)} | ${ms(l.p90)} | ${ms(l.p99)} | ${ms(l.max)} | ${extra.join(" | ")} |`;
}

function report(machine: Record<string, string>, latency: LatencyResults | undefined, memory: MemoryResults | undefined): string {
  const out: string[] = [];
  out.push(`Machine: ${machine.cpus}, ${machine.memory}, Node ${process.version}; kube-apiserver ${machine.kube}; PostgreSQL 15 (fsync off).`);
  out.push(`Controller: \`${controllerEntry ? "node <esbuild bundle of src/cli/main.ts> controller" : "node bin/osac-vm.js controller"}\` (${controllerEntry ? "what-if bundle" : compiledRuntime ? "compiled dist/js/" : "sources through tsx"}), PostgreSQL mode, concurrency ${CONTROLLER_CONCURRENCY ?? "8 (default)"}, log level ${flags["log-level"]}${flags.profile ? ", **with --cpu-prof**" : ""}.`);
  out.push(`Sources: ${machine.source} at the start, ${sourceVersion()} at the end.`);
  out.push(`Load average (1/5/15 min) at start: ${machine.loadBefore}; at end: ${load()}.`);
  out.push("");
  if (latency) {
    out.push(`### 1. Direct apply: order POST → every child exists (ms)`);
    out.push("");
    out.push(`${LATENCY_ORDERS} \`managed-by: controller\` orders, ${IN_FLIGHT} POSTs in flight; children first seen by watches in the bench process. Load average during this part: ${latency.loadBefore} → ${latency.loadAfter}.`);
    out.push("");
    out.push("| batch | orders | p50 | p90 | p99 | max | all children of all orders after | p99 from POST answered | POST round trip p50 / p99 | controller CPU s | reconciles | mean reconcile ms |");
    out.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    const cpuLines: string[] = [];
    for (const batch of latency.apply) {
      out.push(
        latencyRow(batch.label, batch.fromSend, [
          `${ms(batch.makespanMs)} ms`,
          ms(batch.fromAck.p99),
          `${ms(batch.createRtt.p50)} / ${ms(batch.createRtt.p99)}`,
          batch.controllerCpuS.toFixed(1),
          String(batch.reconciles),
          batch.meanReconcileMs.toFixed(1),
        ]),
      );
      cpuLines.push(
        `${batch.label}: from the first POST to the last child, ${s1(batch.makespanMs)} s wall: controller ${batch.controllerCpuS.toFixed(1)} CPU s (until idle), ` +
          `kube-apiserver ${batch.cpu.apiserverS.toFixed(1)}, etcd ${batch.cpu.etcdS.toFixed(1)}, bench process ${batch.cpu.benchS.toFixed(1)}; machine ${batch.cpu.machineBusyPct.toFixed(0)} % busy (all cores, all processes). ` +
          `API requests per order: ${batch.requests}.`,
      );
    }
    out.push("");
    out.push(...cpuLines.map((line) => `- ${line}`));
    const measured = latency.apply[latency.apply.length - 1]!;
    out.push("");
    out.push(`Target p99 ≤ ${TARGETS.applyP99Ms} ms: ${yes(measured.fromSend.p99 <= TARGETS.applyP99Ms)} (p99 ${ms(measured.fromSend.p99)} ms).`);
    out.push("");
    out.push(`### 2. Status propagation: KubeVirt VM status patched → order Ready / database row READY (ms)`);
    out.push("");
    out.push("| batch | orders | p50 | p90 | p99 | max | database p50 | database p90 | database p99 | database max | patch round trip p50 / p99 | controller CPU s | reconciles |");
    out.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const batch of latency.status) {
      out.push(
        latencyRow(batch.label, batch.order, [
          ms(batch.database.p50),
          ms(batch.database.p90),
          ms(batch.database.p99),
          ms(batch.database.max),
          `${ms(batch.patchRtt.p50)} / ${ms(batch.patchRtt.p99)}`,
          batch.controllerCpuS.toFixed(1),
          String(batch.reconciles),
        ]),
      );
    }
    out.push("");
    for (const batch of latency.status) {
      out.push(`- ${batch.label}: controller ${batch.controllerAgeS.toFixed(0)} s old, ${batch.watchRestarts} controller watch restarts during the batch; API requests per order (patch included): ${batch.requests}.`);
    }
    out.push("");
    const worst = Math.max(...latency.status.flatMap((batch) => [batch.order.p99, batch.database.p99]));
    out.push(`Target p99 ≤ ${TARGETS.statusP99Ms} ms (order and database, every batch): ${yes(worst <= TARGETS.statusP99Ms)} (worst p99 ${ms(worst)} ms).`);
    out.push(`Controller start (spawn → ready and leading): ${ms(latency.controllerStartMs)} ms; RSS at the end of parts 1–2: ${mb(latency.controllerRssMb)} MB (VmHWM ${mb(latency.controllerHwmMb)} MB); bench watch restarts: ${latency.watchRestarts}.`);
    out.push("");
  }
  if (memory) {
    out.push(`### 3. Memory: ${memory.orders.toLocaleString("en")} orders and their children watched (PostgreSQL mode)`);
    out.push("");
    out.push(
      `\`managed-by: ${memory.mode}\` orders; the bench POSTed the ${memory.objects.toLocaleString("en")} objects (orders + 5 children each) ` +
        `${CREATE_CONCURRENCY} orders at a time in ${s1(memory.createMs)} s (${memory.createRate.toFixed(0)} objects/s) while the controller ran. ` +
        `Load average during this part: ${memory.loadBefore} → ${memory.loadAfter}.`,
    );
    out.push("");
    out.push("| run | controller ready after s | idle after s | controller RSS idle MB | controller VmHWM MB | sampled peak RSS MB | JS heap used MB (idle) | controller CPU s | reconciles | etcd RSS idle / peak MB | kube-apiserver RSS idle / peak MB |");
    out.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const run of memory.runs) {
      out.push(
        `| ${run.label} | ${s1(run.readyMs)} | ${s1(run.idleAfterMs)} | ${mb(run.idleRssMb)} | ${mb(run.hwmMb)} | ${mb(run.sampledPeakMb)} | ${mb(run.heapUsedMb)} | ${run.cpuS.toFixed(1)} | ${run.reconciles} | ${mb(run.etcdRssMb)} / ${mb(run.etcdPeakMb)} | ${mb(run.apiserverRssMb)} / ${mb(run.apiserverPeakMb)} |`,
      );
    }
    out.push("");
    out.push(`Controller with an empty cluster (3 s after ready, no orders): RSS ${mb(memory.emptyRssMb)} MB, JS heap used ${mb(memory.emptyHeapMb)} MB.`);
    out.push(
      `What the controller's informers hold (LIST of the same collections): ${memory.content.objects.toLocaleString("en")} objects, ${memory.content.jsonMb.toFixed(1)} MB as JSON ` +
        `(${Object.entries(memory.content.byKind).map(([kind, entry]) => `${kind} ${entry.objects} / ${entry.jsonMb.toFixed(1)} MB`).join(", ")}), ` +
        `of which metadata.managedFields ${memory.content.managedFieldsMb.toFixed(1)} MB.`,
    );
    const worstIdle = Math.max(...memory.runs.map((run) => run.idleRssMb));
    const worstPeak = Math.max(...memory.runs.map((run) => run.hwmMb));
    out.push(`Target ≤ ${TARGETS.rssMb} MB: idle ${yes(worstIdle <= TARGETS.rssMb)} (worst idle ${mb(worstIdle)} MB); peak ${yes(worstPeak <= TARGETS.rssMb)} (worst VmHWM ${mb(worstPeak)} MB).`);
    if (memory.soak) {
      const soak = memory.soak;
      out.push(
        `Soak: the first controller kept running ${soak.seconds} s after the idle reading (until it was ${soak.controllerAgeS.toFixed(0)} s old; informers relist and orders resync every 300 s): ` +
          `max RSS ${mb(soak.maxRssMb)} MB (250 ms samples), VmHWM ${mb(soak.hwmMb)} MB, RSS at the end ${mb(soak.endRssMb)} MB; ${soak.watchRestarts} watch restarts, ${soak.reconciles} reconciles, ${soak.cpuS.toFixed(1)} CPU s.`,
      );
    }
    out.push(`Order phases after the first run: ${Object.entries(memory.phases).map(([phase, count]) => `${phase} ${count}`).join(", ")}; Progressing reasons: ${Object.entries(memory.progressingReasons).map(([reason, count]) => `${reason} ${count}`).join(", ")}.`);
    out.push(`Controller RSS every 5 s (s: MB): ${memory.timeline.map((point) => `${point.atS.toFixed(0)}: ${mb(point.controllerMb)}`).join(", ")}.`);
    out.push("");
  }
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------

/** The commit, and whether src/ or bin/ differ from it (others may edit the tree while the bench runs). */
function sourceVersion(): string {
  const git = (...args: string[]) => spawnSync("git", args, { cwd: PROJECT, encoding: "utf8" }).stdout?.trim() ?? "";
  const commit = git("rev-parse", "--short", "HEAD") || "unknown";
  const dirty = git("status", "--porcelain", "--", "src", "bin");
  return `${commit}${dirty ? " with uncommitted changes in src/ or bin/" : ""}`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const machine = {
    cpus: `${cpus().length} cores (${cpus()[0]?.model.trim() ?? "?"})`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    kube: process.env.KUBE_APISERVER_VERSION ?? "v1.33.13",
    loadBefore: load(),
    source: sourceVersion(),
  };
  log(`postgres: starting PostgreSQL 15`);
  const server = await createPostgresServer();
  onCleanup(
    "PostgreSQL",
    async () => destroyServerSync(server),
    () => destroyServerSync(server),
  );
  const adminUrl = connectionUrl(server);
  if (flags.runtime === "bundle") {
    controllerEntry = await buildBundledCli(scratch);
    log(`bundle: the controller runs from ${controllerEntry} (esbuild bundle, plain node, no tsx)`);
  }
  const latency = runLatency ? await latencyPhase(adminUrl) : undefined;
  const memory = runMemory ? await memoryPhase(adminUrl) : undefined;
  const text = report(machine, latency, memory);
  process.stdout.write(`${text}\nBench wall time: ${s1(performance.now() - started)} s.\n`);
  if (flags.json) writeFileSync(flags.json, JSON.stringify({ machine, latency, memory }, null, 2));
  if (profileDir) {
    for (const file of profilesIn(profileDir)) {
      const summary = spawnSync("npx", ["tsx", "bench/support/summarise-profile.ts", file, "30"], { cwd: PROJECT, encoding: "utf8" });
      writeFileSync(`${file}.txt`, summary.stdout);
      process.stderr.write(`\n${summary.stdout}\n`);
    }
    log(`CPU profiles (and .txt summaries) kept in ${profileDir}`);
  }
  if (flags.keep) log(`logs kept in ${scratch}`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench:controller failed: ${(error as Error).stack ?? error}\n`);
  if (!flags.keep) process.stderr.write(`(run with --keep to keep the controller logs in ${scratch})\n`);
  process.exitCode = 1;
} finally {
  await runCleanups();
}
