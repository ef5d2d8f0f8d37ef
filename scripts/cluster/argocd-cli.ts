// `npm run cluster:up -- --argocd` and the Argo CD part of `cluster:down` (called by cli.ts under
// its lock): a detached GitopsStack beside the detached control plane, recorded in
// .cluster/argocd.json (mode 0600: it holds the Git server's token).
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { isProcessAlive, type ControlPlaneState } from "./harness.ts";
import { startGitopsStack, stopGitopsStackFromState, type GitopsStackState } from "./gitops-stack.ts";

const err = (s: string) => process.stderr.write(`${s}\n`);

function statePath(clusterDir: string): string {
  return path.join(clusterDir, "argocd.json");
}

function readState(clusterDir: string): GitopsStackState | undefined {
  try {
    return JSON.parse(fs.readFileSync(statePath(clusterDir), "utf8")) as GitopsStackState;
  } catch {
    return undefined;
  }
}

async function healthz(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) })).status === 200;
  } catch {
    return false;
  }
}

async function healthy(state: GitopsStackState): Promise<boolean> {
  if (!state.stack.processes.every((p) => isProcessAlive(p.pid))) return false;
  return (await healthz(state.argocd.controller.metricsPort)) && (await healthz(state.argocd.repoServer.metricsPort));
}

/** Starts Argo CD, Redis and the Git server for the running control plane, or reuses healthy ones. */
export async function argocdUp(controlPlane: ControlPlaneState, clusterDir: string): Promise<void> {
  const old = readState(clusterDir);
  if (old) {
    if (await healthy(old)) {
      err(`cluster:up: reusing the running Argo CD (controller pid ${old.argocd.controller.pid}, repo server pid ${old.argocd.repoServer.pid}); git server ${old.git.baseUrl}`);
      return;
    }
    err("cluster:up: the recorded Argo CD is not healthy; stopping its leftovers and starting a new one");
    await stopGitopsStackFromState(old);
    await fsp.rm(statePath(clusterDir), { force: true });
  }
  const stack = await startGitopsStack({
    kubeconfigPath: controlPlane.kubeconfigPath,
    endpoint: { server: controlPlane.server, ca: fs.readFileSync(controlPlane.caPath), token: controlPlane.adminToken },
    detached: true,
    log: (line) => err(`cluster:up: ${line}`),
  });
  const { stop: _stop, ...state } = stack;
  await fsp.writeFile(statePath(clusterDir), JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
  err(
    `cluster:up: Argo CD ${state.argocd.version} running in namespace ${state.argocd.namespace} (controller pid ${state.argocd.controller.pid}, ` +
      `repo server pid ${state.argocd.repoServer.pid}, redis pid ${state.redis.pid}) in ${state.timings.totalMs} ms`,
  );
  err(`cluster:up: git server ${state.git.baseUrl}/<name>.git (bare repositories in ${state.git.root}; user and token in ${statePath(clusterDir)})`);
}

/** Stops the recorded Argo CD stack, if any. */
export async function argocdDown(clusterDir: string): Promise<void> {
  const state = readState(clusterDir);
  if (!state) return;
  await stopGitopsStackFromState(state);
  await fsp.rm(statePath(clusterDir), { force: true });
  err(`cluster:down: stopped Argo CD, its Redis and the git server and removed ${state.stack.dir}`);
}
