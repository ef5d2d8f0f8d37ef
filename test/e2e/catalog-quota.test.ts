// Catalog templates and quota at admission against the real API server: the Template CRD
// installed from ../shared (the synthesized upstream schema, never a copy in the project), a
// Template created in a template namespace, the project's webhook process watching it, and orders
// and KubeVirt VMs meeting the validating webhook at `kubectl apply` (ADR 28, ADR 29).
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { catalogTemplateId } from "../../src/domain/catalog-order/index.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { catalogOrderDocument, CATALOG_FIXTURES } from "../support/catalog.ts";
import { runCli } from "../support/cli.ts";
import { rsaKeyPair, selfSignedCertificate } from "../support/sealing.ts";
import { orderDocument } from "../support/orders.ts";
import { requireShared } from "../conformance/support/shared.ts";
import "./support/context.ts";
import { adminKubeConfig, createNamespace, deleteNamespaceNoWait, eventually, rawRequest, ResourceMapper, serverSideApply, uniqueName, type KubeObject } from "./support/kube.ts";
import { startWebhookProcess, type WebhookProcess } from "./support/webhook-process.ts";

const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const objects = admin.makeApiClient(k8s.CustomObjectsApi);
const admissionApi = admin.makeApiClient(k8s.AdmissionregistrationV1Api);
const core = admin.makeApiClient(k8s.CoreV1Api);
const CONFIG_NAME = uniqueName("osac-vm-e2e-catalog");
const kubectlCache = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-kubectl-"));
const namespaces: string[] = [];
const templateNs = uniqueName("templates");
const ordersNs = uniqueName("orders");
const CATALOG_TENANT = "catalog-tenant";
const QUOTA_TENANT = "quota-tenant";
const quotaNs = tenantNamespace(ordersNs, QUOTA_TENANT);
let webhook: WebhookProcess;

async function kubectl(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile("kubectl", ["--kubeconfig", ctx.kubeconfigPath, "--cache-dir", kubectlCache, ...args], (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

function catalogOrder(name: string, parameters: Record<string, unknown>, templateId = catalogTemplateId(templateNs, "tiny-server")) {
  return catalogOrderDocument(parameters, { name, namespace: ordersNs, tenant: CATALOG_TENANT, uuid: randomUUID() }, templateId);
}

function builtinOrder(name: string, parameters: Record<string, unknown>) {
  return orderDocument(parameters, { name, namespace: ordersNs, tenant: QUOTA_TENANT, uuid: randomUUID() });
}

function kubeVirtVm(name: string, cores: number, memory: string) {
  return {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: { name, namespace: quotaNs },
    spec: { runStrategy: "Halted", template: { spec: { domain: { cpu: { cores }, memory: { guest: memory }, devices: {} } } } },
  };
}

async function readOrder(name: string) {
  return (await objects.getNamespacedCustomObject({ group: "cloudkit.openshift.io", version: "v1alpha1", namespace: ordersNs, plural: "virtualmachines", name })) as any;
}

function apiGet(pathname: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    https
      .get(`${webhook.url}${pathname}`, { ca: webhook.caPem }, (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) }));
      })
      .on("error", reject);
  });
}

/**
 * The synthesized upstream Template CRD from ../shared, installed as it is but for one thing the
 * API server refuses in any CRD: a root `metadata` schema with more than `type: object` (the file
 * carries its description).
 */
async function installTemplateCrd(): Promise<void> {
  const crd = yaml.load(fs.readFileSync(requireShared("reference/crds/template.openshift.io_templates.yaml"), "utf8")) as KubeObject & { spec: { versions: { schema: { openAPIV3Schema: { properties: Record<string, unknown> } } }[] } };
  for (const version of crd.spec.versions) version.schema.openAPIV3Schema.properties.metadata = { type: "object" };
  await serverSideApply(admin, new ResourceMapper(admin), crd, "osac-vm-e2e");
  await eventually(async () => {
    const read = await rawRequest(admin, "GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/templates.template.openshift.io");
    const conditions = (JSON.parse(read.body).status?.conditions ?? []) as { type: string; status: string }[];
    if (!conditions.some((condition) => condition.type === "Established" && condition.status === "True")) throw new Error("Template CRD not Established yet");
  }, 60_000, 200);
}

async function createTemplate(document: object): Promise<void> {
  const created = await rawRequest(admin, "POST", `/apis/template.openshift.io/v1/namespaces/${templateNs}/templates`, JSON.stringify(document));
  if (created.status !== 201) throw new Error(`creating a Template: HTTP ${created.status}: ${created.body.slice(0, 500)}`);
}

