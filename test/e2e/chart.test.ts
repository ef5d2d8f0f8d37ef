// The Helm chart against the real API server:
// 1. every object `helm template` renders passes a server-side dry run, for the default values and
//    each documented option set;
// 2. the chart's ServiceAccounts, RBAC, CRD and webhook configurations are installed, the
//    configurations pointed at a locally running webhook (URL + CA instead of the in-cluster
//    Service), and the real webhook and controller processes run with TokenRequest tokens of the
//    chart's ServiceAccounts — bound only by the chart's RBAC. The whole order flow works, and
//    requests outside the granted rules are refused (403);
// 3. a real `helm install` and `helm upgrade` keep the self-signed CA (lookup of the Secret).
// The suite's own webhook process (conversion) keeps running throughout; everything created here
// has a unique name and is removed in afterAll.
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { orderDocument } from "../support/orders.ts";
import "./support/context.ts";
import { applyAll, kubectl, pointWebhooksAt, serverVersion, serviceAccountKubeconfig, statusWith } from "./support/chart-cluster.ts";
import { CHART_DIR, OPTION_SETS, ensureHelm, find, helm, plainEnv, render, renderText, parseDocs, type KubeDoc, type OptionSet } from "./support/chart-helm.ts";
import { startControllerProcess, type ControllerProcess } from "./support/controller-process.ts";
import { adminKubeConfig, createNamespace, deleteNamespaceNoWait, eventually, rawRequest, ResourceMapper, serverSideApply, uniqueName, type KubeObject } from "./support/kube.ts";
import { startWebhookProcess, wireConversion, type WebhookProcess } from "./support/webhook-process.ts";
import { QUOTA_WATCHES } from "../../src/webhook/quota/watched-quotas.ts";

const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const mapper = new ResourceMapper(admin);
const admission = admin.makeApiClient(k8s.AdmissionregistrationV1Api);
const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
const RUN = uniqueName("chart");
const RELEASE_NS = `${RUN}-system`;
/** Namespace label that scopes this file's webhook configurations to its own namespaces. */
const SCOPE_LABEL = "osac-vm-gitops/e2e-chart";
const FIELD_MANAGER = "osac-vm-chart-e2e";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-chart-"));
const kubectlCache = path.join(work, "kubectl-cache");
const namespaces: string[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
let kubeVersion: string;

const log = (line: string) => process.stderr.write(`[chart] ${line}\n`);

async function namespace(name: string, labels: Record<string, string> = {}): Promise<string> {
  await createNamespace(admin, name, labels);
  namespaces.push(name);
  return name;
}

beforeAll(async () => {
  const t0 = Date.now();
  log(`helm: ${await ensureHelm()} (${Date.now() - t0} ms)`);
  kubeVersion = await serverVersion(admin);
  await namespace(RELEASE_NS);
}, 15 * 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`cleanup: ${(error as Error).message}`));
  for (const ns of namespaces) await deleteNamespaceNoWait(admin, ns);
  fs.rmSync(work, { recursive: true, force: true });
}, 120_000);

