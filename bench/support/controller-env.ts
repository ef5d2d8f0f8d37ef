/**
 * Processes for the controller benchmark: the controller as a real child process (`node
 * bin/osac-vm.js controller`), its Prometheus metrics, /proc readings (RSS, peak RSS, CPU time),
 * PostgreSQL databases, and one clean-up list that also runs on SIGINT/SIGTERM and on exit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, createWriteStream, mkdirSync, openSync, readFileSync, readdirSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CLOCK_TICKS = 100; // USER_HZ on Linux

// ---------------------------------------------------------------------------------------------
// clean-up

type Cleanup = { readonly name: string; readonly async: () => Promise<void>; readonly sync: () => void };
const cleanups: Cleanup[] = [];
let hooked = false;

/** Registers a clean-up step (run last-in first-out); returns a function that runs it now and unregisters it. */
export function onCleanup(name: string, async: () => Promise<void>, sync: () => void): () => Promise<void> {
  if (!hooked) {
    hooked = true;
    process.on("exit", runCleanupsSync);
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.once(signal, () => {
        process.stderr.write(`\n${signal}: cleaning up\n`);
        runCleanupsSync();
        process.exit(signal === "SIGINT" ? 130 : 143);
      });
    }
  }
  const entry: Cleanup = { name, async, sync };
  cleanups.push(entry);
  return async () => {
    const index = cleanups.indexOf(entry);
    if (index < 0) return;
    cleanups.splice(index, 1);
    await entry.async();
  };
}

/** Runs every registered clean-up (newest first), logging failures. */
export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const entry = cleanups.pop()!;
    try {
      await entry.async();
    } catch (error) {
      process.stderr.write(`clean-up of ${entry.name} failed: ${(error as Error).message}\n`);
      try {
        entry.sync();
      } catch {
        /* best effort */
      }
    }
  }
}

function runCleanupsSync(): void {
  while (cleanups.length > 0) {
    const entry = cleanups.pop()!;
    try {
      entry.sync();
    } catch {
      /* best effort */
    }
  }
}

// ---------------------------------------------------------------------------------------------
// /proc

export interface ProcMemory {
  /** VmRSS, MiB. */
  readonly rssMb: number;
  /** VmHWM (peak RSS since start), MiB. */
  readonly hwmMb: number;
}

/** VmRSS and VmHWM of a live process; undefined once it is gone. */
export function procMemory(pid: number): ProcMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

/** utime + stime of a process (all its threads), seconds. */
export function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** Machine-wide CPU time from /proc/stat, seconds: busy (everything but idle and iowait) and total. */
export function machineCpu(): { busyS: number; totalS: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busyS: (total - idle) / CLOCK_TICKS, totalS: total / CLOCK_TICKS };
}

/** Samples VmRSS of some processes every `intervalMs`, keeping the maximum of each. */
export class RssSampler {
  private readonly timer: NodeJS.Timeout;
  readonly max = new Map<string, number>();
  readonly samples: { at: number; values: Record<string, number> }[] = [];

  constructor(
    private readonly pids: () => Record<string, number | undefined>,
    intervalMs = 500,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.sample();
  }

  sample(): void {
    const values: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids())) {
      if (!pid) continue;
      const memory = procMemory(pid);
      if (!memory) continue;
      values[name] = memory.rssMb;
      this.max.set(name, Math.max(this.max.get(name) ?? 0, memory.rssMb));
    }
    this.samples.push({ at: performance.now(), values });
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }
}

// ---------------------------------------------------------------------------------------------
// the controller process

export interface ControllerProcess {
  readonly pid: number;
  readonly metricsPort: number;
  readonly logFile: string;
  /** Milliseconds from spawn to the "metrics on port" line. */
  readonly startMs: number;
  metrics(): Promise<Metrics>;
  /** SIGTERM, wait for the exit (CPU profile written), SIGKILL after 20 s. */
  stop(): Promise<void>;
}

export interface ControllerOptions {
  readonly name: string;
  readonly kubeconfigPath: string;
  readonly databaseUrl?: string;
  readonly dir: string;
  readonly concurrency?: number;
  /** The script node runs (default bin/osac-vm.js: dist/js/ when current, else the sources through tsx). */
  readonly entry?: string;
  /** Extra environment (e.g. OSAC_VM_RUNTIME=tsx). */
  readonly env?: Readonly<Record<string, string>>;
  /** Directory for `--cpu-prof` output (node's command line: Node 20 refuses it in NODE_OPTIONS). */
  readonly profileDir?: string;
  readonly logLevel?: string;
  /** Extra node options before the script (e.g. `--expose-gc`, `--import <preload>`). */
  readonly nodeArgs?: readonly string[];
  /** How long until it listens (its caches' initial LIST comes first), ms (default 60 000). */
  readonly startTimeoutMs?: number;
}

