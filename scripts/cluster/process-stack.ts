// A set of long-running processes that start and stop together (Argo CD, Redis, the Git server),
// owned the way harness.ts owns etcd and kube-apiserver: each in its own process group, one temp
// dir, cleanup on exit and signals of this Node process, and a watchdog that kills every group and
// removes the dir when this process dies uncleanly. A detached stack (npm run cluster:up) has no
// hooks and no watchdog; it is stopped from its recorded state.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { DIR_PREFIX, defaultTmpBase, isProcessAlive, killGroup, spawnWatchdog, tail, terminateGroup, trackForExit, type Live } from "./harness.ts";

export interface StackProcessState {
  name: string;
  pid: number;
  logFile: string;
}

export interface ProcessStackState {
  dir: string;
  processes: StackProcessState[];
}

export interface SpawnOptions {
  /** Environment of the process (default: this process's). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface StackProcess extends StackProcessState {
  readonly child: ChildProcess;
  /** The last lines of its log. */
  logTail(lines?: number): string;
  /** true until it exited. */
  alive(): boolean;
}

export class ProcessStack {
  private readonly entry: Live;
  private readonly processes: StackProcess[] = [];
  private untrack: (() => void) | undefined;
  private watchdog: ChildProcess | undefined;
  private stopped: Promise<void> | undefined;

  private constructor(
    readonly dir: string,
    readonly detached: boolean,
  ) {
    this.entry = { pgids: [], dir };
    if (!detached) this.untrack = trackForExit(this.entry);
  }

  /** A fresh temp dir `<tmpBase>/osac-vm-cluster-<label>-XXXXXX` (the watchdog only removes such dirs). */
  static async create(options: { label: string; detached?: boolean; tmpBase?: string }): Promise<ProcessStack> {
    const base = options.tmpBase ?? defaultTmpBase();
    const dir = await fsp.mkdtemp(path.join(base, `${DIR_PREFIX}${options.label}-`));
    return new ProcessStack(dir, options.detached ?? false);
  }

  /** Starts `bin` in its own process group, output appended to `<dir>/<name>.log`. */
  async spawn(name: string, bin: string, args: string[], options: SpawnOptions = {}): Promise<StackProcess> {
    if (this.stopped) throw new Error(`cannot start ${name}: the stack is stopped`);
    const logFile = path.join(this.dir, `${name}.log`);
    const fd = fs.openSync(logFile, "a");
    let child: ChildProcess;
    try {
      child = spawn(bin, args, { detached: true, stdio: ["ignore", fd, fd], env: options.env ?? process.env, cwd: options.cwd ?? this.dir });
    } finally {
      fs.closeSync(fd);
    }
    if (this.detached) child.unref();
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("error", (e) => reject(new Error(`cannot start ${name} (${bin}): ${e.message}`)));
      child.once("spawn", () => resolve(child.pid ?? 0));
    });
    const started: StackProcess = {
      name,
      pid,
      logFile,
      child,
      logTail: (lines = 30) => tail(logFile, lines),
      alive: () => child.exitCode === null && child.signalCode === null && isProcessAlive(pid),
    };
    this.processes.push(started);
    this.entry.pgids.push(pid);
    this.refreshWatchdog();
    return started;
  }

  /** Stops one process group (SIGTERM, SIGKILL after `graceMs`) and forgets it. */
  async stopProcess(target: StackProcessState, graceMs = 5_000): Promise<void> {
    await terminateGroup(target.pid, graceMs);
    const index = this.processes.findIndex((p) => p.pid === target.pid);
    if (index >= 0) this.processes.splice(index, 1);
    this.entry.pgids = this.entry.pgids.filter((g) => g !== target.pid);
    this.refreshWatchdog();
  }

  state(): ProcessStackState {
    return { dir: this.dir, processes: this.processes.map(({ name, pid, logFile }) => ({ name, pid, logFile })) };
  }

  /** Stops every process (the last started first) and removes the dir. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.watchdog?.pid) killGroup(this.watchdog.pid, "SIGKILL");
      await stopStackFromState(this.state());
      this.untrack?.();
    })();
    return this.stopped;
  }

  private refreshWatchdog(): void {
    if (this.detached) return;
    const previous = this.watchdog;
    this.watchdog = this.entry.pgids.length > 0 ? spawnWatchdog(this.dir, [...this.entry.pgids]) : undefined;
    if (previous?.pid) killGroup(previous.pid, "SIGKILL");
  }
}

/** Stops a stack described by its state (also one started by another process, e.g. cluster:up). */
export async function stopStackFromState(state: ProcessStackState): Promise<void> {
  for (const started of [...state.processes].reverse()) await terminateGroup(started.pid, 5_000);
  if (path.basename(state.dir).startsWith(DIR_PREFIX)) await fsp.rm(state.dir, { recursive: true, force: true });
}
