/**
 * One measured controller run of bench:hub-memory: a fresh `node bin/osac-vm.js controller` (with
 * `--expose-gc` and bench/support/gc-report-preload.mjs) on a fresh PostgreSQL database, started
 * against a cluster that already holds the fleet (so it begins with the initial LIST of everything);
 * wait until it has converged, then read its memory: VmRSS before and after two forced full GCs,
 * the V8 heap used after them, and VmHWM.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import {
  createDatabase,
  onCleanup,
  procMemory,
  PROJECT,
  sleep,
  startControllerProcess,
  waitControllerIdle,
  waitControllerReady,
  waitFor,
  type ControllerProcess,
} from "./controller-env.ts";
import { percentile } from "./controller-orders.ts";
import { tallyOrders, type OrderTally, type Plane } from "./hub-memory-fleet.ts";

const PRELOAD = pathToFileURL(join(PROJECT, "bench/support/gc-report-preload.mjs")).href;

export interface RunSpec {
  /** Row label. */
  readonly label: string;
  /** Hubs registered (and watched) on the management cluster. */
  readonly hubs: number;
  /** Orders in the cluster. */
  readonly orders: number;
  /** Orders whose children are on a hub (their database rows carry the hub). */
  readonly hubOrders: number;
  /** OSAC_VM_HUB_REGISTRY=on. */
  readonly registry: boolean;
}

export interface RunResult extends RunSpec {
  readonly readyS: number;
  readonly convergedS: number;
  /** Median VmRSS of 6 readings 0.5 s apart once converged, before the forced GC, MiB. */
  readonly rssIdleMb: number;
  /** VmRSS right after two forced full GCs, MiB. */
  readonly rssAfterGcMb: number;
  /** V8 heap used after the GCs, MiB. */
  readonly heapUsedMb: number;
  /** Memory of ArrayBuffers and other objects outside the V8 heap (process.memoryUsage().external), MiB. */
  readonly externalMb: number;
  readonly hwmMb: number;
  readonly tally?: OrderTally;
  /** Per repetition: RSS after GC and heap used after GC, MiB (the fields above are medians). */
  readonly samples: readonly { readonly rssAfterGcMb: number; readonly heapUsedMb: number }[];
}

export interface RunContext {
  readonly management: Plane;
  readonly adminUrl: string;
  readonly scratch: string;
  readonly secretsNamespace: string;
  readonly env: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}

const MiB = 2 ** 20;
let runNumber = 0;

/** `measureRun` `repeat` times (a fresh controller and database each); every figure is the median of the repetitions. */
export async function measureRepeated(context: RunContext, spec: RunSpec, repeat: number): Promise<RunResult> {
  const results: RunResult[] = [];
  for (let index = 0; index < repeat; index++) results.push(await measureRun(context, spec));
  const median = (pick: (run: RunResult) => number) => percentile(results.map(pick), 50);
  return {
    ...results[results.length - 1]!,
    readyS: median((run) => run.readyS),
    convergedS: median((run) => run.convergedS),
    rssIdleMb: median((run) => run.rssIdleMb),
    rssAfterGcMb: median((run) => run.rssAfterGcMb),
    heapUsedMb: median((run) => run.heapUsedMb),
    externalMb: median((run) => run.externalMb),
    hwmMb: median((run) => run.hwmMb),
    samples: results.flatMap((run) => run.samples),
  };
}