export async function startControllerProcess(options: ControllerOptions): Promise<ControllerProcess> {
  const dataDir = join(options.dir, `${options.name}-data`);
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(options.dir, `${options.name}.log`);
  const log = openSync(logFile, "a");
  const nodeArgs = [
    ...(options.nodeArgs ?? []),
    ...(options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${options.name}.cpuprofile`] : []),
  ];
  const args = [
    ...nodeArgs,
    options.entry ?? join(PROJECT, "bin/osac-vm.js"),
    "controller",
    "--metrics-port",
    "0",
    "--bind-address",
    "127.0.0.1",
    "--data-dir",
    dataDir,
    "--leader-election-namespace",
    "default",
    "--log-level",
    options.logLevel ?? "info",
    ...(options.concurrency ? ["--concurrency", String(options.concurrency)] : []),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, KUBECONFIG: options.kubeconfigPath, POD_NAME: `bench-${options.name}`, NODE_OPTIONS: "" };
  delete env.DATABASE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, { cwd: PROJECT, env, stdio: ["ignore", "pipe", log] });
  closeSync(log);
  const pid = child.pid ?? 0;
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const unregister = onCleanup(
    `controller ${options.name}`,
    async () => {
      if (exited) return;
      child.kill("SIGTERM");
      await Promise.race([exit, sleep(20_000)]);
      if (!exited) child.kill("SIGKILL");
      await Promise.race([exit, sleep(5_000)]);
    },
    () => {
      if (!exited) child.kill("SIGKILL");
    },
  );

  const logStream = createWriteStream(logFile, { flags: "a" });
  const metricsPort = await new Promise<number>((resolvePort, reject) => {
    let seen = "";
    let found = false;
    const startTimeoutMs = options.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => reject(new Error(`controller ${options.name} did not start within ${startTimeoutMs / 1000} s; log: ${logFile}`)), startTimeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      logStream.write(chunk);
      if (found) return;
      seen = (seen + chunk.toString()).slice(-100_000);
      const match = /osac-vm controller: metrics on port (\d+)/.exec(seen);
      if (match) {
        found = true;
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`controller ${options.name} exited (${code ?? signal}) before it listened; log: ${logFile}\n${tail(logFile)}`));
    });
  });
  const startMs = performance.now() - t0;
  return {
    pid,
    metricsPort,
    logFile,
    startMs,
    metrics: () => scrape(metricsPort),
    stop: async () => {
      await unregister();
      logStream.end();
    },
  };
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// metrics

/** Prometheus text: metric name → sum over label sets (enough for gauges and counters here). */
export type Metrics = Map<string, number>;

function getText(port: number, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolveText, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolveText({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

export async function scrape(port: number): Promise<Metrics> {
  const { text } = await getText(port, "/metrics");
  const metrics: Metrics = new Map();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    metrics.set(match[1]!, (metrics.get(match[1]!) ?? 0) + Number(match[3]));
  }
  return metrics;
}

export async function readyz(port: number): Promise<boolean> {
  try {
    return (await getText(port, "/readyz")).status === 200;
  } catch {
    return false;
  }
}

export const RECONCILES = "osac_vm_controller_reconcile_duration_seconds_count";
export const RECONCILE_SECONDS = "osac_vm_controller_reconcile_duration_seconds_sum";
export const QUEUE_DEPTH = "osac_vm_controller_queue_depth";
export const DB_BACKLOG = "osac_vm_controller_database_backlog";
export const LEADER = "osac_vm_controller_leader";
export const ORDERS = "osac_vm_controller_orders";

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 100): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await check()) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting until ${what}`);
    await sleep(intervalMs);
  }
}

/** Ready (caches synced, database migrated) and leading. */
export async function waitControllerReady(controller: ControllerProcess, timeoutMs: number): Promise<number> {
  return waitFor(
    "the controller is ready and leads",
    async () => (await readyz(controller.metricsPort)) && (await controller.metrics()).get(LEADER) === 1,
    timeoutMs,
    100,
  );
}

/**
 * Idle: queue depth 0, database backlog 0 and the reconcile count unchanged over `stableSamples`
 * consecutive scrapes 1 s apart (the gauges are refreshed once a second), plus `extra()` when given.
 */
export async function waitControllerIdle(controller: ControllerProcess, timeoutMs: number, extra?: () => Promise<boolean> | boolean, stableSamples = 3): Promise<{ ms: number; metrics: Metrics }> {
  const t0 = performance.now();
  let stable = 0;
  let lastReconciles = -1;
  let metrics: Metrics = new Map();
  for (;;) {
    metrics = await controller.metrics();
    const reconciles = metrics.get(RECONCILES) ?? 0;
    const quiet = metrics.get(QUEUE_DEPTH) === 0 && metrics.get(DB_BACKLOG) === 0 && reconciles === lastReconciles;
    lastReconciles = reconciles;
    stable = quiet && (extra ? await extra() : true) ? stable + 1 : 0;
    // The first quiet sample is the end of the work; the following ones only confirm it.
    if (stable >= stableSamples) return { ms: performance.now() - t0 - (stableSamples - 1) * 1_000, metrics };
    if (performance.now() - t0 > timeoutMs) {
      throw new Error(
        `the controller did not become idle within ${(timeoutMs / 1000).toFixed(0)} s (queue ${metrics.get(QUEUE_DEPTH)}, backlog ${metrics.get(DB_BACKLOG)}, reconciles ${reconciles})`,
      );
    }
    await sleep(1_000);
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Newest `.cpuprofile` files in a directory. */
export function profilesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((file) => file.endsWith(".cpuprofile"))
      .map((file) => join(dir, file));
  } catch {
    return [];
  }
}

/**
 * What-if for the memory part: the CLI bundled to one ES module with esbuild (the one tsx brings;
 * npm packages stay external, resolved through a node_modules symlink), run by plain node, so the
 * controller runs without tsx's loader thread and on-the-fly transforms. Returns the entry script.
 */
export async function buildBundledCli(dir: string): Promise<string> {
  const { symlinkSync, writeFileSync } = await import("node:fs");
  const bundleDir = join(dir, "bundle");
  mkdirSync(bundleDir, { recursive: true });
  symlinkSync(join(PROJECT, "node_modules"), join(bundleDir, "node_modules"));
  const esbuild = (await import("esbuild" as string)) as { build(options: object): Promise<unknown> };
  await esbuild.build({
    entryPoints: [join(PROJECT, "src/cli/main.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile: join(bundleDir, "main.mjs"),
    logLevel: "warning",
  });
  const entry = join(bundleDir, "osac-vm.mjs");
  writeFileSync(
    entry,
    'import { main } from "./main.mjs";\nprocess.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });\n',
  );
  return entry;
}