beforeAll(async () => {
  await installTemplateCrd();
  for (const namespace of [templateNs, ordersNs]) await createNamespace(admin, namespace);
  await createNamespace(admin, tenantNamespace(ordersNs, CATALOG_TENANT), { "cloudkit.openshift.io/tenant-namespace": "true" });
  await createNamespace(admin, quotaNs, { "cloudkit.openshift.io/tenant-namespace": "true" });
  namespaces.push(templateNs, ordersNs, tenantNamespace(ordersNs, CATALOG_TENANT), quotaNs);
  const fixtures = yaml.loadAll(fs.readFileSync(path.join(CATALOG_FIXTURES, "catalog.yaml"), "utf8")) as object[];
  for (const template of fixtures) await createTemplate(template);
  await createTemplate(yaml.load(fs.readFileSync(requireShared("reference/common-templates/fedora-server-small.yaml"), "utf8")) as object);

  webhook = await startWebhookProcess(ctx.kubeconfigPath, { OSAC_VM_TEMPLATE_NAMESPACE: templateNs });
  const caBundle = Buffer.from(webhook.caPem).toString("base64");
  const orderRule = { apiGroups: ["cloudkit.openshift.io"], apiVersions: ["v1alpha1", "v1beta1"], resources: ["virtualmachines"], operations: ["CREATE", "UPDATE"] };
  const onlyOrders = { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [ordersNs] }] } };
  const common = { sideEffects: "None", admissionReviewVersions: ["v1"], matchPolicy: "Equivalent", timeoutSeconds: 3 };
  await admissionApi.createMutatingWebhookConfiguration({
    body: {
      metadata: { name: CONFIG_NAME },
      webhooks: [{ name: "orders.mutate.osac-vm-gitops.cloudkit.openshift.io", clientConfig: { url: `${webhook.url}/mutate/virtualmachines`, caBundle }, rules: [orderRule], ...onlyOrders, ...common, reinvocationPolicy: "IfNeeded", failurePolicy: "Fail" }],
    },
  });
  await admissionApi.createValidatingWebhookConfiguration({
    body: {
      metadata: { name: CONFIG_NAME },
      webhooks: [
        { name: "orders.validate.osac-vm-gitops.cloudkit.openshift.io", clientConfig: { url: `${webhook.url}/validate/virtualmachines`, caBundle }, rules: [orderRule], ...onlyOrders, ...common, failurePolicy: "Fail" },
        {
          // As the chart registers it: tenant namespaces only, Ignore on an outage, and CEL match
          // conditions that skip deletions and updates that leave the spec alone.
          name: "kubevirt-vms.validate.osac-vm-gitops.cloudkit.openshift.io",
          clientConfig: { url: `${webhook.url}/validate/kubevirt-virtualmachines`, caBundle },
          rules: [{ apiGroups: ["kubevirt.io"], apiVersions: ["v1"], resources: ["virtualmachines"], operations: ["CREATE", "UPDATE"] }],
          namespaceSelector: { matchLabels: { "cloudkit.openshift.io/tenant-namespace": "true" }, matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [quotaNs] }] },
          matchConditions: [
            { name: "not-deleting", expression: "!has(object.metadata.deletionTimestamp)" },
            { name: "spec-changed", expression: "request.operation == 'CREATE' || object.spec != oldObject.spec" },
          ],
          ...common,
          failurePolicy: "Ignore",
        },
      ],
    },
  });
  await eventually(async () => {
    try {
      await objects.createNamespacedCustomObject({ group: "cloudkit.openshift.io", version: "v1alpha1", namespace: ordersNs, plural: "virtualmachines", body: catalogOrder(uniqueName("probe"), { nope: "x" }), dryRun: "All" });
    } catch {
      return;
    }
    throw new Error("the validating webhook is not active yet");
  }, 30_000, 250);
}, 300_000);

afterAll(async () => {
  await admissionApi.deleteMutatingWebhookConfiguration({ name: CONFIG_NAME }).catch(() => {});
  await admissionApi.deleteValidatingWebhookConfiguration({ name: CONFIG_NAME }).catch(() => {});
  await webhook?.stop();
  for (const namespace of namespaces) await deleteNamespaceNoWait(admin, namespace);
  fs.rmSync(kubectlCache, { recursive: true, force: true });
});