export async function measureRun(context: RunContext, spec: RunSpec): Promise<RunResult> {
  runNumber += 1;
  const name = `run${runNumber}`;
  const log = (line: string) => context.log(`${spec.label}: ${line}`);
  const databaseUrl = await createDatabase(context.adminUrl, `bench_hub_memory_${runNumber}`);
  const database = new pg.Client({ connectionString: databaseUrl });
  await database.connect();
  const closeDatabase = onCleanup("database client", async () => void (await database.end().catch(() => {})), () => {});
  const gcReport = join(context.scratch, `${name}-gc.json`);
  const t0 = performance.now();
  const started = await startControllerProcess({
    name,
    kubeconfigPath: context.management.cp.kubeconfigPath,
    databaseUrl,
    dir: context.scratch,
    nodeArgs: ["--expose-gc", "--import", PRELOAD],
    // It listens once its caches have listed everything: minutes on a busy machine.
    startTimeoutMs: 600_000,
    env: {
      ...context.env,
      OSAC_VM_HUB_REGISTRY: spec.registry ? "on" : "off",
      OSAC_VM_HUB_SECRETS_NAMESPACE: context.secretsNamespace,
      OSAC_BENCH_GC_REPORT: gcReport,
    },
  });
  // A busy machine can stall the controller past its HTTP keep-alive timeout: a scrape on the
  // reused socket is then reset. The scrape is read-only, so try it again.
  const controller: ControllerProcess = { ...started, metrics: () => retryReset(() => started.metrics()) };
  try {
    await waitControllerReady(controller, 300_000);
    const readyS = (performance.now() - t0) / 1000;
    log(`ready after ${readyS.toFixed(1)} s; waiting until it has converged`);
    if (spec.hubs > 0) await waitFor(`the controller watches ${spec.hubs} hubs`, () => watchedHubs(controller) >= spec.hubs, 120_000, 250);
    const converged = async () => {
      const { rows } = await database.query<{ ready: string; on_hubs: string }>(
        "SELECT count(*) FILTER (WHERE state = 'READY') AS ready, count(*) FILTER (WHERE hub IS NOT NULL) AS on_hubs FROM vm_state",
      );
      return Number(rows[0]!.ready) === spec.orders && Number(rows[0]!.on_hubs) === spec.hubOrders;
    };
    await waitControllerIdle(controller, 900_000, converged);
    const convergedS = (performance.now() - t0) / 1000 - 2; // the 2 confirming scrapes
    const rss: number[] = [];
    for (let i = 0; i < 6; i++) {
      rss.push(procMemory(controller.pid)?.rssMb ?? NaN);
      await sleep(500);
    }
    const afterGc = await forcedGc(controller, gcReport);
    const result: RunResult = {
      ...spec,
      readyS,
      convergedS,
      rssIdleMb: percentile(rss, 50),
      rssAfterGcMb: afterGc.rss / MiB,
      heapUsedMb: afterGc.heapUsed / MiB,
      externalMb: afterGc.external / MiB,
      hwmMb: procMemory(controller.pid)?.hwmMb ?? NaN,
      ...(spec.orders > 0 ? { tally: await retryReset(() => tallyOrders(context.management)) } : {}),
      samples: [{ rssAfterGcMb: afterGc.rss / MiB, heapUsedMb: afterGc.heapUsed / MiB }],
    };
    log(`converged after ${result.convergedS.toFixed(1)} s: RSS ${result.rssIdleMb.toFixed(0)} MiB idle, ${result.rssAfterGcMb.toFixed(0)} MiB after GC; heap used ${result.heapUsedMb.toFixed(1)} MiB`);
    return result;
  } finally {
    await controller.stop();
    await closeDatabase();
  }
}

/** Runs a read-only request again (up to 3 times) when its connection was reset or closed under it. */
export async function retryReset<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const code = (error as { code?: string }).code;
      const reset = code === "ECONNRESET" || code === "EPIPE" || /socket hang up/.test((error as Error).message ?? "");
      if (!reset || attempt >= 3) throw error;
      await sleep(200 * attempt);
    }
  }
}

/** Hubs the controller has started watching, from its log (one "Watching the hub" line per start). */
function watchedHubs(controller: ControllerProcess): number {
  const hubs = new Set<string>();
  for (const line of readFileSync(controller.logFile, "utf8").split("\n")) {
    if (!line.includes('"msg":"Watching the hub"')) continue;
    const hub = /"hub":"([^"]+)"/.exec(line)?.[1];
    if (hub) hubs.add(hub);
  }
  return hubs.size;
}

interface MemoryUsage {
  readonly sequence: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

/** SIGUSR2 → the preload runs two full GCs and writes process.memoryUsage(). */
async function forcedGc(controller: ControllerProcess, reportFile: string): Promise<MemoryUsage> {
  const read = (): MemoryUsage | undefined => (existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, "utf8")) as MemoryUsage) : undefined);
  const before = read()?.sequence ?? 0;
  process.kill(controller.pid, "SIGUSR2");
  await waitFor("the controller reports its memory after a forced GC", () => (read()?.sequence ?? 0) > before, 30_000, 100);
  return read()!;
}
