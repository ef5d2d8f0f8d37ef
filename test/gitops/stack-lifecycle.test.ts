// The processes beside the control plane (Redis, the Git server, and Argo CD, all spawned through
// scripts/cluster/process-stack.ts) leave nothing behind: after stop(), after SIGTERM of their
// owner (exit hooks) and after SIGKILL of their owner (the watchdog).
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isProcessAlive, REPO_ROOT } from "../../scripts/cluster/harness.ts";
import { createRepository, gitClientEnv, startGitServer, startServing, stopServing } from "../../scripts/cluster/git-server.ts";
import { ProcessStack, type ProcessStackState } from "../../scripts/cluster/process-stack.ts";
import { redisPing, startRedis } from "../../scripts/cluster/redis.ts";
import { portOpen, processesMentioning } from "../e2e/support/procs.ts";

const tmpBase = fs.mkdtempSync(path.join(os.tmpdir(), "osac-stack-test-"));
afterAll(() => fs.rmSync(tmpBase, { recursive: true, force: true }));

interface Leftovers {
  pids: number[];
  openPorts: number[];
  dirExists: boolean;
  mentioning: number[];
}

async function leftovers(state: ProcessStackState, ports: number[]): Promise<Leftovers> {
  const open: number[] = [];
  for (const port of ports) if (await portOpen(port)) open.push(port);
  return { pids: state.processes.map((p) => p.pid).filter(isProcessAlive), openPorts: open, dirExists: fs.existsSync(state.dir), mentioning: processesMentioning(state.dir) };
}

async function waitNothingLeft(state: ProcessStackState, ports: number[], timeoutMs = 20_000): Promise<Leftovers> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await leftovers(state, ports);
    if ((!left.pids.length && !left.openPorts.length && !left.dirExists && !left.mentioning.length) || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}
const NOTHING: Leftovers = { pids: [], openPorts: [], dirExists: false, mentioning: [] };

function git(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("git", args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code: code ?? 1, stderr }));
  });
}

describe("GIVEN a stack with Redis and the Git server", () => {
  it("THEN Redis answers, Git needs the token, stops and starts serving on the same port, and stop() leaves nothing", async () => {
    const stack = await ProcessStack.create({ label: "lifecycle", tmpBase });
    try {
      const [redis, server] = await Promise.all([startRedis(stack), startGitServer(stack)]);
      expect(await redisPing(redis.port)).toBe(true);
      const url = await createRepository(server, "probe");
      const anonymous = await git(["ls-remote", url], { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1" });
      expect(anonymous.code).not.toBe(0);
      expect((await git(["ls-remote", url], gitClientEnv(server))).code).toBe(0);
      await stopServing(server);
      expect(await portOpen(server.port)).toBe(false);
      expect((await git(["ls-remote", url], gitClientEnv(server))).code).not.toBe(0);
      await startServing(server);
      expect((await git(["ls-remote", url], gitClientEnv(server))).code).toBe(0);
      expect(fs.readFileSync(server.process.logFile, "utf8")).not.toContain(server.token);
      const state = stack.state();
      await stack.stop();
      expect(await waitNothingLeft(state, [redis.port, server.port])).toEqual(NOTHING);
    } finally {
      await stack.stop();
    }
  });

  it.each(["SIGTERM", "SIGKILL"] as const)("WHEN its owner process gets %s THEN nothing is left behind", async (signal) => {
    const owner = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "test/gitops/support/stack-owner.ts"), tmpBase], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    owner.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    const state = await new Promise<ProcessStackState & { ports: number[] }>((resolve, reject) => {
      owner.stdout!.on("data", (c: Buffer) => {
        out += c.toString();
        const line = out.split("\n").find((l) => l.startsWith("{"));
        if (line && out.includes("\n")) resolve(JSON.parse(line) as ProcessStackState & { ports: number[] });
      });
      owner.once("exit", (code) => reject(new Error(`the owner exited (${code}) before reporting its stack: ${err}`)));
    });
    expect(state.processes.map((p) => p.name).sort()).toEqual(["git-server", "redis"]);
    expect(state.processes.every((p) => isProcessAlive(p.pid))).toBe(true);
    owner.kill(signal);
    expect(await waitNothingLeft(state, state.ports)).toEqual(NOTHING);
  });
});