describe("the catalog from the cluster's Templates", () => {
  it("GIVEN Templates in the template namespace THEN the template API lists the catalog ones beside the built-in, with their parameters, and as SSVirt CatalogItems", async () => {
    const list = await apiGet("/api/v1/templates");
    const ids = list.json.items.map((item: { id: string }) => item.id);
    expect(ids).toEqual(["cloudkit.templates.ocp_virt_vm", "osac.templates.ocp_virt_vm", "osac.massopencloud.ocp_virt_vm", catalogTemplateId(templateNs, "fedora-server-small"), catalogTemplateId(templateNs, "tiny-server")]);
    const fedora = (await apiGet(`/api/v1/templates/${catalogTemplateId(templateNs, "fedora-server-small")}`)).json;
    expect(fedora.parameters.find((parameter: { name: string }) => parameter.name === "CLOUD_USER_PASSWORD")).toMatchObject({ secret: true, generator: { type: "expression", from: "[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}" } });
    const items = (await apiGet("/api/v1/catalog-items")).json.items;
    expect(items.map((item: { name: string; id: string }) => item.name)).toEqual(["fedora-server-small", "tiny-server"]);
    expect(items[0].id).toMatch(/^urn:vcloud:catalogitem:[0-9a-f-]{36}:fedora-server-small$/);
    expect(items[0].creationDate).not.toBe("0001-01-01T00:00:00Z");
  });
});