describe("every rendered object passes the API server's schema check (kubectl apply --dry-run=server)", () => {
  /** Kinds whose CRDs the harness does not have; their objects are checked to be present instead. */
  const ABSENT_GROUPS = ["cert-manager.io/", "monitoring.coreos.com/"];

  it.each(Object.keys(OPTION_SETS) as OptionSet[])("GIVEN option set %s THEN every object is accepted by a server-side dry run", async (set) => {
    const docs = parseDocs(await renderText({ optionSet: set, namespace: RELEASE_NS, release: RUN, kubeVersion }));
    const absent = docs.filter((doc) => ABSENT_GROUPS.some((group) => doc.apiVersion.startsWith(group)));
    const checked = docs.filter((doc) => !absent.includes(doc));
    if (set === "cert-manager") {
      expect(absent.map((d) => `${d.apiVersion}/${d.kind}`).sort()).toEqual(
        ["cert-manager.io/v1/Certificate", "cert-manager.io/v1/Certificate", "cert-manager.io/v1/Issuer", "cert-manager.io/v1/Issuer", "monitoring.coreos.com/v1/ServiceMonitor", "monitoring.coreos.com/v1/ServiceMonitor"].sort(),
      );
    } else {
      expect(absent).toEqual([]);
    }
    // The order CRD already exists (the harness installed it and the suite pointed its conversion
    // at a URL): a client-side apply would merge the chart's `service` into that `url`. Dry-run each
    // CRD that exists as the full replacement an upgrade makes instead, on the live resourceVersion;
    // a CRD the cluster lacks (the Hub CRD of the hubs option set) is applied like the rest.
    const replaced: KubeDoc[] = [];
    for (const crd of checked.filter((doc) => doc.kind === "CustomResourceDefinition")) {
      const live = await rawRequest(admin, "GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
      if (live.status === 200) replaced.push({ ...crd, metadata: { ...crd.metadata, resourceVersion: JSON.parse(live.body).metadata.resourceVersion } });
    }
    const replacedNames = new Set(replaced.map((doc) => doc.metadata.name));
    const applied = checked.filter((doc) => !(doc.kind === "CustomResourceDefinition" && replacedNames.has(doc.metadata.name)));
    const dump = (list: KubeDoc[]) => list.map((doc) => `---\n${yaml.dump(doc, { noRefs: true, lineWidth: -1 })}`).join("");
    for (const [verb, list] of [["apply", applied], ["replace", replaced]] as const) {
      if (list.length === 0) continue;
      const run = await kubectl(ctx.kubeconfigPath, kubectlCache, [verb, "--dry-run=server", "--validate=strict", "-f", "-"], dump(list));
      expect(run.stderr.split("\n").filter((line) => line && !line.includes("last-applied-configuration")).join("\n"), verb).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout.match(/\(server dry run\)/g)?.length, run.stdout).toBe(list.length);
    }
  });
});

