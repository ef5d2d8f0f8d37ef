// Everything a GitOps test needs beside the control plane, in one ProcessStack: Redis, the Git
// server (with a repo-creds Secret so Argo CD reads it with credentials) and Argo CD's repo server
// and application controller. Used by `npm run cluster:up -- --argocd`, the gitops test suite
// and `npm run bench:gitops`.
import { applyRepositoryCredentials, startArgoCd, type ArgoCdOptions, type ArgoCdState } from "./argocd.ts";
import { startGitServer, type GitServerState } from "./git-server.ts";
import type { KubeEndpoint } from "./kube-http.ts";
import { ProcessStack, stopStackFromState, type ProcessStackState } from "./process-stack.ts";
import { startRedis } from "./redis.ts";

export interface GitopsStackOptions {
  kubeconfigPath: string;
  endpoint: KubeEndpoint;
  /** Keep the processes after this Node process exits (cluster:up); stop with stopGitopsStackFromState. */
  detached?: boolean;
  tmpBase?: string;
  argocd?: Pick<ArgoCdOptions, "version" | "cmdParams" | "config" | "readyTimeoutMs">;
  log?: (line: string) => void;
}

export interface GitopsStackState {
  stack: ProcessStackState;
  redis: { port: number; pid: number };
  git: GitServerState;
  argocd: ArgoCdState;
  timings: { totalMs: number };
}

export interface GitopsStack extends GitopsStackState {
  /** Stops Argo CD, the Git server and Redis, and removes their temp dir. Idempotent. */
  stop(): Promise<void>;
}

export const REPO_CREDENTIALS_SECRET = "osac-vm-harness-git";

export async function startGitopsStack(options: GitopsStackOptions): Promise<GitopsStack> {
  const t0 = Date.now();
  const log = options.log ?? (() => {});
  const stack = await ProcessStack.create({ label: "argocd", detached: options.detached ?? false, ...(options.tmpBase ? { tmpBase: options.tmpBase } : {}) });
  try {
    const [redis, git] = await Promise.all([startRedis(stack), startGitServer(stack)]);
    log(`redis on ${redis.address}, git server on ${git.baseUrl} (stack dir ${stack.dir})`);
    const argocd = await startArgoCd(stack, { ...options.argocd, kubeconfigPath: options.kubeconfigPath, endpoint: options.endpoint, redisAddress: redis.address, log });
    await applyRepositoryCredentials(options.endpoint, REPO_CREDENTIALS_SECRET, `${git.baseUrl}/`, git.username, git.token);
    const { process: _gitProcess, ...gitState } = git;
    const state: GitopsStackState = {
      stack: stack.state(),
      redis: { port: redis.port, pid: redis.process.pid },
      git: gitState,
      argocd,
      timings: { totalMs: Date.now() - t0 },
    };
    return { ...state, stop: () => stack.stop() };
  } catch (error) {
    await stack.stop().catch(() => {});
    throw error;
  }
}

export async function stopGitopsStackFromState(state: Pick<GitopsStackState, "stack">): Promise<void> {
  await stopStackFromState(state.stack);
}
