// The admission and conversion webhook against the real API server: the suite's webhook process
// (test/e2e/support/webhook-process.ts) is registered with MutatingWebhookConfiguration and
// ValidatingWebhookConfiguration pointing at it, and kubectl meets it as a user would.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { renewDevCertificate } from "../../src/platform/tls/dev-tls.ts";
import { orderDocument } from "../support/orders.ts";
import "./support/context.ts";
import { adminKubeConfig, createNamespace, deleteNamespaceNoWait, eventually, rawRequest, uniqueName } from "./support/kube.ts";

const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const objects = admin.makeApiClient(k8s.CustomObjectsApi);
const admissionApi = admin.makeApiClient(k8s.AdmissionregistrationV1Api);
const CONFIG_NAME = uniqueName("osac-vm-e2e");
const kubectlCache = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-kubectl-"));
const namespaces: string[] = [];
let ordersNs: string;
let tenantNs: string;

function webhookOrFail() {
  if (!ctx.webhook) {
    throw new Error("the e2e context has no webhook process: these tests need the harness (E2E_KUBECONFIG clusters cannot reach a local webhook)");
  }
  return ctx.webhook;
}

async function kubectl(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile("kubectl", ["--kubeconfig", ctx.kubeconfigPath, "--cache-dir", kubectlCache, ...args], (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

function order(name: string, parameters: Record<string, unknown> | string, annotations: Record<string, string> = {}) {
  return orderDocument(parameters, { name, namespace: ordersNs, tenant: "my-tenant", uuid: randomUUID(), annotations });
}

async function readOrder(name: string, version = "v1alpha1") {
  return (await objects.getNamespacedCustomObject({ group: "cloudkit.openshift.io", version, namespace: ordersNs, plural: "virtualmachines", name })) as any;
}

beforeAll(async () => {
  const webhook = webhookOrFail();
  ordersNs = uniqueName("orders");
  tenantNs = uniqueName("tenant");
  await createNamespace(admin, ordersNs);
  await createNamespace(admin, tenantNs, { "cloudkit.openshift.io/tenant-namespace": "true" });
  namespaces.push(ordersNs, tenantNs);
  const caBundle = Buffer.from(webhook.caPem).toString("base64");
  const scope = { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [ordersNs, tenantNs] }] } };
  const orderRule = { apiGroups: ["cloudkit.openshift.io"], apiVersions: ["v1alpha1"], resources: ["virtualmachines"], operations: ["CREATE", "UPDATE"] };
  await admissionApi.createMutatingWebhookConfiguration({
    body: {
      metadata: { name: CONFIG_NAME },
      webhooks: [
        {
          name: "orders.mutate.osac-vm-gitops.cloudkit.openshift.io",
          clientConfig: { url: `${webhook.url}/mutate/virtualmachines`, caBundle },
          rules: [orderRule],
          ...scope,
          sideEffects: "None",
          admissionReviewVersions: ["v1"],
          matchPolicy: "Equivalent",
          timeoutSeconds: 3,
          reinvocationPolicy: "IfNeeded",
          failurePolicy: "Fail",
        },
        {
          name: "datavolumes.mutate.osac-vm-gitops.cloudkit.openshift.io",
          clientConfig: { url: `${webhook.url}/mutate/datavolumes`, caBundle },
          rules: [{ apiGroups: ["cdi.kubevirt.io"], apiVersions: ["v1beta1"], resources: ["datavolumes"], operations: ["CREATE"] }],
          namespaceSelector: { matchLabels: { "cloudkit.openshift.io/tenant-namespace": "true" } },
          sideEffects: "None",
          admissionReviewVersions: ["v1"],
          matchPolicy: "Equivalent",
          timeoutSeconds: 3,
          failurePolicy: "Ignore",
        },
      ],
    },
  });
  await admissionApi.createValidatingWebhookConfiguration({
    body: {
      metadata: { name: CONFIG_NAME },
      webhooks: [
        {
          name: "orders.validate.osac-vm-gitops.cloudkit.openshift.io",
          clientConfig: { url: `${webhook.url}/validate/virtualmachines`, caBundle },
          rules: [orderRule],
          ...scope,
          sideEffects: "None",
          admissionReviewVersions: ["v1"],
          matchPolicy: "Equivalent",
          timeoutSeconds: 3,
          failurePolicy: "Fail",
        },
      ],
    },
  });
  // Webhook configurations take effect asynchronously: wait until an invalid order is refused.
  await eventually(async () => {
    const probe = order(uniqueName("probe"), { cpu_cores: "0" });
    try {
      await objects.createNamespacedCustomObject({ group: "cloudkit.openshift.io", version: "v1alpha1", namespace: ordersNs, plural: "virtualmachines", body: probe, dryRun: "All" });
    } catch {
      return;
    }
    throw new Error("the validating webhook is not active yet");
  }, 30_000, 250);
});

