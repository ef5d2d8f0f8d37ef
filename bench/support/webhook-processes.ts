/** Server and load-generator processes for the webhook benchmark (bench/webhook.ts). */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, createWriteStream, existsSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import type { Phase, PhaseResult } from "./webhook-load.ts";

export const TASKSET = ["/usr/bin/taskset", "/bin/taskset"].find((path) => existsSync(path));

/** `taskset -c <cpu> <command…>` when taskset exists (it execs, so the pid is the command's), else the command. */
function pinned(cpu: number | undefined, command: string, args: readonly string[]): [string, string[]] {
  return cpu !== undefined && TASKSET ? [TASKSET, ["-c", String(cpu), command, ...args]] : [command, [...args]];
}

export interface ServerSpec {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** CA to trust; undefined: the server prints its --dev-tls CA PEM on stdout. */
  readonly caFile?: string;
  /**
   * Where stdout (the JSON log) goes: "file" (default), the child writes the log file itself;
   * "pipe", a pipe that this process drains into the log file, as a container runtime does.
   */
  readonly stdout?: "file" | "pipe";
}

export interface RunningServer {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  readonly caFile: string;
  readonly stdoutFile: string;
  readonly stderrFile: string;
  readonly cpusAllowed: string;
  stop(): Promise<number | null>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startServer(spec: ServerSpec, scratch: string, cwd: string, cpu: number | undefined): Promise<RunningServer> {
  const stdoutFile = join(scratch, `${spec.name}.stdout.log`);
  const stderrFile = join(scratch, `${spec.name}.stderr.log`);
  const out = openSync(stdoutFile, "w");
  const err = openSync(stderrFile, "w");
  const [command, args] = pinned(cpu, process.execPath, spec.args);
  // The bench never reads the log while measuring. With "pipe", this process copies it to the file.
  const viaPipe = spec.stdout === "pipe";
  const child: ChildProcess = spawn(command, args, { cwd, env: spec.env, stdio: ["ignore", viaPipe ? "pipe" : out, err] });
  if (viaPipe) {
    const file = createWriteStream("", { fd: out });
    child.stdout!.pipe(file);
  } else {
    closeSync(out);
  }
  closeSync(err);
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve((exited = code))));
  const deadline = Date.now() + 60_000;
  let port: number | undefined;
  while (port === undefined) {
    if (exited !== undefined) throw new Error(`${spec.name} exited (${exited}) before listening:\n${readFileSync(stderrFile, "utf8")}${readFileSync(stdoutFile, "utf8")}`);
    if (Date.now() > deadline) throw new Error(`${spec.name} did not print "listening on port" within 60 s`);
    const match = /listening on port (\d+)/.exec(readFileSync(stdoutFile, "utf8"));
    if (match) port = Number(match[1]);
    else await sleep(50);
  }
  let caFile = spec.caFile;
  if (!caFile) {
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/.exec(readFileSync(stdoutFile, "utf8"));
    if (!pem) throw new Error(`${spec.name} printed no CA PEM`);
    caFile = join(scratch, `${spec.name}-ca.pem`);
    writeFileSync(caFile, pem[0]);
  }
  const pid = child.pid!;
  const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  if (comm !== "node" && comm !== "MainThread") throw new Error(`${spec.name}: pid ${pid} is '${comm}', not the node process`);
  const cpusAllowed = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? "?";
  return {
    name: spec.name,
    pid,
    port,
    caFile,
    stdoutFile,
    stderrFile,
    cpusAllowed,
    stop: async () => {
      if (exited !== undefined) return exited;
      child.kill("SIGTERM");
      const timeout = sleep(15_000).then(() => {
        if (exited === undefined) child.kill("SIGKILL");
        return null;
      });
      return Promise.race([exit, timeout]);
    },
  };
}

/** The long-lived load generator: one JSON Phase in, one JSON PhaseResult out. */
export class LoadGenerator {
  private readonly child: ChildProcess;
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];
  readonly cpusAllowed: Promise<string>;

  constructor(cwd: string, cpu: number | undefined) {
    const [command, args] = pinned(cpu, process.execPath, ["--import", "tsx", "bench/support/webhook-load.ts"]);
    this.child = spawn(command, args, { cwd, env: { ...process.env, NODE_OPTIONS: "" }, stdio: ["pipe", "pipe", "inherit"] });
    this.lines = createInterface({ input: this.child.stdout! });
    this.lines.on("line", (line) => this.waiting.shift()?.(line));
    this.cpusAllowed = sleep(200).then(() => /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${this.child.pid}/status`, "utf8"))?.[1] ?? "?");
  }

  run(phase: Phase): Promise<PhaseResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        const parsed = JSON.parse(line) as PhaseResult | { error: string };
        if ("error" in parsed) reject(new Error(`load generator: ${parsed.error}`));
        else resolve(parsed);
      });
      this.child.stdin!.write(`${JSON.stringify(phase)}\n`);
    });
  }

  close(): void {
    this.child.stdin!.end();
  }
}
