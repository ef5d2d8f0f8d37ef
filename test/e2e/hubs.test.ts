// The hub registry and placement at admission on real API servers (docs/adr/0024-hub-registry-and-placement.md):
// the suite's control plane is the management cluster; three more control planes are hubs, two
// serving the KubeVirt/CDI APIs and one without them. The webhook (OSAC_VM_HUB_REGISTRY=on) and the
// controller (which runs the hub prober) are real processes; hubs are added and cordoned with the
// osac-vm CLI, as people do.
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { REPO_ROOT, startControlPlane, type ControlPlane } from "../../scripts/cluster/harness.ts";
import { runCli } from "../support/cli.ts";
import { orderDocument } from "../support/orders.ts";
import "./support/context.ts";
import { startControllerProcess, type ControllerProcess } from "./support/controller-process.ts";
import { adminKubeConfig, createNamespace, deleteNamespaceNoWait, eventually, rawRequest, uniqueName } from "./support/kube.ts";
import { startWebhookProcess, type WebhookProcess } from "./support/webhook-process.ts";

const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const objects = admin.makeApiClient(k8s.CustomObjectsApi);
const core = admin.makeApiClient(k8s.CoreV1Api);
const admissionApi = admin.makeApiClient(k8s.AdmissionregistrationV1Api);

const HUB_GROUP = { group: "gitops.cloudkit.openshift.io", version: "v1alpha1", plural: "hubs" };
const ORDER_GROUP = { group: "cloudkit.openshift.io", version: "v1alpha1", plural: "virtualmachines" };
const HUB = "cloudkit.openshift.io/hub";
const SELECTOR = "cloudkit.openshift.io/hub-selector";
const suffix = randomUUID().slice(0, 6);
/** Hub names: unique per run, since Hubs are cluster-scoped. */
const H = {
  a: `eu-a-${suffix}`,
  b: `us-b-${suffix}`,
  noKubeVirt: `eu-novirt-${suffix}`,
  badYaml: `bad-yaml-${suffix}`,
  badToken: `bad-token-${suffix}`,
  noSecret: `no-secret-${suffix}`,
  down: `down-${suffix}`,
  added: `added-${suffix}`,
};
const CONFIG_NAME = uniqueName("osac-vm-hubs-e2e");
/** Secret material that must never appear in a log or a status. */
const GARBAGE_MARKER = `garbage-${randomUUID()}`;
const WRONG_TOKEN = `wrong-token-${randomUUID()}`;

let hubA: ControlPlane;
let hubB: ControlPlane;
let hubNoKubeVirt: ControlPlane;
let webhook: WebhookProcess;
let controller: ControllerProcess;
let ordersNs: string;
let secretsNs: string;
let scratch: string;
const cliOutput: string[] = [];

function harnessOrFail(): void {
  if (ctx.external || !ctx.caPath) {
    throw new Error("these tests need the harness (the API server must reach a local webhook, and hubs are started as extra control planes); unset E2E_KUBECONFIG");
  }
}

/** A self-contained kubeconfig (CA and token inline), as a hub's Secret holds it. */
function hubKubeconfig(cp: { server: string; caPath: string }, token: string): string {
  return yaml.dump({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "hub", cluster: { server: cp.server, "certificate-authority-data": fs.readFileSync(cp.caPath).toString("base64") } }],
    users: [{ name: "prober", user: { token } }],
    contexts: [{ name: "hub", context: { cluster: "hub", user: "prober" } }],
    "current-context": "hub",
  });
}

async function cli(args: string[], stdin?: string) {
  const run = await runCli(args, { env: { KUBECONFIG: ctx.kubeconfigPath, HOME: scratch }, ...(stdin === undefined ? {} : { stdin }) });
  cliOutput.push(run.stdout, run.stderr);
  return run;
}

