// Global setup of the e2e vitest project: starts one real control plane (etcd + kube-apiserver,
// scripts/cluster/harness.ts) for the whole run, or uses E2E_KUBECONFIG=<path> instead, and
// hands the tests an E2EContext through provide/inject.
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import yaml from "js-yaml";
import type { TestProject } from "vitest/node";
import { REPO_ROOT, collectCrds, startControlPlane } from "../../scripts/cluster/harness.ts";
import type { E2EContext } from "./support/context.ts";
import { startWebhookProcess, wireConversion } from "./support/webhook-process.ts";
import "./support/context.ts";

const log = (s: string) => process.stderr.write(`[e2e] ${s}\n`);

/**
 * Existing cluster: create the repo's CRDs that it lacks (never touch ones it has, so a real
 * KubeVirt/CDI install keeps its own CRDs), and wait until they are Established.
 */
async function prepareExternal(kubeconfigPath: string): Promise<E2EContext> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`E2E_KUBECONFIG=${kubeconfigPath}: no current cluster in that kubeconfig`);
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  for (const { crd } of await collectCrds([path.join(REPO_ROOT, "crds")])) {
    const name = crd.metadata!.name!;
    try {
      await ext.readCustomResourceDefinition({ name });
      continue;
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
    log(`E2E_KUBECONFIG: creating missing CRD ${name}`);
    await ext.createCustomResourceDefinition({ body: crd as unknown as k8s.V1CustomResourceDefinition });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const got = await ext.readCustomResourceDefinition({ name });
      if (got.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established after 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { kubeconfigPath, server: cluster.server, external: true, restrictedUsers: [] };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.E2E_KUBECONFIG;
  if (external) {
    const p = path.resolve(external);
    if (!fs.existsSync(p)) throw new Error(`E2E_KUBECONFIG=${external}: no such file`);
    yaml.load(fs.readFileSync(p, "utf8")); // fail early on a broken file
    log(`using the existing cluster of E2E_KUBECONFIG=${p}`);
    project.provide("e2e", await prepareExternal(p));
    return async () => {};
  }

  const t0 = Date.now();
  const cp = await startControlPlane({ log });
  log(
    `control plane ${cp.server} (kube-apiserver ${cp.kubeVersion}) ready: ` +
      `binaries ${cp.timings.binariesMs} ms, processes ready ${cp.timings.processesReadyMs} ms, ` +
      `CRDs ${cp.timings.crdsMs} ms, total ${Date.now() - t0} ms; kubeconfig ${cp.kubeconfigPath}`,
  );
  // The order CRD converts v1alpha1 <-> v1beta1 through the project's webhook, as in a real
  // install: run it for the whole suite and point the CRD at it.
  const adminConfig = new k8s.KubeConfig();
  adminConfig.loadFromFile(cp.kubeconfigPath);
  let webhook;
  try {
    webhook = await startWebhookProcess(cp.kubeconfigPath);
    const wired = await wireConversion(adminConfig, webhook.url, webhook.caPem);
    log(`webhook ${webhook.url} started (log ${webhook.logFile})${wired ? "; order CRD conversion points at it" : ""}`);
  } catch (error) {
    await webhook?.stop();
    await cp.stop();
    throw error;
  }
  project.provide("e2e", {
    webhook: { url: webhook.url, port: webhook.port, caPem: webhook.caPem, certDirectory: webhook.certificate.directory, logFile: webhook.logFile },
    kubeconfigPath: cp.kubeconfigPath,
    server: cp.server,
    external: false,
    caPath: cp.caPath,
    adminToken: cp.adminToken,
    restrictedUsers: cp.restrictedUsers,
    timings: cp.timings,
    kubeVersion: cp.kubeVersion,
  });
  return async () => {
    const t = Date.now();
    await webhook.stop();
    await cp.stop();
    log(`control plane stopped in ${Date.now() - t} ms`);
  };
}
