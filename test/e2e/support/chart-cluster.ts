// Cluster-side helpers for test/e2e/chart.test.ts: kubectl, kubeconfig files for ServiceAccount
// tokens (TokenRequest), and applying rendered chart objects.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { rawRequest, tokenKubeConfig, type KubeObject, type ResourceMapper, serverSideApply } from "./kube.ts";
import type { KubeDoc } from "./chart-helm.ts";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectl(kubeconfigPath: string, cacheDir: string, args: string[], stdin?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile("kubectl", ["--kubeconfig", kubeconfigPath, "--cache-dir", cacheDir, ...args], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin ?? "");
  });
}

/** The API server's version without the leading v (for `helm template --kube-version`). */
export async function serverVersion(kc: k8s.KubeConfig): Promise<string> {
  const res = await rawRequest(kc, "GET", "/version");
  if (res.status !== 200) throw new Error(`GET /version: HTTP ${res.status}`);
  return (JSON.parse(res.body) as { gitVersion: string }).gitVersion.replace(/^v/, "").replace(/[-+].*$/, "");
}

/**
 * A kubeconfig file that authenticates as an existing ServiceAccount with a TokenRequest token
 * (nothing else: no client certificate, no admin token).
 */
export async function serviceAccountKubeconfig(admin: k8s.KubeConfig, namespace: string, name: string, directory: string): Promise<{ path: string; kc: k8s.KubeConfig }> {
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const request = await core.createNamespacedServiceAccountToken({ name, namespace, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
  const token = request.status?.token;
  if (!token) throw new Error(`TokenRequest for ServiceAccount ${namespace}/${name} returned no token`);
  const kc = tokenKubeConfig(admin, `sa-${name}`, token);
  const file = path.join(directory, `${name}.kubeconfig`);
  fs.writeFileSync(file, kc.exportConfig(), { mode: 0o600 });
  return { path: file, kc };
}

/** Server-side applies rendered objects in order (admin), with the given field manager. */
export async function applyAll(kc: k8s.KubeConfig, mapper: ResourceMapper, docs: KubeDoc[], fieldManager: string): Promise<void> {
  for (const doc of docs) await serverSideApply(kc, mapper, doc as unknown as KubeObject, fieldManager);
}

/** Points every webhook of a rendered configuration at a local URL and CA instead of the in-cluster Service. */
export function pointWebhooksAt(config: KubeDoc, url: string, caPem: string): KubeDoc {
  const copy = structuredClone(config);
  for (const webhook of copy.webhooks as { clientConfig: { service?: { path: string }; url?: string; caBundle?: string } }[]) {
    const servicePath = webhook.clientConfig.service?.path;
    if (!servicePath) throw new Error(`webhook of ${config.metadata.name} has no service path`);
    webhook.clientConfig = { url: `${url}${servicePath}`, caBundle: Buffer.from(caPem).toString("base64") };
  }
  return copy;
}

/** HTTP status of a raw request with the given identity. */
export async function statusWith(kc: k8s.KubeConfig, method: string, apiPath: string, body?: unknown): Promise<number> {
  const res = await rawRequest(kc, method, apiPath, body === undefined ? undefined : JSON.stringify(body));
  return res.status;
}