async function addHub(name: string, kubeconfig: string, options: string[]): Promise<void> {
  const file = path.join(scratch, `${name}.kubeconfig`);
  fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
  const run = await cli(["hubs", "add", name, "--hub-kubeconfig", file, "--secrets-namespace", secretsNs, ...options]);
  expect(run.stderr).toBe("");
  expect(run.stdout).toBe(`secret/${name}-kubeconfig created\nhub.gitops.cloudkit.openshift.io/${name} created\n`);
  expect(run.code).toBe(0);
}

async function createHubObject(name: string, secretName: string): Promise<void> {
  await objects.createClusterCustomObject({
    ...HUB_GROUP,
    body: { apiVersion: "gitops.cloudkit.openshift.io/v1alpha1", kind: "Hub", metadata: { name }, spec: { capabilities: ["virtualmachines"], kubeconfigSecretRef: { name: secretName }, labels: { region: "eu" } } },
  });
}

async function readHub(name: string): Promise<any> {
  return objects.getClusterCustomObject({ ...HUB_GROUP, name });
}

function reachable(hub: any): { status?: string; reason?: string; message?: string } {
  return hub.status?.conditions?.find((condition: { type: string }) => condition.type === "Reachable") ?? {};
}

async function waitReachable(name: string, status: "True" | "False", reason: string): Promise<any> {
  return eventually(
    async () => {
      const hub = await readHub(name);
      const condition = reachable(hub);
      if (condition.status !== status || condition.reason !== reason) throw new Error(`hub ${name}: Reachable=${condition.status}/${condition.reason} (${condition.message}), waiting for ${status}/${reason}`);
      return hub;
    },
    90_000,
    500,
  );
}

function order(parameters: Record<string, unknown> = {}, annotations: Record<string, string> = {}) {
  return orderDocument(parameters, { name: uniqueName("vm"), namespace: ordersNs, tenant: "hub-tenant", uuid: randomUUID(), annotations });
}

/** Creates an order; resolves with the stored order, or the API server's refusal. */
async function create(document: object, dryRun = false): Promise<{ ok: true; order: any } | { ok: false; status: number; message: string }> {
  const response = await rawRequest(admin, "POST", `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ordersNs}/virtualmachines${dryRun ? "?dryRun=All" : ""}`, JSON.stringify(document));
  const body = JSON.parse(response.body);
  return response.status === 201 || response.status === 200 ? { ok: true, order: body } : { ok: false, status: response.status, message: body.message ?? response.body };
}

async function placedOn(document: object): Promise<string> {
  const created = await create(document);
  if (!created.ok) throw new Error(`create refused: HTTP ${created.status}: ${created.message}`);
  return created.order.metadata.annotations[HUB];
}

async function ordersByHub(): Promise<Map<string, number>> {
  const list = (await objects.listNamespacedCustomObject({ ...ORDER_GROUP, namespace: ordersNs })) as { items: any[] };
  const counts = new Map<string, number>();
  for (const item of list.items) {
    const hub = item.metadata.annotations?.[HUB] ?? "(none)";
    counts.set(hub, (counts.get(hub) ?? 0) + 1);
  }
  return counts;
}

