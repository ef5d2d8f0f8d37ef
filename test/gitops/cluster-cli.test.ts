// `npm run cluster:up -- --argocd` as a user runs it (its own control plane and Argo CD, recorded in
// a state directory of its own): everything is up and healthy, a second `up --argocd` reuses it,
// and `cluster:down` leaves no process, port or directory behind.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isProcessAlive, REPO_ROOT } from "../../scripts/cluster/harness.ts";
import { createRepository, gitClientEnv } from "../../scripts/cluster/git-server.ts";
import type { GitopsStackState } from "../../scripts/cluster/gitops-stack.ts";
import { redisPing } from "../../scripts/cluster/redis.ts";
import { portOpen, processesMentioning } from "../e2e/support/procs.ts";

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "osac-cluster-cli-"));
const env = { ...process.env, OSAC_CLUSTER_STATE_DIR: stateDir };

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "scripts/cluster/cli.ts"), ...args], { cwd: REPO_ROOT, env, timeout: 600_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function healthz(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3_000) })).status === 200;
  } catch {
    return false;
  }
}

afterAll(async () => {
  if (fs.existsSync(path.join(stateDir, "state.json")) || fs.existsSync(path.join(stateDir, "argocd.json"))) await cli(["down"]);
  fs.rmSync(stateDir, { recursive: true, force: true });
});

describe("GIVEN npm run cluster:up -- --argocd", () => {
  it("THEN Argo CD, Redis and the Git server run beside the control plane, a second up reuses them, and down leaves nothing", async () => {
    const up = await cli(["up", "--argocd"]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout.trim()).toBe(path.join(stateDir, "kubeconfig"));
    expect(fs.statSync(path.join(stateDir, "argocd.json")).mode & 0o777).toBe(0o600);
    const state = JSON.parse(fs.readFileSync(path.join(stateDir, "argocd.json"), "utf8")) as GitopsStackState;
    expect(state.stack.processes.map((p) => p.name).sort()).toEqual(["argocd-application-controller", "argocd-repo-server", "git-server", "redis"]);
    expect(state.stack.processes.every((p) => isProcessAlive(p.pid))).toBe(true);
    expect(await healthz(state.argocd.controller.metricsPort)).toBe(true);
    expect(await healthz(state.argocd.repoServer.metricsPort)).toBe(true);
    expect(await redisPing(state.redis.port)).toBe(true);
    const url = await createRepository(state.git, "probe");
    const lsRemote = await new Promise<number>((resolve) => execFile("git", ["ls-remote", url], { env: gitClientEnv(state.git) }, (error) => resolve(error ? 1 : 0)));
    expect(lsRemote).toBe(0);
    expect(up.stderr).not.toContain(state.git.token);

    const again = await cli(["up", "--argocd"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/reusing the running Argo CD/);
    expect(state.stack.processes.every((p) => isProcessAlive(p.pid))).toBe(true);

    const down = await cli(["down"]);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toMatch(/stopped Argo CD/);
    const deadline = Date.now() + 20_000;
    let left: unknown;
    for (;;) {
      const ports = [state.redis.port, state.git.port, state.argocd.repoServer.port, state.argocd.controller.metricsPort];
      const open = (await Promise.all(ports.map(portOpen))).filter(Boolean).length;
      left = { pids: state.stack.processes.filter((p) => isProcessAlive(p.pid)).map((p) => p.name), open, dir: fs.existsSync(state.stack.dir), mentioning: processesMentioning(state.stack.dir) };
      if (JSON.stringify(left) === JSON.stringify({ pids: [], open: 0, dir: false, mentioning: [] }) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(left).toEqual({ pids: [], open: 0, dir: false, mentioning: [] });
    expect(fs.existsSync(path.join(stateDir, "argocd.json"))).toBe(false);
  });
});