afterAll(async () => {
  await admissionApi.deleteMutatingWebhookConfiguration({ name: CONFIG_NAME }).catch(() => {});
  await admissionApi.deleteValidatingWebhookConfiguration({ name: CONFIG_NAME }).catch(() => {});
  for (const ns of namespaces) await deleteNamespaceNoWait(admin, ns);
  fs.rmSync(kubectlCache, { recursive: true, force: true });
});

describe("kubectl apply meets the webhook", () => {
  it("GIVEN a valid order without managed-by or storage_class THEN it is stored with both set and every other parameter byte kept", async () => {
    const sent = order("vm-valid", '{"cpu_cores":"4", "memory":"4Gi"}');
    const run = await kubectl(["apply", "-f", "-"], yaml.dump(sent));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const stored = await readOrder("vm-valid");
    expect(stored.metadata.annotations["cloudkit.openshift.io/managed-by"]).toBe("aap");
    expect(stored.spec.templateParameters).toBe('{"cpu_cores":"4", "memory":"4Gi", "storage_class":"standard"}');
  });

  it("GIVEN an invalid order THEN kubectl fails and prints the field, the value and what is accepted", async () => {
    const run = await kubectl(["apply", "-f", "-"], yaml.dump(order("vm-invalid", { cpu_cores: "0", exposed_ports: "22/tcp,70000/tcp" })));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('admission webhook "orders.validate.osac-vm-gitops.cloudkit.openshift.io" denied the request');
    expect(run.stderr).toMatch(/spec\.templateParameters\.cpu_cores: .*1 to 128.*\(got "0"\)/);
    expect(run.stderr).toMatch(/spec\.templateParameters\.exposed_ports: .*70000/);
    await expect(readOrder("vm-invalid")).rejects.toThrow();
  });

  it("GIVEN an update that shrinks the disk THEN it is refused", async () => {
    await kubectl(["apply", "-f", "-"], yaml.dump(order("vm-disk", { disk_size: "20Gi", storage_class: "standard" })));
    const run = await kubectl(["apply", "-f", "-"], yaml.dump(order("vm-disk", { disk_size: "10Gi", storage_class: "standard" })));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("disk_size");
  });

  it("GIVEN an order written as v1alpha1 THEN v1beta1 shows typed fields and v1alpha1 reads back the exact string", async () => {
    const text = '{"memory":"8Gi","cpu_cores":"2","storage_class":"standard","exposed_ports":"22/tcp, 443/tcp"}';
    const run = await kubectl(["apply", "-f", "-"], yaml.dump(order("vm-convert", text)));
    expect(run.stderr).toBe("");
    const beta = await kubectl(["get", "virtualmachines.v1beta1.cloudkit.openshift.io", "vm-convert", "-n", ordersNs, "-o", "json"]);
    expect(beta.stderr).toBe("");
    const typed = JSON.parse(beta.stdout);
    expect(typed.apiVersion).toBe("cloudkit.openshift.io/v1beta1");
    expect(JSON.stringify(typed.spec)).toContain("8Gi");
    expect(JSON.stringify(typed.spec)).toMatch(/"port":443/);
    expect(typed.spec).not.toHaveProperty("templateParameters", text);
    const alpha = await readOrder("vm-convert", "v1alpha1");
    expect(alpha.spec.templateParameters).toBe(text);
  });

  it("GIVEN orders written as v1beta1 THEN the webhook checks and mutates them as it does v1alpha1 ones", async () => {
    const beta = (name: string, virtualMachine: Record<string, unknown>) => {
      const { spec: _spec, ...rest } = order(name, {});
      return { ...rest, apiVersion: "cloudkit.openshift.io/v1beta1", spec: { templateID: "cloudkit.templates.ocp_virt_vm", virtualMachine } };
    };
    const invalid = await kubectl(["apply", "-f", "-"], yaml.dump(beta("vm-beta-invalid", { cpuCores: 2, memory: "lots" })));
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('admission webhook "orders.validate.osac-vm-gitops.cloudkit.openshift.io" denied the request');
    expect(invalid.stderr).toMatch(/memory: .*\(got "lots"\)/);
    const valid = await kubectl(["apply", "-f", "-"], yaml.dump(beta("vm-beta-valid", { cpuCores: 4, memory: "4Gi" })));
    expect(valid.stderr).toBe("");
    const stored = await readOrder("vm-beta-valid");
    expect(stored.metadata.annotations["cloudkit.openshift.io/managed-by"]).toBe("aap");
    expect(JSON.parse(stored.spec.templateParameters)).toMatchObject({ cpu_cores: "4", memory: "4Gi", storage_class: "standard" });
  });

  it("GIVEN a DataVolume without a class in a tenant namespace THEN it gets the cluster's default class", async () => {
    const dataVolume = {
      apiVersion: "cdi.kubevirt.io/v1beta1",
      kind: "DataVolume",
      metadata: { name: "dv-no-class", namespace: tenantNs },
      spec: { source: { registry: { url: "docker://quay.io/containerdisks/fedora:latest" } }, pvc: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } } },
    };
    const run = await kubectl(["apply", "-f", "-"], yaml.dump(dataVolume));
    expect(run.stderr).toBe("");
    const stored = (await objects.getNamespacedCustomObject({ group: "cdi.kubevirt.io", version: "v1beta1", namespace: tenantNs, plural: "datavolumes", name: "dv-no-class" })) as any;
    expect(stored.spec.pvc.storageClassName).toBe("standard");
  });
});