/** The webhook's Prometheus text (it serves /metrics on its HTTPS port). */
function webhookMetric(name: string, labels: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(`${webhook.url}/metrics`, { ca: webhook.caPem, agent: false }, (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => {
          const line = text.split("\n").find((candidate) => candidate.startsWith(`${name}{${labels}}`));
          resolve(line === undefined ? 0 : Number(line.split(" ").pop()));
        });
      })
      .on("error", reject);
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  harnessOrFail();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-hubs-"));
  const log = (line: string) => process.stderr.write(`[e2e hubs] ${line}\n`);
  ordersNs = uniqueName("hub-orders");
  secretsNs = uniqueName("hub-secrets");
  await createNamespace(admin, ordersNs);
  await createNamespace(admin, secretsNs);
  // The controller first: embedded PGlite starts slowly, more so beside three more API servers.
  controller = await startControllerProcess({
    kubeconfigPath: ctx.kubeconfigPath,
    leaseNamespace: secretsNs,
    identity: uniqueName("hub-controller"),
    env: { OSAC_VM_HUB_REGISTRY: "on", OSAC_VM_HUB_SECRETS_NAMESPACE: secretsNs },
    extraArgs: ["--hub-probe-interval-seconds", "2"],
    startTimeoutMs: 180_000,
  });
  const kubevirtCrds = [path.join(REPO_ROOT, "crds/upstream-subset")];
  [hubA, hubB, hubNoKubeVirt] = await Promise.all([
    startControlPlane({ crdDirs: kubevirtCrds, defaultStorageClass: false, restrictedUserNames: [], log }),
    startControlPlane({ crdDirs: kubevirtCrds, defaultStorageClass: false, restrictedUserNames: [], log }),
    startControlPlane({ crdDirs: [], defaultStorageClass: false, restrictedUserNames: [], log }),
  ]);

  webhook = await startWebhookProcess(ctx.kubeconfigPath, { OSAC_VM_HUB_REGISTRY: "on" });
  const caBundle = Buffer.from(webhook.caPem).toString("base64");
  const scope = { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [ordersNs] }] } };
  const rule = { apiGroups: ["cloudkit.openshift.io"], apiVersions: ["v1alpha1"], resources: ["virtualmachines"], operations: ["CREATE", "UPDATE"] };
  const common = { rules: [rule], ...scope, admissionReviewVersions: ["v1"], matchPolicy: "Equivalent", timeoutSeconds: 3, failurePolicy: "Fail" };
  await admissionApi.createMutatingWebhookConfiguration({
    body: {
      metadata: { name: CONFIG_NAME },
      webhooks: [{ name: "orders.mutate.osac-vm-gitops.cloudkit.openshift.io", clientConfig: { url: `${webhook.url}/mutate/virtualmachines`, caBundle }, sideEffects: "NoneOnDryRun", reinvocationPolicy: "IfNeeded", ...common }],
    },
  });
  await admissionApi.createValidatingWebhookConfiguration({
    body: {
      metadata: { name: CONFIG_NAME },
      webhooks: [{ name: "orders.validate.osac-vm-gitops.cloudkit.openshift.io", clientConfig: { url: `${webhook.url}/validate/virtualmachines`, caBundle }, sideEffects: "None", ...common }],
    },
  });

  // Hubs as people add them; the bad ones by hand.
  await addHub(H.a, hubKubeconfig(hubA, hubA.adminToken), ["--label", "region=eu", "--vcpus", "64", "--memory", "128Gi", "--vms", "100"]);
  await addHub(H.b, hubKubeconfig(hubB, hubB.adminToken), ["--label", "region=us", "--vcpus", "32", "--memory", "64Gi"]);
  await addHub(H.noKubeVirt, hubKubeconfig(hubNoKubeVirt, hubNoKubeVirt.adminToken), ["--label", "region=eu", "--vcpus", "1000", "--memory", "4Ti"]);
  await core.createNamespacedSecret({ namespace: secretsNs, body: { metadata: { name: `${H.badYaml}-kubeconfig` }, stringData: { kubeconfig: `clusters: [\n  token: ${GARBAGE_MARKER}\n    - {` } } });
  await core.createNamespacedSecret({ namespace: secretsNs, body: { metadata: { name: `${H.badToken}-kubeconfig` }, stringData: { kubeconfig: hubKubeconfig(hubA, WRONG_TOKEN) } } });
  await core.createNamespacedSecret({ namespace: secretsNs, body: { metadata: { name: `${H.down}-kubeconfig` }, stringData: { kubeconfig: hubKubeconfig({ server: `https://127.0.0.1:${await freePort()}`, caPath: hubA.caPath }, WRONG_TOKEN) } } });
  for (const name of [H.badYaml, H.badToken, H.down]) await createHubObject(name, `${name}-kubeconfig`);
  await createHubObject(H.noSecret, `${H.noSecret}-kubeconfig`);

  await waitReachable(H.a, "True", "Probed");
  await waitReachable(H.b, "True", "Probed");
}, 600_000);