describe("the chart's RBAC and webhook registration run the product end to end", () => {
  let rendered: KubeDoc[];
  let webhook: WebhookProcess;
  let controller: ControllerProcess;
  let webhookKc: k8s.KubeConfig;
  let controllerKc: k8s.KubeConfig;
  let ordersNs: string;
  let dataVolumeNs: string;
  const objects = admin.makeApiClient(k8s.CustomObjectsApi);

  function order(name: string, parameters: string, annotations: Record<string, string> = {}) {
    return orderDocument(parameters, { name, namespace: ordersNs, tenant: "chart-tenant", uuid: randomUUID(), annotations });
  }
  const readOrder = async (name: string) => (await objects.getNamespacedCustomObject({ group: "cloudkit.openshift.io", version: "v1alpha1", namespace: ordersNs, plural: "virtualmachines", name })) as any;

  beforeAll(async () => {
    if (!ctx.webhook) throw new Error("these tests need the harness: the API server must reach a webhook process on this machine (E2E_KUBECONFIG clusters cannot)");
    const t0 = Date.now();
    ordersNs = await namespace(uniqueName("chart-orders"), { [SCOPE_LABEL]: RUN });
    dataVolumeNs = await namespace(uniqueName("chart-tenant"), { [SCOPE_LABEL]: RUN, "cloudkit.openshift.io/tenant-namespace": "true" });
    rendered = await render({ release: RUN, namespace: RELEASE_NS, kubeVersion, set: { [`admission.namespaceSelector.matchLabels.${SCOPE_LABEL}`]: RUN } });

    // Cluster-scoped objects first go on the cleanup list, so a failure half-way leaves nothing.
    for (const doc of rendered.filter((d) => ["ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"].includes(d.kind))) {
      const name = doc.metadata.name;
      const remove: Record<string, () => Promise<unknown>> = {
        ClusterRole: () => rbac.deleteClusterRole({ name }),
        ClusterRoleBinding: () => rbac.deleteClusterRoleBinding({ name }),
        MutatingWebhookConfiguration: () => admission.deleteMutatingWebhookConfiguration({ name }),
        ValidatingWebhookConfiguration: () => admission.deleteValidatingWebhookConfiguration({ name }),
      };
      cleanups.push(() => remove[doc.kind]!().catch(() => undefined));
    }
    // The CRD as the chart renders it, with the conversion pointed at the suite's webhook (the same
    // target as before, so other test files see no change); wireConversion again afterwards anyway.
    const crd = structuredClone(find(rendered, "CustomResourceDefinition"));
    crd.spec.conversion.webhook.clientConfig = { url: `${ctx.webhook.url}/convert`, caBundle: Buffer.from(ctx.webhook.caPem).toString("base64") };
    cleanups.push(() => wireConversion(admin, ctx.webhook!.url, ctx.webhook!.caPem));
    await serverSideApply(admin, mapper, crd as unknown as KubeObject, FIELD_MANAGER);
    await applyAll(admin, mapper, rendered.filter((d) => ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"].includes(d.kind)), FIELD_MANAGER);

    const webhookAccount = find(rendered, "ServiceAccount", "-webhook").metadata.name;
    const controllerAccount = find(rendered, "ServiceAccount", "-controller").metadata.name;
    const webhookIdentity = await serviceAccountKubeconfig(admin, RELEASE_NS, webhookAccount, work);
    const controllerIdentity = await serviceAccountKubeconfig(admin, RELEASE_NS, controllerAccount, work);
    webhookKc = webhookIdentity.kc;
    controllerKc = controllerIdentity.kc;

    // The processes, configured from the rendered Deployments' environment.
    const { HOME: _h1, ...webhookEnv } = plainEnv(find(rendered, "Deployment", "-webhook").spec.template.spec.containers[0]);
    webhook = await startWebhookProcess(webhookIdentity.path, webhookEnv);
    cleanups.push(() => webhook.stop());
    const controllerContainer = find(rendered, "Deployment", "-controller").spec.template.spec.containers[0];
    const { HOME: _h2, ...controllerEnv } = plainEnv(controllerContainer);
    const leaseNamespace = (controllerContainer.args as string[]).find((a) => a.startsWith("--leader-election-namespace="))!.split("=")[1]!;
    controller = await startControllerProcess({ kubeconfigPath: controllerIdentity.path, leaseNamespace, identity: `${RUN}-controller-0`, env: controllerEnv });
    cleanups.push(() => controller.stop());

    for (const kind of ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]) {
      await serverSideApply(admin, mapper, pointWebhooksAt(find(rendered, kind), webhook.url, webhook.caPem) as unknown as KubeObject, FIELD_MANAGER);
    }
    // Configurations take effect asynchronously: wait until an invalid order is refused.
    await eventually(async () => {
      try {
        await objects.createNamespacedCustomObject({ group: "cloudkit.openshift.io", version: "v1alpha1", namespace: ordersNs, plural: "virtualmachines", body: order(uniqueName("probe"), '{"cpu_cores":"0"}'), dryRun: "All" });
      } catch {
        return;
      }
      throw new Error("the chart's validating webhook is not active yet");
    }, 30_000, 250);
    log(`installed RBAC + webhooks and started both processes in ${Date.now() - t0} ms (webhook log ${webhook.logFile}, controller log ${controller.logFile})`);
  }, 180_000);

  it("GIVEN the chart's RBAC only THEN the webhook's StorageClass watch and the controller's six watches sync and the database migrates (both ready)", async () => {
    await eventually(async () => {
      const status = await new Promise<number>((resolve, reject) =>
        https.get(`${webhook.url}/readyz`, { ca: webhook.caPem }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on("error", reject),
      );
      if (status !== 200) throw new Error(`webhook /readyz: ${status}`);
    }, 30_000, 200);
    await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${controller.metricsPort}/readyz`);
      if (res.status !== 200) throw new Error(`controller /readyz: ${res.status} ${await res.text()}`);
    }, 60_000, 250);
    expect(controller.log()).not.toMatch(/forbidden/i);
    expect(fs.readFileSync(webhook.logFile, "utf8")).not.toMatch(/forbidden/i);
  });

  it("GIVEN the leader election THEN the controller holds the Lease osac-vm-controller in the release namespace", async () => {
    await eventually(async () => {
      if ((await controller.leader()) !== 1) throw new Error("not leading yet");
    }, 30_000, 200);
    const lease = await rawRequest(admin, "GET", `/apis/coordination.k8s.io/v1/namespaces/${RELEASE_NS}/leases/osac-vm-controller`);
    expect(lease.status).toBe(200);
    expect(JSON.parse(lease.body).spec.holderIdentity).toBe(controller.identity);
  });

  it("GIVEN a valid order applied with kubectl THEN the chart-registered webhook sets managed-by and storage_class", async () => {
    const run = await kubectl(ctx.kubeconfigPath, kubectlCache, ["apply", "-f", "-"], yaml.dump(order("vm-chart-valid", '{"cpu_cores":"2"}')));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const stored = await readOrder("vm-chart-valid");
    expect(stored.metadata.annotations["cloudkit.openshift.io/managed-by"]).toBe("aap");
    expect(stored.spec.templateParameters).toBe('{"cpu_cores":"2","storage_class":"standard"}');
  });

  it("GIVEN an invalid order THEN the chart-registered validating webhook denies it", async () => {
    const run = await kubectl(ctx.kubeconfigPath, kubectlCache, ["apply", "-f", "-"], yaml.dump(order("vm-chart-invalid", '{"cpu_cores":"0"}')));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('admission webhook "orders.validate.osac-vm-gitops.cloudkit.openshift.io" denied the request');
    expect(run.stderr).toContain("cpu_cores");
  });

  it("GIVEN a DataVolume without a class in a tenant namespace THEN the chart-registered DataVolume webhook defaults it", async () => {
    const dataVolume = {
      apiVersion: "cdi.kubevirt.io/v1beta1",
      kind: "DataVolume",
      metadata: { name: "dv-chart", namespace: dataVolumeNs },
      spec: { source: { registry: { url: "docker://quay.io/containerdisks/fedora:latest" } }, pvc: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } } },
    };
    const run = await kubectl(ctx.kubeconfigPath, kubectlCache, ["apply", "-f", "-"], yaml.dump(dataVolume));
    expect(run.stderr).toBe("");
    const stored = (await objects.getNamespacedCustomObject({ group: "cdi.kubevirt.io", version: "v1beta1", namespace: dataVolumeNs, plural: "datavolumes", name: "dv-chart" })) as any;
    expect(stored.spec.pvc.storageClassName).toBe("standard");
  });

  it("GIVEN a controller order THEN the controller applies its children, writes its status, and on deletion removes them and releases the finalizer", async () => {
    const name = "vm-chart-ctrl";
    const tenantNs = tenantNamespace(ordersNs, "chart-tenant");
    namespaces.push(tenantNs);
    const t0 = Date.now();
    const run = await kubectl(ctx.kubeconfigPath, kubectlCache, ["apply", "-f", "-"], yaml.dump(order(name, '{"cpu_cores":"2","ssh_public_key":"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGnV0rEmQyqZbnwtvYpVqN7eR8ts0x8vPa1bJmW7dXbM chart@e2e"}', { "cloudkit.openshift.io/managed-by": "controller" })));
    expect(run.stderr).toBe("");
    const children = async () => {
      const list = async (apiPath: string) => {
        const res = await rawRequest(admin, "GET", `${apiPath}?labelSelector=${encodeURIComponent(`cloudkit.openshift.io/virtualmachine=${name}`)}`);
        if (res.status !== 200) throw new Error(`GET ${apiPath}: ${res.status}`);
        return (JSON.parse(res.body).items as any[]).map((item) => ({ kind: item.kind as string | undefined, name: item.metadata.name as string, managers: (item.metadata.managedFields ?? []).map((f: any) => f.manager) }));
      };
      return {
        secrets: await list(`/api/v1/namespaces/${tenantNs}/secrets`),
        services: await list(`/api/v1/namespaces/${tenantNs}/services`),
        dataVolumes: await list(`/apis/cdi.kubevirt.io/v1beta1/namespaces/${tenantNs}/datavolumes`),
        virtualMachines: await list(`/apis/kubevirt.io/v1/namespaces/${tenantNs}/virtualmachines`),
      };
    };
    const applied = await eventually(async () => {
      const c = await children();
      if (c.secrets.length < 2 || c.services.length !== 1 || c.dataVolumes.length !== 1 || c.virtualMachines.length !== 1) throw new Error(`children so far: ${JSON.stringify(c)}`);
      return c;
    }, 60_000, 200);
    log(`controller applied the children in ${Date.now() - t0} ms`);
    for (const child of [...applied.secrets, ...applied.services, ...applied.dataVolumes, ...applied.virtualMachines]) expect(child.managers).toContain("osac-vm-controller");
    const tenant = await rawRequest(admin, "GET", `/api/v1/namespaces/${tenantNs}`);
    expect(JSON.parse(tenant.body).metadata.labels["cloudkit.openshift.io/tenant-namespace"]).toBe("true");

    const withStatus = await eventually(async () => {
      const stored = await readOrder(name);
      if (!stored.status?.phase || !stored.metadata.finalizers?.includes("cloudkit.openshift.io/osac-vm-controller")) throw new Error(`no status/finalizer yet: ${JSON.stringify(stored.status)}`);
      return stored;
    }, 30_000, 200);
    expect(withStatus.status.conditions.map((c: any) => c.type)).toEqual(["Accepted", "Progressing", "Available", "Degraded", "Deleting"]);
    expect(withStatus.metadata.managedFields.some((f: any) => f.manager === "osac-vm-controller" && f.subresource === "status")).toBe(true);

    const t1 = Date.now();
    await objects.deleteNamespacedCustomObject({ group: "cloudkit.openshift.io", version: "v1alpha1", namespace: ordersNs, plural: "virtualmachines", name });
    await eventually(async () => {
      const res = await rawRequest(admin, "GET", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ordersNs}/virtualmachines/${name}`);
      if (res.status !== 404) throw new Error(`order still there (finalizers ${JSON.stringify(JSON.parse(res.body).metadata?.finalizers)})`);
    }, 60_000, 200);
    log(`controller deleted the children and released the finalizer in ${Date.now() - t1} ms`);
    expect(await children()).toEqual({ secrets: [], services: [], dataVolumes: [], virtualMachines: [] });
    expect(JSON.parse((await rawRequest(admin, "GET", `/api/v1/namespaces/${tenantNs}`)).body).status.phase).toBe("Active");
  });

  it("GIVEN the webhook's token THEN it may list and watch StorageClasses, Templates and what quota at admission counts, and nothing else", async () => {
    expect(await statusWith(webhookKc, "GET", "/apis/storage.k8s.io/v1/storageclasses")).toBe(200);
    // Quota at admission (ADR 29): ResourceQuotas, KubeVirt VMs, DataVolumes and orders, listed cluster-wide.
    for (const path of Object.values(QUOTA_WATCHES)) expect(await statusWith(webhookKc, "GET", path), path).toBe(200);
    expect(await statusWith(webhookKc, "GET", `/api/v1/namespaces/${RELEASE_NS}/resourcequotas/x`)).toBe(403);
    // Templates (ADR 28): authorized, and not served by this plain API server (404, not 403).
    expect(await statusWith(webhookKc, "GET", "/apis/template.openshift.io/v1/namespaces/openshift/templates")).toBe(404);
    expect(await statusWith(webhookKc, "GET", "/apis/storage.k8s.io/v1/storageclasses/standard")).toBe(403);
    expect(await statusWith(webhookKc, "DELETE", "/apis/storage.k8s.io/v1/storageclasses/standard")).toBe(403);
    expect(await statusWith(webhookKc, "GET", "/api/v1/secrets")).toBe(403);
    expect(await statusWith(webhookKc, "GET", `/api/v1/namespaces/${RELEASE_NS}/secrets`)).toBe(403);
    expect(await statusWith(webhookKc, "DELETE", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ordersNs}/virtualmachines/vm-chart-valid`)).toBe(403);
    expect(await statusWith(webhookKc, "GET", `/apis/coordination.k8s.io/v1/namespaces/${RELEASE_NS}/leases/osac-vm-controller`)).toBe(403);
  });

  it("GIVEN the controller's token THEN requests outside its rules are forbidden", async () => {
    const tenantNs = tenantNamespace(ordersNs, "chart-tenant");
    // Granted (the flow above used them): list children cluster-wide, its own Lease.
    expect(await statusWith(controllerKc, "GET", "/api/v1/secrets?labelSelector=cloudkit.openshift.io%2Fvirtualmachine")).toBe(200);
    expect(await statusWith(controllerKc, "GET", `/apis/coordination.k8s.io/v1/namespaces/${RELEASE_NS}/leases/osac-vm-controller`)).toBe(200);
    // Not granted.
    expect(await statusWith(controllerKc, "DELETE", `/api/v1/namespaces/${tenantNs}`)).toBe(403);
    expect(await statusWith(controllerKc, "DELETE", `/api/v1/namespaces/${ordersNs}`)).toBe(403);
    expect(await statusWith(controllerKc, "GET", `/api/v1/namespaces/${RELEASE_NS}/secrets/${find(rendered, "Secret", "-webhook-tls").metadata.name}`)).toBe(403);
    expect(await statusWith(controllerKc, "GET", "/api/v1/configmaps")).toBe(403);
    expect(await statusWith(controllerKc, "PUT", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ordersNs}/virtualmachines/vm-chart-valid`, {})).toBe(403);
    expect(await statusWith(controllerKc, "DELETE", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ordersNs}/virtualmachines/vm-chart-valid`)).toBe(403);
    expect(await statusWith(controllerKc, "GET", `/apis/coordination.k8s.io/v1/namespaces/${RELEASE_NS}/leases/someone-else`)).toBe(403);
    expect(await statusWith(controllerKc, "POST", `/apis/coordination.k8s.io/v1/namespaces/${ordersNs}/leases`, { metadata: { name: "x" }, spec: {} })).toBe(403);
    expect(await statusWith(controllerKc, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", { metadata: { name: `${RUN}-escalate` }, rules: [] })).toBe(403);
  });
});

describe("helm install and helm upgrade keep the self-signed CA", () => {
  it("GIVEN a real install WHEN upgraded with a changed value THEN the CA Secret and every caBundle are unchanged, and the suite's webhook keeps answering", async () => {
    const release = `${RUN}-h`;
    const ns = `${release}-system`;
    namespaces.push(ns);
    // Scoped so the release's webhooks (in-cluster Service without endpoints, failurePolicy Fail)
    // match no namespace at all; the CRD stays the suite's (crd.install=false); uninstalled below.
    const common = ["--kubeconfig", ctx.kubeconfigPath, "--namespace", ns, CHART_DIR, "--set", "crd.install=false", "--set", `admission.namespaceSelector.matchLabels.${SCOPE_LABEL}=${release}-nothing`, "--wait=false"];
    cleanups.push(() => helm(["uninstall", release, "--kubeconfig", ctx.kubeconfigPath, "--namespace", ns, "--wait=false"]));
    const t0 = Date.now();
    const installed = await helm(["install", release, ...common, "--create-namespace"]);
    expect(installed.stderr).toBe("");
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain("CA valid until");
    log(`helm install took ${Date.now() - t0} ms`);

    const secretName = `${release}-osac-vm-gitops-webhook-tls`;
    const snapshot = async () => {
      const secret = JSON.parse((await rawRequest(admin, "GET", `/api/v1/namespaces/${ns}/secrets/${secretName}`)).body);
      const mutating = JSON.parse((await rawRequest(admin, "GET", `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${release}-osac-vm-gitops`)).body);
      const validating = JSON.parse((await rawRequest(admin, "GET", `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${release}-osac-vm-gitops`)).body);
      return { data: secret.data as Record<string, string>, caBundles: [...mutating.webhooks, ...validating.webhooks].map((w: any) => w.clientConfig.caBundle as string), mutating };
    };
    const before = await snapshot();
    expect(Object.keys(before.data).sort()).toEqual(["ca-bundle.crt", "ca.crt", "ca.key", "tls.crt", "tls.key"]);
    expect(new Set(before.caBundles)).toEqual(new Set([before.data["ca-bundle.crt"]]));
    for (const webhook of before.mutating.webhooks) expect(webhook.namespaceSelector.matchLabels[SCOPE_LABEL]).toBe(`${release}-nothing`);

    const upgraded = await helm(["upgrade", release, ...common, "--set", "webhook.logLevel=debug"]);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    const after = await snapshot();
    expect(after.data).toEqual(before.data);
    expect(after.caBundles).toEqual(before.caBundles);
    const deployment = JSON.parse((await rawRequest(admin, "GET", `/apis/apps/v1/namespaces/${ns}/deployments/${release}-osac-vm-gitops-webhook`)).body);
    expect(deployment.spec.template.spec.containers[0].env.find((e: any) => e.name === "LOG_LEVEL").value).toBe("debug");

    // A serving-certificate rotation re-issues tls.crt from the same CA: no caBundle change.
    const rotated = await helm(["upgrade", release, ...common, "--set", "webhook.logLevel=debug", "--set", "certificates.selfSigned.servingRotation=1"]);
    expect(rotated.code, rotated.stderr).toBe(0);
    const afterRotation = await snapshot();
    expect(afterRotation.data["tls.crt"]).not.toBe(before.data["tls.crt"]);
    expect(afterRotation.data["ca.crt"]).toBe(before.data["ca.crt"]);
    expect(afterRotation.caBundles).toEqual(before.caBundles);

    // The suite's webhook (conversion, and the cluster as other files see it) is unaffected.
    const scratch = await namespace(uniqueName("chart-dry"));
    const objects = admin.makeApiClient(k8s.CustomObjectsApi);
    const body = {
      apiVersion: "cloudkit.openshift.io/v1alpha1",
      kind: "VirtualMachine",
      metadata: { name: "vm-dry", namespace: scratch, annotations: { "cloudkit.openshift.io/tenant": "t" } },
      spec: { templateID: "cloudkit.templates.ocp_virt_vm", templateParameters: '{"cpu_cores":"2","storage_class":"standard"}' },
    };
    await objects.createNamespacedCustomObject({ group: "cloudkit.openshift.io", version: "v1alpha1", namespace: scratch, plural: "virtualmachines", body, dryRun: "All" });
    const beta = await kubectl(ctx.kubeconfigPath, kubectlCache, ["get", "virtualmachines.v1beta1.cloudkit.openshift.io", "-A", "-o", "name"]);
    expect(beta.stderr).toBe("");
    expect(beta.code).toBe(0);

    const uninstalled = await helm(["uninstall", release, "--kubeconfig", ctx.kubeconfigPath, "--namespace", ns, "--wait=false"]);
    expect(uninstalled.code, uninstalled.stderr).toBe(0);
    expect((await rawRequest(admin, "GET", `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${release}-osac-vm-gitops`)).status).toBe(404);
    expect((await rawRequest(admin, "GET", `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${release}-osac-vm-gitops`)).status).toBe(404);
    log(`install, two upgrades and uninstall took ${Date.now() - t0} ms`);
  });
});
