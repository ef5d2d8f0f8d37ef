// Global setup of the `gitops` vitest project: one real control plane (scripts/cluster/harness.ts),
// the project's webhook as a process, registered for conversion (the order CRD) and admission
// (orders, tenant DataVolumes) as the chart registers it, and a GitopsStack (Redis, a Git server,
// Argo CD's repo server and application controller with the project's health checks). Argo CD
// runs with its defaults; tests trigger it with the refresh annotation. E2E_KUBECONFIG is not used
// here: Argo CD's processes and the Git server run on this machine against the harness.
import * as fs from "node:fs";
import * as k8s from "@kubernetes/client-node";
import type { TestProject } from "vitest/node";
import { startControlPlane } from "../../scripts/cluster/harness.ts";
import { startGitopsStack, type GitopsStack } from "../../scripts/cluster/gitops-stack.ts";
import { startWebhookProcess, wireConversion, type WebhookProcess } from "../e2e/support/webhook-process.ts";
import { wireAdmission } from "./support/admission.ts";
import "./support/context.ts";

const log = (s: string) => process.stderr.write(`[gitops] ${s}\n`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now();
  const cp = await startControlPlane({ log });
  const controlPlaneMs = Date.now() - t0;
  let webhook: WebhookProcess | undefined;
  let stack: GitopsStack | undefined;
  try {
    const tWebhook = Date.now();
    const admin = new k8s.KubeConfig();
    admin.loadFromFile(cp.kubeconfigPath);
    webhook = await startWebhookProcess(cp.kubeconfigPath);
    await wireConversion(admin, webhook.url, webhook.caPem);
    await wireAdmission(admin, webhook.url, webhook.caPem);
    const webhookMs = Date.now() - tWebhook;
    log(`webhook ${webhook.url} registered for conversion and admission (log ${webhook.logFile})`);
    const tStack = Date.now();
    stack = await startGitopsStack({
      kubeconfigPath: cp.kubeconfigPath,
      endpoint: { server: cp.server, ca: fs.readFileSync(cp.caPath), token: cp.adminToken },
      log,
    });
    const gitopsStackMs = Date.now() - tStack;
    log(`Argo CD ${stack.argocd.version} ready in ${gitopsStackMs} ms (logs in ${stack.stack.dir}); total ${Date.now() - t0} ms`);
    project.provide("gitops", {
      cluster: {
        kubeconfigPath: cp.kubeconfigPath,
        server: cp.server,
        external: false,
        caPath: cp.caPath,
        adminToken: cp.adminToken,
        restrictedUsers: cp.restrictedUsers,
        timings: cp.timings,
        kubeVersion: cp.kubeVersion,
        webhook: { url: webhook.url, port: webhook.port, caPem: webhook.caPem, certDirectory: webhook.certificate.directory, logFile: webhook.logFile },
      },
      argocd: stack.argocd,
      git: stack.git,
      redis: stack.redis,
      stackDir: stack.stack.dir,
      timings: { controlPlaneMs, webhookMs, gitopsStackMs, totalMs: Date.now() - t0 },
    });
  } catch (error) {
    await stack?.stop();
    await webhook?.stop();
    await cp.stop();
    throw error;
  }
  return async () => {
    const t = Date.now();
    await stack!.stop();
    await webhook!.stop();
    await cp.stop();
    log(`stopped in ${Date.now() - t} ms`);
  };
}