afterAll(async () => {
  await admissionApi.deleteMutatingWebhookConfiguration({ name: CONFIG_NAME }).catch(() => {});
  await admissionApi.deleteValidatingWebhookConfiguration({ name: CONFIG_NAME }).catch(() => {});
  for (const name of Object.values(H)) await objects.deleteClusterCustomObject({ ...HUB_GROUP, name }).catch(() => {});
  await controller?.stop();
  await webhook?.stop();
  for (const ns of [ordersNs, secretsNs]) if (ns) await deleteNamespaceNoWait(admin, ns);
  await Promise.all([hubA?.stop(), hubB?.stop(), hubNoKubeVirt?.stop()]);
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

describe("the hub registry", () => {
  it("GIVEN hubs registered THEN the prober proves each one or says why not, in the Reachable condition", async () => {
    const a = await readHub(H.a);
    expect(reachable(a).message).toMatch(/^the hub's API server \(Kubernetes v1\.\d+\.\d+\) answered with the kubeconfig's token; kubevirt\.io\/v1 virtualmachines and cdi\.kubevirt\.io\/v1beta1 datavolumes are served$/);
    expect(a.status.lastProbeTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(a.status.observedGeneration).toBe(a.metadata.generation);
    const noKubeVirt = await waitReachable(H.noKubeVirt, "False", "KubeVirtNotServed");
    expect(reachable(noKubeVirt).message).toContain("kubevirt.io/v1 virtualmachines and cdi.kubevirt.io/v1beta1 datavolumes are not served: the hub cannot run VMs");
    expect(reachable(await waitReachable(H.badYaml, "False", "KubeconfigInvalid")).message).toMatch(
      new RegExp(`^the kubeconfig in Secret ${secretsNs}/${H.badYaml}-kubeconfig, key 'kubeconfig', is not valid YAML \\(line 3, column \\d+\\)$`),
    );
    expect(reachable(await waitReachable(H.badToken, "False", "Unauthorized")).message).toBe("the hub's API server refused the kubeconfig's token (HTTP 401)");
    expect(reachable(await waitReachable(H.noSecret, "False", "KubeconfigMissing")).message).toContain(`Secret ${secretsNs}/${H.noSecret}-kubeconfig does not exist`);
    expect(reachable(await waitReachable(H.down, "False", "Unreachable")).message).toBe("the hub's API server refused the connection (ECONNREFUSED)");
  });

  it("GIVEN the registry THEN osac-vm hubs list shows it as kubectl would", async () => {
    const run = await cli(["hubs", "list", "-o", "wide"]);
    expect(run.code).toBe(0);
    const line = run.stdout.split("\n").find((candidate) => candidate.startsWith(`${H.a} `));
    expect(line).toMatch(new RegExp(`^${H.a} +vmaas +True +Probed +false +\\d+/100 +\\d+/64 +\\S+/128Gi +\\d+s ago +\\d+s +virtualmachines +region=eu +<none> +<none>$`));
    expect(run.stdout).toMatch(new RegExp(`\\n${H.badToken} +vmaas +False +Unauthorized `));
  });
});

describe("placement at admission", () => {
  it("GIVEN 30 orders created at once THEN they spread by capacity, and the hub without KubeVirt gets none", async () => {
    const placed = await Promise.all(Array.from({ length: 30 }, () => placedOn(order({ cpu_cores: 2, memory: "2Gi" }))));
    const counts = new Map<string, number>();
    for (const hub of placed) counts.set(hub, (counts.get(hub) ?? 0) + 1);
    expect(counts.get(H.noKubeVirt) ?? 0).toBe(0);
    expect((counts.get(H.a) ?? 0) + (counts.get(H.b) ?? 0)).toBe(30);
    // 64 and 32 vCPUs: least loaded relative to capacity fills both to the same share, 2:1.
    expect(counts.get(H.a)).toBeGreaterThanOrEqual(19);
    expect(counts.get(H.a)).toBeLessThanOrEqual(21);
    // The prober reports what the orders ask for.
    await eventually(
      async () => {
        const [a, b] = [await readHub(H.a), await readHub(H.b)];
        expect(a.status.allocated).toEqual({ vms: counts.get(H.a), vcpus: 2 * counts.get(H.a)!, memory: `${2 * counts.get(H.a)!}Gi` });
        expect(b.status.allocated.vms).toBe(counts.get(H.b));
      },
      30_000,
      500,
    );
  });

  it("GIVEN a hub selector THEN the order goes to a hub of that region only", async () => {
    expect(await placedOn(order({ cpu_cores: 1 }, { [SELECTOR]: "region=us" }))).toBe(H.b);
    expect(await placedOn(order({ cpu_cores: 1 }, { [SELECTOR]: "region in (eu)" }))).toBe(H.a);
  });

  it("GIVEN dry runs THEN they are placed but reserve nothing", async () => {
    const before = await webhookMetric("osac_vm_webhook_hub_placements_total", `hub="${H.a}"`) + (await webhookMetric("osac_vm_webhook_hub_placements_total", `hub="${H.b}"`));
    for (let i = 0; i < 5; i++) {
      const dry = await create(order({ cpu_cores: 1 }), true);
      expect(dry.ok && [H.a, H.b]).toContain(dry.ok ? dry.order.metadata.annotations[HUB] : undefined);
    }
    const after = await webhookMetric("osac_vm_webhook_hub_placements_total", `hub="${H.a}"`) + (await webhookMetric("osac_vm_webhook_hub_placements_total", `hub="${H.b}"`));
    expect(after).toBe(before);
    await placedOn(order({ cpu_cores: 1 }));
    expect((await webhookMetric("osac_vm_webhook_hub_placements_total", `hub="${H.a}"`)) + (await webhookMetric("osac_vm_webhook_hub_placements_total", `hub="${H.b}"`))).toBe(before + 1);
  });

  it("GIVEN a cordoned hub THEN it gets no new orders, until uncordoned", async () => {
    expect((await cli(["hubs", "cordon", H.a])).stdout).toBe(`hub.gitops.cloudkit.openshift.io/${H.a} cordoned\n`);
    expect((await cli(["hubs", "cordon", H.a])).stdout).toBe(`hub.gitops.cloudkit.openshift.io/${H.a} already cordoned\n`);
    // The webhook sees the change through its watch.
    await eventually(async () => {
      const dry = await create(order({ cpu_cores: 1 }, { [SELECTOR]: "region=eu" }), true);
      if (dry.ok) throw new Error(`still placed on ${dry.order.metadata.annotations[HUB]}`);
      expect(dry.message).toContain(`hub '${H.a}' is cordoned`);
    }, 15_000, 200);
    const placed = await Promise.all(Array.from({ length: 4 }, () => placedOn(order({ cpu_cores: 1, memory: "1Gi" }))));
    expect(placed).toEqual([H.b, H.b, H.b, H.b]);
    expect((await cli(["hubs", "uncordon", H.a])).stdout).toBe(`hub.gitops.cloudkit.openshift.io/${H.a} uncordoned\n`);
    await eventually(async () => expect(await placedOn(order({ cpu_cores: 1 }, { [SELECTOR]: "region=eu" }))).toBe(H.a), 15_000, 200);
  });

  it("GIVEN a full fleet THEN a new order is denied with one message naming every hub and why", async () => {
    let denial: { status: number; message: string } | undefined;
    for (let i = 0; i < 12 && denial === undefined; i++) {
      const created = await create(order({ cpu_cores: 8, memory: "2Gi" }));
      if (!created.ok) denial = created;
    }
    expect(denial, "the fleet never filled up").toBeDefined();
    expect(denial!.status).toBe(422);
    const message = denial!.message;
    expect(message).toContain("metadata.annotations[cloudkit.openshift.io/hub]: no hub can take the order (it needs 8 vCPUs and 2Gi of memory): ");
    expect(message).toMatch(new RegExp(`hub '${H.a}' is full: needs 8 vCPUs, \\d of 64 free`));
    expect(message).toMatch(new RegExp(`hub '${H.b}' is full: needs 8 vCPUs, \\d of 32 free`));
    expect(message).toContain(`hub '${H.noKubeVirt}' is not reachable (KubeVirtNotServed: `);
    expect(message).toContain(`hub '${H.badYaml}' is not reachable (KubeconfigInvalid: `);
    expect(message).toContain(`hub '${H.badToken}' is not reachable (Unauthorized: `);
    expect(message).toContain(`hub '${H.noSecret}' is not reachable (KubeconfigMissing: `);
    expect(message).toContain(`hub '${H.down}' is not reachable (Unreachable: `);
  });

  it("GIVEN a placed order THEN its hub cannot be changed, and a client that drops it gets it back", async () => {
    const list = (await objects.listNamespacedCustomObject({ ...ORDER_GROUP, namespace: ordersNs })) as { items: any[] };
    const target = list.items.find((item) => item.metadata.annotations[HUB] === H.b)!;
    const path = `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ordersNs}/virtualmachines/${target.metadata.name}`;
    const change = await rawRequest(admin, "PATCH", path, JSON.stringify({ metadata: { annotations: { [HUB]: H.a } } }), "application/merge-patch+json");
    expect(change.status).toBe(422);
    expect(JSON.parse(change.body).message).toContain(`metadata.annotations[cloudkit.openshift.io/hub]: is immutable: the order was placed on hub "${H.b}"; an order never moves`);
    const drop = await rawRequest(admin, "PATCH", path, JSON.stringify({ metadata: { annotations: { [HUB]: null } } }), "application/merge-patch+json");
    expect(drop.status).toBe(200);
    expect(JSON.parse(drop.body).metadata.annotations[HUB]).toBe(H.b);
  });

  it("GIVEN a hub added to a full registry THEN no order moves, and new orders go to it", async () => {
    const before = await ordersByHub();
    await addHub(H.added, hubKubeconfig(hubA, hubA.adminToken), ["--label", "region=eu", "--vcpus", "64", "--memory", "128Gi"]);
    await waitReachable(H.added, "True", "Probed");
    expect(await ordersByHub()).toEqual(before);
    await eventually(async () => expect(await placedOn(order({ cpu_cores: 4 }))).toBe(H.added), 15_000, 200);
  });

  it("GIVEN an explicit hub on CREATE THEN it is checked against the registry", async () => {
    const toBroken = await create(order({}, { [HUB]: H.noKubeVirt }));
    expect(!toBroken.ok && toBroken.message).toContain(`cannot take new orders: hub '${H.noKubeVirt}' is not reachable (KubeVirtNotServed`);
    const toUnknown = await create(order({}, { [HUB]: "mars" }));
    expect(!toUnknown.ok && toUnknown.message).toContain("names no registered hub");
    expect(await placedOn(order({ cpu_cores: 1 }, { [HUB]: H.added }))).toBe(H.added);
  });
});

describe("secrets", () => {
  it("GIVEN every log, status and CLI output of this run THEN no kubeconfig content appears in any of them", async () => {
    const hubs = JSON.stringify(await Promise.all(Object.values(H).map((name) => readHub(name))));
    const texts = { controllerLog: controller.log(), webhookLog: fs.readFileSync(webhook.logFile, "utf8"), hubStatuses: hubs, cli: cliOutput.join("\n") };
    const secrets = [GARBAGE_MARKER, WRONG_TOKEN, hubA.adminToken, hubB.adminToken, hubNoKubeVirt.adminToken, fs.readFileSync(hubA.caPath).toString("base64").slice(64, 128)];
    for (const [where, text] of Object.entries(texts)) {
      expect(text.length, where).toBeGreaterThan(0);
      for (const secret of secrets) expect(text.includes(secret), `${where} contains a secret`).toBe(false);
    }
    // The probes did run and were logged.
    expect(texts.controllerLog).toContain('"msg":"Probed a Hub: its reachability changed"');
  });
});
