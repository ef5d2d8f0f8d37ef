import * as https from "node:https";
import { pino } from "pino";
import { parseWebhookConfig } from "../../src/webhook/config.ts";
import { startWebhook, type RunningWebhook } from "../../src/webhook/server.ts";

/** The real webhook server in-process: dev TLS, standalone (no cluster), a fixed storage class. */
export async function startTestWebhook(env: Record<string, string> = { CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS: "standard" }): Promise<{ webhook: RunningWebhook; agent: https.Agent }> {
  const parsed = parseWebhookConfig({ port: "0", "bind-address": "127.0.0.1", "dev-tls": true }, env);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  const webhook = await startWebhook({ ...parsed.data, shutdownGraceMs: 2_000 }, { ...env, HOME: "/nonexistent" }, pino({ level: "silent" }));
  const agent = new https.Agent({ keepAlive: true, maxSockets: 16, ca: webhook.devCaPem });
  return { webhook, agent };
}

export function request(
  webhook: RunningWebhook,
  agent: https.Agent,
  method: string,
  path: string,
  body?: string | Buffer,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string; json: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: "127.0.0.1", port: webhook.port, path, method, agent, headers: body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A realistic AdmissionReview for a v1alpha1 order CREATE (as kube-apiserver sends it). */
export function orderCreateReview(parameters: Record<string, unknown> = { cpu_cores: "4", memory: "4Gi" }, annotations: Record<string, string> = {}) {
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: "b6c2d9a6-0f6d-4f1e-9a7e-3c1d2e4f5a6b",
      kind: { group: "cloudkit.openshift.io", version: "v1alpha1", kind: "VirtualMachine" },
      resource: { group: "cloudkit.openshift.io", version: "v1alpha1", resource: "virtualmachines" },
      requestKind: { group: "cloudkit.openshift.io", version: "v1alpha1", kind: "VirtualMachine" },
      requestResource: { group: "cloudkit.openshift.io", version: "v1alpha1", resource: "virtualmachines" },
      name: "vm-x7k2q",
      namespace: "cloudkit-vm-orders",
      operation: "CREATE",
      userInfo: { username: "system:serviceaccount:osac:fulfillment-controller", groups: ["system:authenticated"] },
      object: {
        apiVersion: "cloudkit.openshift.io/v1alpha1",
        kind: "VirtualMachine",
        metadata: {
          name: "vm-x7k2q",
          namespace: "cloudkit-vm-orders",
          labels: { "cloudkit.openshift.io/virtualmachine-uuid": "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11" },
          annotations: { "cloudkit.openshift.io/tenant": "my-tenant", ...annotations },
        },
        spec: { templateID: "cloudkit.templates.ocp_virt_vm", templateParameters: JSON.stringify(parameters) },
      },
      oldObject: null,
      dryRun: false,
      options: { kind: "CreateOptions", apiVersion: "meta.k8s.io/v1" },
    },
  };
}
