// What bench:adopt's gitops mode needs beside the control plane (docs/adr/0034): the project's
// webhook registered for the order CRD's conversion (Argo CD lists every kind, orders included,
// through it), the harness's GitOps stack (Redis, the Git server, Argo CD's repo server and application controller), a
// repository with the example Application syncing it, and `osac-vm committer` as a process
// holding its Lease, as the gitops suite runs them.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import type { ControlPlane } from "../../scripts/cluster/harness.ts";
import { startGitopsStack, type GitopsStack } from "../../scripts/cluster/gitops-stack.ts";
import { startControllerProcess, type ControllerProcess } from "../../test/e2e/support/controller-process.ts";
import { startWebhookProcess, wireConversion, type WebhookProcess } from "../../test/e2e/support/webhook-process.ts";
import { ArgoApplications, exampleApplication } from "../../test/gitops/support/argocd-app.ts";
import { RenderedRepo } from "../../test/gitops/support/rendered-repo.ts";
import { writeGitCredentialsDir } from "../../scripts/cluster/git-server.ts";

export interface GitopsTarget {
  readonly leaseNamespace: string;
  readonly applicationName: string;
  stop(): Promise<void>;
}

/** Starts the stack, the repository and Application, and a committer for `orderNamespace`'s orders. */
export async function startGitopsTarget(plane: ControlPlane, kubeConfig: KubeConfig, orderNamespace: string, leaseNamespace: string, log: (line: string) => void): Promise<GitopsTarget> {
  const webhook: WebhookProcess = await startWebhookProcess(plane.kubeconfigPath, { LOG_LEVEL: "warn" });
  let stack: GitopsStack | undefined;
  let repo: RenderedRepo | undefined;
  let committer: ControllerProcess | undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "osac-bench-adopt-"));
  const stop = async () => {
    await committer?.stop();
    repo?.dispose();
    await stack?.stop();
    await webhook.stop();
    fs.rmSync(work, { recursive: true, force: true });
  };
  try {
    await wireConversion(kubeConfig, webhook.url, webhook.caPem);
    stack = await startGitopsStack({ kubeconfigPath: plane.kubeconfigPath, endpoint: { server: plane.server, ca: fs.readFileSync(plane.caPath), token: plane.adminToken }, log });
    repo = await RenderedRepo.create(stack.git, "bench-adopt");
    repo.writeFile("rendered/README.md", "One directory per tenant namespace.\n");
    const seed = await repo.commitAndPush("Seed the repository");
    const apps = new ArgoApplications(kubeConfig, stack.argocd.controller.logFile);
    const applicationName = "bench-adopt";
    await apps.apply(exampleApplication(applicationName, repo.url));
    await apps.waitSynced(applicationName, { revision: seed, timeoutMs: 180_000 });
    const credentials = writeGitCredentialsDir(stack.git, work);
    committer = await startControllerProcess({
      kubeconfigPath: plane.kubeconfigPath,
      leaseNamespace,
      identity: "bench-committer",
      logLevel: "warn",
      command: ["committer"],
      extraArgs: ["--repository", repo.url, "--git-credentials-dir", credentials, "--order-namespaces", orderNamespace, "--argocd-namespace", "argocd"],
    });
    log(`Argo CD ${stack.argocd.version}, Git server and committer ready`);
    return { leaseNamespace, applicationName, stop };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