describe("kubectl apply of an order naming a catalog template", () => {
  it("GIVEN an unknown parameter THEN denied, naming it", async () => {
    const run = await kubectl(["apply", "-f", "-"], yaml.dump(catalogOrder("vm-unknown", { DATA_SOURCE_NAME: "fedora", cpu_cores: "4" })));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('admission webhook "orders.validate.osac-vm-gitops.cloudkit.openshift.io" denied the request');
    expect(run.stderr).toContain("spec.templateParameters.cpu_cores: the template has no parameter 'cpu_cores'");
  });

  it("GIVEN a missing required parameter THEN denied, naming it", async () => {
    const run = await kubectl(["apply", "-f", "-"], yaml.dump(catalogOrder("vm-missing", {})));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("spec.templateParameters.DATA_SOURCE_NAME: parameter DATA_SOURCE_NAME is required and must be specified");
  });

  it("GIVEN good parameters THEN accepted and stored as sent; the common template with its defaults too", async () => {
    const run = await kubectl(["apply", "-f", "-"], yaml.dump(catalogOrder("vm-good", { DATA_SOURCE_NAME: "fedora", CPU_CORES: "2" })));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    // Only the GitOps renderer instantiates catalog templates: the mutating webhook hands the order to it.
    expect((await readOrder("vm-good")).metadata.annotations["cloudkit.openshift.io/managed-by"]).toBe("gitops");
    expect((await readOrder("vm-good")).spec).toEqual({ templateID: catalogTemplateId(templateNs, "tiny-server"), templateParameters: '{"DATA_SOURCE_NAME":"fedora","CPU_CORES":"2"}' });
    const fedora = await kubectl(["apply", "-f", "-"], yaml.dump(catalogOrder("vm-fedora", {}, catalogTemplateId(templateNs, "fedora-server-small"))));
    expect([fedora.code, fedora.stderr]).toEqual([0, ""]);
  });

  it("GIVEN the admitted orders and the cluster's Templates, read back with kubectl THEN osac-vm render --templates makes their VMs, labelled, the common template's password only sealed", async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-catalog-render-"));
    try {
      fs.mkdirSync(path.join(work, "in"));
      const orders = await kubectl(["get", "virtualmachines.v1alpha1.cloudkit.openshift.io", "-n", ordersNs, "vm-good", "vm-fedora", "-o", "yaml"]);
      expect([orders.code, orders.stderr]).toEqual([0, ""]);
      fs.writeFileSync(path.join(work, "in", "orders.yaml"), orders.stdout);
      const templates = await kubectl(["get", "templates.template.openshift.io", "-n", templateNs, "-o", "yaml"]);
      expect([templates.code, templates.stderr]).toEqual([0, ""]);
      fs.writeFileSync(path.join(work, "templates.yaml"), templates.stdout);
      fs.writeFileSync(path.join(work, "template.key"), randomBytes(48), { mode: 0o600 });
      fs.writeFileSync(path.join(work, "cert.pem"), selfSignedCertificate(rsaKeyPair().publicKey));
      fs.writeFileSync(path.join(work, "seal.key"), randomBytes(48), { mode: 0o600 });
      const files = { templates: path.join(work, "templates.yaml"), key: path.join(work, "template.key"), cert: path.join(work, "cert.pem"), sealKey: path.join(work, "seal.key") };
      const run = await runCli(["render", "--in", path.join(work, "in"), "--out", path.join(work, "out"), "--templates", files.templates, "--template-namespace", templateNs]
        .concat(["--template-key-file", files.key, "--seal-with", files.cert, "--seal-key-file", files.sealKey]));
      expect(run.stderr).toContain("Rendered 2 order(s)");
      expect(run.code).toBe(0);
      const tenantDir = path.join(work, "out", tenantNamespace(ordersNs, CATALOG_TENANT));
      const tiny = yaml.loadAll(fs.readFileSync(path.join(tenantDir, "vm-good.yaml"), "utf8")) as KubeObject[];
      const tinyVm = tiny.find((object) => object.kind === "VirtualMachine") as any;
      expect(tinyVm.spec.template.spec.domain.cpu.cores).toBe(2);
      expect(tinyVm.metadata.labels).toMatchObject({ "cloudkit.openshift.io/virtualmachine": "vm-good", "template.openshift.io/template-instance-owner": expect.any(String) });
      const fedora = fs.readFileSync(path.join(tenantDir, "vm-fedora.yaml"), "utf8");
      expect((yaml.loadAll(fedora) as KubeObject[]).map((object) => object.kind)).toEqual(["SealedSecret", "VirtualMachine"]);
      expect(fedora).not.toMatch(/password:/);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it("GIVEN a Template that is not in the catalog (no containerdisks annotation) THEN denied as unknown", async () => {
    const run = await kubectl(["apply", "-f", "-"], yaml.dump(catalogOrder("vm-not-catalog", {}, catalogTemplateId(templateNs, "not-for-vms"))));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`spec.templateID: unknown template;`);
  });
});

describe("quota at admission", () => {
  beforeAll(async () => {
    await core.createNamespacedResourceQuota({
      namespace: quotaNs,
      body: { metadata: { name: "tenant-quota" }, spec: { hard: { "requests.cpu": "8", "limits.cpu": "8", "requests.memory": "16Gi", "limits.memory": "16Gi", "requests.storage": "100Gi" } } },
    });
    const run = await kubectl(["apply", "-f", "-"], yaml.dump(kubeVirtVm("vm-running", 6, "8Gi")));
    expect([run.code, run.stderr]).toEqual([0, ""]);
    // The webhook's watches see the quota and the VM within moments; wait until an order of 4 is refused.
    await eventually(async () => {
      try {
        await objects.createNamespacedCustomObject({ group: "cloudkit.openshift.io", version: "v1alpha1", namespace: ordersNs, plural: "virtualmachines", body: builtinOrder(uniqueName("probe"), { cpu_cores: "4" }), dryRun: "All" });
      } catch {
        return;
      }
      throw new Error("the webhook has not seen the quota and the VM yet");
    }, 30_000, 250);
  });

  it("GIVEN 6 of 8 CPUs held by a VM THEN an order for 4 vCPUs is denied at kubectl apply, with the quota, what is used and what was asked", async () => {
    const run = await kubectl(["apply", "-f", "-"], yaml.dump(builtinOrder("vm-big", { cpu_cores: "4", memory: "4Gi" })));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("Error from server (Forbidden)");
    expect(run.stderr).toContain(
      'VirtualMachine "vm-big" is forbidden: exceeded quota: tenant-quota, requested: limits.cpu=4,requests.cpu=4, used: limits.cpu=6,requests.cpu=6, limited: limits.cpu=8,requests.cpu=8',
    );
    expect(run.stderr).toContain(`namespace ${quotaNs}`);
    await expect(readOrder("vm-big")).rejects.toThrow();
  });

  it("GIVEN an order that fits THEN accepted; a second one is then refused because the first is counted before its VM exists", async () => {
    const first = await kubectl(["apply", "-f", "-"], yaml.dump(builtinOrder("vm-fits", { cpu_cores: "2", memory: "4Gi", disk_size: "10Gi" })));
    expect([first.code, first.stderr]).toEqual([0, ""]);
    await eventually(async () => {
      const second = await kubectl(["apply", "-f", "-", "--dry-run=server"], yaml.dump(builtinOrder("vm-second", { cpu_cores: "1", memory: "1Gi" })));
      expect(second.stderr).toContain("requested: limits.cpu=1,requests.cpu=1, used: limits.cpu=8,requests.cpu=8, limited: limits.cpu=8,requests.cpu=8");
      expect(second.stderr).toContain("1 VM, 0 DataVolumes and 1 order not yet applied");
    }, 15_000, 250);
  });

  it("GIVEN a KubeVirt VM created directly over the memory quota THEN kubectl apply is denied with the numbers; the order's own VM is admitted in its place", async () => {
    const direct = await kubectl(["apply", "-f", "-"], yaml.dump(kubeVirtVm("vm-direct", 1, "8Gi")));
    expect(direct.code).not.toBe(0);
    expect(direct.stderr).toContain('admission webhook "kubevirt-vms.validate.osac-vm-gitops.cloudkit.openshift.io" denied the request: VirtualMachine "vm-direct" is forbidden: exceeded quota: tenant-quota');
    expect(direct.stderr).toMatch(/requested: limits.cpu=1,limits.memory=8Gi,requests.cpu=1,requests.memory=8Gi, used: limits.cpu=8,limits.memory=12Gi/);
    const own = await kubectl(["apply", "-f", "-"], yaml.dump(kubeVirtVm("vm-fits", 2, "4Gi")));
    expect([own.code, own.stderr]).toEqual([0, ""]);
  });
});
