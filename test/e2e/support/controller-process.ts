// Runs `osac-vm controller` as a real process for the e2e tests: its own data dir and log file,
// the metrics port it prints, /metrics scraping, and a stop that escalates SIGTERM → SIGKILL.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../../scripts/cluster/harness.ts";

export interface ControllerProcessOptions {
  readonly kubeconfigPath: string;
  /** Namespace of the leader Lease (`--leader-election-namespace`). */
  readonly leaseNamespace: string;
  /** POD_NAME: the leader identity. */
  readonly identity: string;
  /** DATABASE_URL; without it the controller uses embedded PGlite in its data dir. */
  readonly databaseUrl?: string;
  readonly logLevel?: string;
  readonly env?: Record<string, string>;
  /** The CLI command to run (default `controller`; `ssvirt controller` for the SSVirt controller). */
  readonly command?: readonly string[];
  /** Arguments after the defaults (later flags win). */
  readonly extraArgs?: readonly string[];
  /** The variable that carries `databaseUrl` (default DATABASE_URL; SSVIRT_DATABASE_URL for the SSVirt controller). */
  readonly databaseEnv?: string;
  /** How long to wait for the metrics port (default 60 s; embedded PGlite starts slowly on a loaded machine). */
  readonly startTimeoutMs?: number;
}

export interface ControllerProcess {
  readonly identity: string;
  readonly pid: number;
  readonly metricsPort: number;
  readonly logFile: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** true while the process has not exited. */
  alive(): boolean;
  /** The process' exit code or signal, once it exited. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Text of `/metrics`. */
  metrics(): Promise<string>;
  /** Value of `osac_vm_controller_leader` (0 or 1). */
  leader(): Promise<number>;
  /** Value of a metric line (name plus optional label text), e.g. `osac_vm_controller_database_backlog`. */
  metric(name: string): Promise<number | undefined>;
  /** The log so far (JSON lines). */
  log(): string;
  /** Parsed JSON log lines (those that parse). */
  logLines(): Record<string, unknown>[];
  /** SIGKILL (a crash: the lease is not released). */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; removes the data dir unless `keepFiles`. Idempotent. */
  stop(graceMs?: number, keepFiles?: boolean): Promise<void>;
}

const CLI = path.join(REPO_ROOT, "bin/osac-vm.js");

export async function startControllerProcess(options: ControllerProcessOptions): Promise<ControllerProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-controller-"));
  const logFile = path.join(dataDir, "controller.log");
  const logFd = fs.openSync(logFile, "a");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KUBECONFIG: options.kubeconfigPath,
    POD_NAME: options.identity,
    LOG_LEVEL: options.logLevel ?? "debug",
    ...options.env,
  };
  const databaseEnv = options.databaseEnv ?? "DATABASE_URL";
  if (options.databaseUrl) env[databaseEnv] = options.databaseUrl;
  else delete env[databaseEnv];
  const child = spawn(
    process.execPath,
    [
      CLI,
      ...(options.command ?? ["controller"]),
      "--metrics-port",
      "0",
      "--bind-address",
      "127.0.0.1",
      "--data-dir",
      path.join(dataDir, "db"),
      "--leader-election-namespace",
      options.leaseNamespace,
      ...(options.extraArgs ?? []),
    ],
    { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", logFd] },
  );
  fs.closeSync(logFd);
  // The controller logs JSON lines on stdout (pino) and prints its port there too: copy all of it
  // into the log file.
  const logStream = fs.createWriteStream(logFile, { flags: "a" });
  let output = "";
  let portSeen = false;
  child.stdout!.on("data", (chunk: Buffer) => {
    logStream.write(chunk);
    if (!portSeen) output += chunk.toString();
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  const readLog = () => {
    try {
      return fs.readFileSync(logFile, "utf8");
    } catch {
      return "";
    }
  };

  let metricsPort: number;
  try {
    metricsPort = await new Promise<number>((resolve, reject) => {
      const timeoutMs = options.startTimeoutMs ?? 60_000;
      const timer = setTimeout(() => reject(new Error(`the controller ${options.identity} did not start within ${timeoutMs / 1000} s; log ${logFile}:\n${readLog().slice(-3000)}`)), timeoutMs);
      const look = () => {
        const match = /metrics on port (\d+)/.exec(output);
        if (!match) return;
        portSeen = true;
        output = "";
        clearTimeout(timer);
        child.stdout!.off("data", look);
        resolve(Number(match[1]));
      };
      child.stdout!.on("data", look);
      void exitPromise.then(() => {
        clearTimeout(timer);
        reject(new Error(`the controller ${options.identity} exited (${JSON.stringify(exited)}) before serving metrics; log:\n${readLog().slice(-3000)}`));
      });
    });
  } catch (error) {
    if (child.exitCode === null) child.kill("SIGKILL");
    throw error;
  }

  const metrics = async () => {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`GET /metrics of ${options.identity}: HTTP ${response.status}`);
    return response.text();
  };
  const metric = async (name: string) => {
    const text = await metrics();
    for (const line of text.split("\n")) {
      if (line.startsWith(`${name} `)) return Number(line.slice(name.length + 1));
    }
    return undefined;
  };
  let stopping: Promise<void> | undefined;
  const waitExit = async (ms: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([exitPromise.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    identity: options.identity,
    pid: child.pid ?? 0,
    metricsPort,
    logFile,
    dataDir,
    child,
    alive: () => exited === undefined,
    exit: () => exited,
    metrics,
    metric,
    leader: async () => (await metric("osac_vm_controller_leader")) ?? 0,
    log: readLog,
    logLines: () =>
      readLog()
        .split("\n")
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    kill: async () => {
      if (exited) return;
      child.kill("SIGKILL");
      await waitExit(10_000);
    },
    stop: (graceMs = 10_000, keepFiles = false) => {
      stopping ??= (async () => {
        if (!exited) {
          child.kill("SIGTERM");
          if (!(await waitExit(graceMs))) {
            child.kill("SIGKILL");
            await waitExit(5_000);
          }
        }
        await new Promise<void>((resolve) => logStream.end(() => resolve()));
        if (!keepFiles && !process.env.E2E_KEEP_CONTROLLER_LOGS) fs.rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