describe("serving certificate rotation", () => {
  it("GIVEN requests in flight WHEN the certificate files are replaced THEN no request fails and the new certificate is served", async () => {
    const webhook = webhookOrFail();
    const certificate = {
      directory: webhook.certDirectory,
      certFile: path.join(webhook.certDirectory, "tls.crt"),
      keyFile: path.join(webhook.certDirectory, "tls.key"),
      caFile: path.join(webhook.certDirectory, "ca.crt"),
      caPem: webhook.caPem,
    };
    const before = fs.readFileSync(certificate.certFile, "utf8");
    let failures = 0;
    let requests = 0;
    let rotating = true;
    const load = (async () => {
      while (rotating) {
        const probe = order(uniqueName("rot"), { cpu_cores: "2", storage_class: "standard" });
        try {
          await objects.createNamespacedCustomObject({ group: "cloudkit.openshift.io", version: "v1alpha1", namespace: ordersNs, plural: "virtualmachines", body: probe, dryRun: "All" });
        } catch (error) {
          failures++;
          process.stderr.write(`rotation request failed: ${(error as Error).message}\n`);
        }
        requests++;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    renewDevCertificate(certificate);
    await eventually(async () => {
      const metrics = await fetchMetrics(webhook.url, webhook.caPem);
      if (!/osac_vm_webhook_certificate_reloads_total\{result="success"\} [1-9]/.test(metrics)) throw new Error("not reloaded yet");
    }, 15_000, 200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    rotating = false;
    await load;
    expect(fs.readFileSync(certificate.certFile, "utf8")).not.toBe(before);
    expect(requests).toBeGreaterThan(5);
    expect(failures).toBe(0);
  });
});

async function fetchMetrics(url: string, caPem: string): Promise<string> {
  const https = await import("node:https");
  return new Promise((resolve, reject) => {
    https.get(`${url}/metrics`, { ca: caPem }, (response) => {
      let text = "";
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => resolve(text));
    }).on("error", reject);
  });
}

describe("the API server's own view", () => {
  it("GIVEN the webhook configurations THEN the API server accepted them as registered", async () => {
    const res = await rawRequest(admin, "GET", `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${CONFIG_NAME}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).webhooks[0].reinvocationPolicy).toBe("IfNeeded");
  });
});
