// Per-hub output on a real Argo CD (docs/adr/0030-per-hub-output.md): two more control planes are
// hubs, each registered with Argo CD by a cluster Secret; `osac-vm render --hubs` writes each
// hub's orders and the generated Applications and AppProjects, committed to the suite's Git
// server. Each hub's Application syncs only its own orders, to its own cluster.
import * as fs from "node:fs";
import * as path from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ARGOCD_NAMESPACE } from "../../scripts/cluster/argocd.ts";
import type { ControlPlane } from "../../scripts/cluster/harness.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import { adminKubeConfig, rawRequest, ResourceMapper, serverSideApply, uniqueName, type KubeObject } from "../e2e/support/kube.ts";
import { ArgoApplications, describeApplication, type Application } from "./support/argocd-app.ts";
import { gitopsOrder } from "./support/fixture.ts";
import { RENDERED_DIR, RenderedRepo } from "./support/rendered-repo.ts";
import { registerCluster, startHubPlanes, vmNamesOn } from "./support/hub-planes.ts";
import "./support/context.ts";

const ctx = inject("gitops");
const admin = adminKubeConfig(ctx.cluster);
const apps = new ArgoApplications(admin, ctx.argocd.controller.logFile);
const mapper = new ResourceMapper(admin);
const TEST_MANAGER = "gitops-hubs-test";
const HUB = "cloudkit.openshift.io/hub";
const suffix = Math.random().toString(36).slice(2, 7);
const H = { a: `gh-a-${suffix}`, b: `gh-b-${suffix}` };
const ORDERS_NS = uniqueName("hub-orders");
const TENANT = "hub-gitops";
const tenantNs = tenantNamespace(ORDERS_NS, TENANT);

let hubA: ControlPlane;
let hubB: ControlPlane;
let repo: RenderedRepo;
let commit: string;
const generated: KubeObject[] = [];

/** A gitops order placed on `hub` (as the admission webhook places it). */
function onHub(name: string, hub: string) {
  const order = gitopsOrder(name, ORDERS_NS, TENANT);
  return { ...order, metadata: { ...order.metadata, annotations: { ...order.metadata.annotations, [HUB]: hub } } };
}

function hubDocument(name: string, clusterName: string) {
  return { apiVersion: "gitops.cloudkit.openshift.io/v1alpha1", kind: "Hub", metadata: { name }, spec: { capabilities: ["virtualmachines"], kubeconfigSecretRef: { name: `${name}-kubeconfig` }, argocdClusterName: clusterName } };
}

beforeAll(async () => {
  const log = (line: string) => process.stderr.write(`[gitops hubs] ${line}\n`);
  [hubA, hubB] = await startHubPlanes(log);
  await registerCluster(admin, mapper, TEST_MANAGER, `cluster-${H.a}`, hubA);
  await registerCluster(admin, mapper, TEST_MANAGER, `cluster-${H.b}`, hubB);

  repo = await RenderedRepo.create(ctx.git, "hubs");
  repo.writeOrders([onHub("vm-a1", H.a), onHub("vm-a2", H.a), onHub("vm-b1", H.b)]);
  const hubsFile = path.join(repo.work, "hubs.yaml");
  fs.writeFileSync(hubsFile, [hubDocument(H.a, `cluster-${H.a}`), hubDocument(H.b, `cluster-${H.b}`)].map((hub) => yaml.dump(hub)).join("---\n"));
  await repo.render(["--hubs", hubsFile, "--argocd-repo-url", repo.url, "--argocd-path", RENDERED_DIR, "--argocd-revision", "main", "--argocd-namespace", ARGOCD_NAMESPACE]);
  commit = await repo.commitAndPush("Render per hub");
  const argocdDir = path.join(repo.work, RENDERED_DIR, "argocd");
  for (const kind of ["projects", "applications"]) {
    for (const file of fs.readdirSync(path.join(argocdDir, kind)).sort()) {
      for (const document of yaml.loadAll(fs.readFileSync(path.join(argocdDir, kind, file), "utf8")) as KubeObject[]) if (document) generated.push(document);
    }
  }
}, 300_000);

afterAll(async () => {
  for (const object of generated.filter((o) => o.kind === "Application")) await apps.delete(object.metadata.name).catch(() => {});
  for (const hub of [H.a, H.b]) await rawRequest(admin, "DELETE", `/api/v1/namespaces/${ARGOCD_NAMESPACE}/secrets/cluster-cluster-${hub}`).catch(() => {});
  await Promise.all([hubA?.stop(), hubB?.stop()]);
  repo?.dispose();
});

describe("GIVEN orders on two hubs rendered with --hubs and the generated Argo CD objects applied", () => {
  it("THEN each hub's Application syncs only its own orders, to its own cluster", async () => {
    expect(generated.map((object) => `${object.kind} ${object.metadata.name}`).sort()).toEqual([
      `AppProject osac-vm.${tenantNs}`,
      `Application ${H.a}.${tenantNs}`,
      `Application ${H.b}.${tenantNs}`,
    ]);
    for (const object of generated) await serverSideApply(admin, mapper, object, TEST_MANAGER);
    const synced: Application[] = [];
    for (const hub of [H.a, H.b]) {
      const app = await apps.waitSynced(`${hub}.${tenantNs}`, { revision: commit, timeoutMs: 180_000 });
      expect(app.status?.operationState?.phase, describeApplication(app)).toBe("Succeeded");
      synced.push(app);
    }
    const vmsIn = (app: Application) => (app.status?.resources ?? []).filter((r) => r.kind === "VirtualMachine").map((r) => r.name).sort();
    expect(vmsIn(synced[0]!)).toEqual(["vm-a1", "vm-a2"]);
    expect(vmsIn(synced[1]!)).toEqual(["vm-b1"]);
    expect(await vmNamesOn(hubA, tenantNs)).toEqual(["vm-a1", "vm-a2"]);
    expect(await vmNamesOn(hubB, tenantNs)).toEqual(["vm-b1"]);
    // Nothing of theirs on the management cluster.
    const management = await rawRequest(admin, "GET", `/apis/kubevirt.io/v1/namespaces/${tenantNs}/virtualmachines`);
    expect(management.status === 404 || JSON.parse(management.body).items.length === 0).toBe(true);
  });
});
