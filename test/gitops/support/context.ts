// What the gitops global setup hands to the test files (vitest provide/inject): one control plane
// with the project's webhook registered (conversion and admission), Redis, a Git server and Argo CD
// (repo server and application controller), shared by every test file of the `gitops` project.
import type { ArgoCdState } from "../../../scripts/cluster/argocd.ts";
import type { GitServerState } from "../../../scripts/cluster/git-server.ts";
import type { E2EContext } from "../../e2e/support/context.ts";

export interface GitopsContext {
  /** The same fields the e2e suite gets (kubeconfigPath, server, caPath, adminToken, webhook, ...). */
  cluster: E2EContext;
  /** Argo CD as started: version, namespace, pids, ports, log files, argocd-cmd-params-cm and argocd-cm. */
  argocd: ArgoCdState;
  /** The Git server: base URL, pid, port, root of the bare repositories, Basic-auth user and token. */
  git: GitServerState;
  redis: { port: number; pid: number };
  /** Temp dir of Redis, the Git server and Argo CD (their logs are there while the suite runs). */
  stackDir: string;
  timings: { controlPlaneMs: number; webhookMs: number; gitopsStackMs: number; totalMs: number };
}

declare module "vitest" {
  export interface ProvidedContext {
    gitops: GitopsContext;
  }
}
