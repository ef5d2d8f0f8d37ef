// Runs `osac-vm migrate controller` as a real process for the e2e tests: its log file (JSON lines),
// the metrics port it prints, SIGKILL (a crash) and a stop that escalates SIGTERM → SIGKILL.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../../scripts/cluster/harness.ts";

export interface MigrationProcess {
  readonly pid: number;
  readonly metricsPort: number;
  /** Parsed JSON log lines so far. */
  logLines(): Record<string, unknown>[];
  metrics(): Promise<string>;
  /** SIGKILL: no cleanup of any kind. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s; removes the log unless E2E_KEEP_CONTROLLER_LOGS. */
  stop(): Promise<void>;
}

const CLI = path.join(REPO_ROOT, "bin/osac-vm.js");

/** `env`: added to the process' environment (DATABASE_URL: never a password in arguments). */
export async function startMigrationProcess(kubeconfigPath: string, args: readonly string[], env: Record<string, string> = {}): Promise<MigrationProcess> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-migration-"));
  const logFile = path.join(directory, "migration.log");
  const logFd = fs.openSync(logFile, "a");
  const child = spawn(process.execPath, [CLI, "migrate", "controller", "--metrics-port", "0", "--bind-address", "127.0.0.1", ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, KUBECONFIG: kubeconfigPath, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", logFd, logFd],
  });
  fs.closeSync(logFd);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const read = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "");
  const waitExit = (ms: number) => Promise.race([exit.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())]);
  let metricsPort = 0;
  const deadline = Date.now() + 60_000;
  while (!metricsPort) {
    const match = /metrics on port (\d+)/.exec(read());
    if (match) metricsPort = Number(match[1]);
    else if (exited || Date.now() > deadline) {
      if (!exited) child.kill("SIGKILL");
      throw new Error(`the migration controller did not start; log ${logFile}:\n${read().slice(-3000)}`);
    } else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid ?? 0,
    metricsPort,
    logLines: () =>
      read()
        .split("\n")
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    metrics: async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(5_000) })).text(),
    kill: async () => {
      if (exited) return;
      child.kill("SIGKILL");
      await waitExit(10_000);
    },
    stop: () =>
      (stopping ??= (async () => {
        if (!exited) {
          child.kill("SIGTERM");
          if (!(await waitExit(10_000))) {
            child.kill("SIGKILL");
            await waitExit(5_000);
          }
        }
        if (!process.env.E2E_KEEP_CONTROLLER_LOGS) fs.rmSync(directory, { recursive: true, force: true });
      })()),
  };
}
