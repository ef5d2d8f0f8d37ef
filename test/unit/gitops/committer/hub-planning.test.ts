import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Order } from "../../../../src/domain/order.ts";
import { factsOfHead } from "../../../../src/gitops/committer/file-head.ts";
import { hubIntentOf, type HubDirectory } from "../../../../src/gitops/committer/hub-intent.ts";
import { HubFileRenderer, HubRenderers } from "../../../../src/gitops/committer/hub-renderers.ts";
import type { OrderIntent } from "../../../../src/gitops/committer/order-intent.ts";
import { OwnedFiles } from "../../../../src/gitops/committer/owned-files.ts";
import { batchTenants, ordersAfterBatch, planArgoCdFiles } from "../../../../src/gitops/committer/plan-argocd.ts";
import { planBatch } from "../../../../src/gitops/committer/plan-batch.ts";
import { guardRemovals } from "../../../../src/gitops/committer/removal-hold.ts";
import { inLayout } from "../../../../src/gitops/committer/tree-sync.ts";
import { parseValueKey } from "../../../../src/gitops/sealing/index.ts";
import { hubModel, type HubModel } from "../../../../src/hubs/hub-model.ts";
import { planArgoCd } from "../../../../src/render/hubs/hub-tree-plan.ts";
import { composeFile } from "../../../../src/render/tree/rendered-file.ts";
import { DEFAULT_REMOVAL_POLICY } from "../../../../src/render/tree/removal-guard.ts";
import { orderDocument, validOrder } from "../../../support/orders.ts";
import { rsaKeyPair, selfSignedCertificate } from "../../../support/sealing.ts";

const PREFIX = "rendered";
const BASE = { profile: "gitops", allowPlainSecrets: false } as const;
const SETTINGS = { repoURL: "https://git.example.com/fleet.git", targetRevision: "main", path: PREFIX, namespace: "argocd" };
const USER_DATA = Buffer.from("#cloud-config\npassword: x\n").toString("base64");

function hub(name: string, spec: Record<string, unknown> = {}): HubModel {
  return hubModel({ apiVersion: "gitops.cloudkit.openshift.io/v1alpha1", kind: "Hub", metadata: { name }, spec: { capabilities: ["virtualmachines"], kubeconfigSecretRef: { name: "k" }, ...spec } } as never);
}

function directory(hubs: HubModel[], valueKey = parseValueKey(randomBytes(48), "test")): HubDirectory {
  const renderers = new HubRenderers({ base: BASE, valueKey, reseal: false });
  const byName = new Map(hubs.map((h) => [h.name, h]));
  return { hub: (name) => byName.get(name), names: () => [...byName.keys()].sort(), rendererFor: (h) => renderers.for(h) };
}

const raw = (name: string, hubName: string | undefined, parameters: Record<string, unknown> = {}, tenant = "acme") =>
  orderDocument({ cpu_cores: "2", ...parameters }, { name, namespace: "orders", tenant, managedBy: "gitops", ...(hubName ? { annotations: { "cloudkit.openshift.io/hub": hubName } } : {}) }) as never;
const order = (name: string, hubName: string, tenant = "acme"): Order =>
  validOrder({ cpu_cores: "2" }, { name, namespace: "orders", tenant, managedBy: "gitops", annotations: { "cloudkit.openshift.io/hub": hubName } });

describe("hubIntentOf", () => {
  const hubs = directory([hub("hub-a", { sealingCertificate: selfSignedCertificate(rsaKeyPair().publicKey) }), hub("hub-plain")]);

  it("GIVEN an order on a known hub THEN it is written by that hub's renderer, under hubs/<hub>/, the hub named in its header", () => {
    const intent = hubIntentOf(raw("vm-a", "hub-a", { cloud_init_config: USER_DATA }), undefined, hubs, BASE);
    expect(intent.kind).toBe("write");
    const renderer = (intent as Extract<OrderIntent, { kind: "write" }>).renderer as HubFileRenderer;
    expect(renderer.hub.name).toBe("hub-a");
    expect(renderer.sealing).toBe(true);
    const planned = renderer.planOrder((intent as Extract<OrderIntent, { kind: "write" }>).order);
    expect(planned.map((file) => file.path)).toEqual([expect.stringMatching(/^hubs\/hub-a\/orders-[a-z0-9]+\/_namespace\.yaml$/), expect.stringMatching(/^hubs\/hub-a\/orders-[a-z0-9]+\/vm-a\.yaml$/)]);
    expect(planned[1]!.description).toBe("VirtualMachine orders/vm-a on hub 'hub-a'");
  });

  it("GIVEN no hub annotation THEN the single-cluster layout (no renderer), unless its file is on a hub already (sticky, as render --hubs)", () => {
    const single = hubIntentOf(raw("vm-s", undefined), undefined, hubs, BASE);
    expect(single).toMatchObject({ kind: "write" });
    expect((single as { renderer?: unknown }).renderer).toBeUndefined();
    const sticky = hubIntentOf(raw("vm-s", undefined), "hubs/hub-plain/orders-x/vm-s.yaml", hubs, BASE);
    expect(((sticky as { renderer?: HubFileRenderer }).renderer as HubFileRenderer).hub.name).toBe("hub-plain");
  });

  it("GIVEN an unknown hub, a file on another hub, or cloud-init for a hub without a certificate THEN the order is kept, the reason naming the hub", () => {
    expect(hubIntentOf(raw("vm-x", "hub-x"), undefined, hubs, BASE)).toEqual({
      kind: "keep",
      reason: "UnknownHub",
      message: "Its annotation cloudkit.openshift.io/hub names hub 'hub-x', which is not a Hub on this cluster (known: hub-a, hub-plain). Its files are written once that Hub exists (osac-vm hubs add)",
    });
    expect(hubIntentOf(raw("vm-m", "hub-a"), "hubs/hub-plain/orders-x/vm-m.yaml", hubs, BASE)).toMatchObject({ kind: "keep", reason: "HubChanged", message: expect.stringContaining("Its files are on hub 'hub-plain'") });
    expect(hubIntentOf(raw("vm-m", "hub-a"), "orders-x/vm-m.yaml", hubs, BASE)).toMatchObject({ kind: "keep", reason: "HubChanged", message: expect.stringContaining("in the single-cluster layout") });
    expect(hubIntentOf(raw("vm-p", "hub-plain", { cloud_init_config: USER_DATA }), undefined, hubs, BASE)).toMatchObject({ kind: "keep", reason: "SealingUnavailable", message: expect.stringContaining("its hub 'hub-plain' has no spec.sealingCertificate") });
  });

  it("GIVEN a hub with a certificate and no value key, or a certificate that does not parse THEN its orders are kept with the problem", () => {
    const noKey = new HubRenderers({ base: BASE, reseal: false });
    const withoutKey: HubDirectory = { hub: () => hub("hub-a", { sealingCertificate: selfSignedCertificate(rsaKeyPair().publicKey) }), names: () => ["hub-a"], rendererFor: (h) => noKey.for(h) };
    expect(hubIntentOf(raw("vm-a", "hub-a"), undefined, withoutKey, BASE)).toMatchObject({ reason: "SealingUnavailable", message: expect.stringContaining("start it with --sealing-key-file") });
    const broken = directory([hub("hub-a", { sealingCertificate: "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n" })]);
    expect(hubIntentOf(raw("vm-a", "hub-a"), undefined, broken, BASE)).toMatchObject({ reason: "SealingUnavailable", message: expect.stringContaining("hub 'hub-a' spec.sealingCertificate") });
  });

  it("GIVEN the same hub twice THEN its renderer is reused; a changed storage class builds a new one", () => {
    const renderers = new HubRenderers({ base: BASE, reseal: false });
    const first = renderers.for(hub("hub-a"));
    expect(renderers.for(hub("hub-a"))).toBe(first);
    expect(renderers.for(hub("hub-a", { defaultStorageClass: "fast" }))).not.toBe(first);
  });
});

/** A tree holding these orders on their hubs, as the committer would have written them, and their Argo CD files. */
function treeOf(orders: Order[], hubs: HubModel[]): OwnedFiles {
  const owned = new OwnedFiles();
  const renderers = new HubRenderers({ base: BASE, reseal: false });
  for (const o of orders) {
    const renderer = renderers.for(hubs.find((h) => h.name === o.hub)!) as { renderer: HubFileRenderer };
    for (const file of renderer.renderer.planOrder(o)) {
      owned.set({ path: `${PREFIX}/${file.path}`, blobId: `blob-${file.path}`, inputDigest: file.inputDigest, intact: true, ...(file.source.kind === "order" ? { orderKey: `${o.namespace}/${o.name}` } : {}) });
    }
  }
  const pairs = new Map(orders.map((o) => [`${o.hub}/${o.tenantNamespace}`, { hub: o.hub!, clusterName: o.hub!, tenantNamespace: o.tenantNamespace }]));
  for (const file of planArgoCd([...pairs.values()], SETTINGS)) owned.set({ path: `${PREFIX}/${file.path}`, blobId: `blob-${file.path}`, inputDigest: file.inputDigest, intact: true });
  return owned;
}

describe("planArgoCdFiles", () => {
  const hubs = [hub("hub-a"), hub("hub-b")];
  const a1 = order("vm-a1", "hub-a");
  const b1 = order("vm-b1", "hub-b");
  const g1 = order("vm-g1", "hub-b", "globex");
  const lookup = (name: string) => hubs.find((h) => h.name === name);
  const argo = (owned: OwnedFiles, intents: [string, OrderIntent][], extra: Partial<Parameters<typeof planArgoCdFiles>[0]> = {}) => {
    const renderers = new HubRenderers({ base: BASE, reseal: false });
    const map = new Map(intents);
    const withRenderers = new Map([...map].map(([k, i]) => [k, i.kind === "write" ? { ...i, renderer: (renderers.for(lookup(i.order.hub!)!) as { renderer: HubFileRenderer }).renderer } : i] as [string, OrderIntent]));
    const batch = planBatch({ intents: withRenderers, owned, prefix: PREFIX, planOrder: (o, r) => r!.planOrder(o), suspect: new Set() });
    return planArgoCdFiles({
      tenants: batchTenants(withRenderers, owned, PREFIX, false),
      owned,
      prefix: PREFIX,
      ordersAfter: ordersAfterBatch(batch, owned, new Set()),
      hub: lookup,
      hubNames: hubs.map((h) => h.name),
      settings: SETTINGS,
      suspect: new Set(),
      ...extra,
    });
  };

  it("GIVEN a tenant's first order on a new hub THEN its Application and the tenant's AppProject (now with both hubs) are written", () => {
    const owned = treeOf([a1], hubs);
    const b2 = order("vm-b2", "hub-b");
    const planned = argo(owned, [["orders/vm-b2", { kind: "write", order: b2 }]]);
    expect(planned.writes.map((write) => write.path)).toEqual([`${PREFIX}/argocd/applications/hub-b.${a1.tenantNamespace}.yaml`, `${PREFIX}/argocd/projects/osac-vm.${a1.tenantNamespace}.yaml`]);
    expect(planned.removals).toEqual([]);
    const project = planned.writes[1]!.file.source as unknown as { object: { spec: { destinations: unknown[] } } };
    expect(project.object.spec.destinations).toEqual([
      { name: "hub-a", namespace: a1.tenantNamespace },
      { name: "hub-b", namespace: a1.tenantNamespace },
    ]);
  });

  it("GIVEN a change to an order on a hub the tenant already has THEN no Argo CD file changes", () => {
    const owned = treeOf([a1, b1, g1], hubs);
    expect(argo(owned, [["orders/vm-a1", { kind: "write", order: order("vm-a1", "hub-a") }]])).toEqual({ writes: [], removals: [], held: [] });
  });

  it("GIVEN the last order of a tenant goes THEN its Application and AppProject go; the last on one of two hubs takes only that Application and rewrites the project", () => {
    const owned = treeOf([a1, b1, g1], hubs);
    const gone = argo(owned, [["orders/vm-g1", { kind: "remove", reason: "deleting" }]]);
    expect(gone.removals.map((removal) => removal.path)).toEqual([`${PREFIX}/argocd/applications/hub-b.${g1.tenantNamespace}.yaml`, `${PREFIX}/argocd/projects/osac-vm.${g1.tenantNamespace}.yaml`]);
    const oneHub = argo(owned, [["orders/vm-b1", { kind: "remove", reason: "deleting" }]]);
    expect(oneHub.removals.map((removal) => removal.path)).toEqual([`${PREFIX}/argocd/applications/hub-b.${b1.tenantNamespace}.yaml`]);
    expect(oneHub.writes.map((write) => write.path)).toEqual([`${PREFIX}/argocd/projects/osac-vm.${b1.tenantNamespace}.yaml`]);
  });

  it("GIVEN a tenant with orders on a hub that is no longer a Hub THEN its Argo CD files are left as they are", () => {
    const owned = treeOf([a1, b1], hubs);
    const planned = argo(owned, [["orders/vm-a1", { kind: "remove", reason: "deleting" }]], { hub: (name) => (name === "hub-b" ? undefined : lookup(name)), hubNames: ["hub-a"] });
    expect(planned).toEqual({ writes: [], removals: [], held: [a1.tenantNamespace] });
  });
});

describe("guardRemovals with hubs", () => {
  const hubs = [hub("hub-a"), hub("hub-b")];
  const onA = ["vm-a1", "vm-a2", "vm-a3"].map((name) => order(name, "hub-a"));
  const onB = Array.from({ length: 12 }, (_, i) => order(`vm-b${i}`, "hub-b"));
  const owned = treeOf([...onA, ...onB], hubs);
  const removals = (...orders: Order[]) =>
    planBatch({ intents: new Map(orders.map((o) => [`${o.namespace}/${o.name}`, { kind: "remove", reason: "gone" } as OrderIntent])), owned, prefix: PREFIX, planOrder: () => [], suspect: new Set() });

  it("GIVEN most of one hub's orders going THEN only that hub's removals wait, naming hubs/<hub>; another hub's single removal goes", () => {
    const guarded = guardRemovals(removals(onA[0]!, onA[1]!, onB[0]!), owned, PREFIX, DEFAULT_REMOVAL_POLICY, true);
    expect(guarded.heldBack.sort()).toEqual(["orders/vm-a1", "orders/vm-a2"]);
    expect(guarded.holds.map((hold) => hold.tree)).toEqual(["hubs/hub-a"]);
    expect(guarded.plan.removals.map((removal) => removal.orderKey)).toEqual(["orders/vm-b0"]);
  });

  it("GIVEN the same removals without hubs THEN the whole-tree limits allow them (the per-hub guard is what holds them)", () => {
    expect(guardRemovals(removals(onA[0]!, onA[1]!, onB[0]!), owned, PREFIX, DEFAULT_REMOVAL_POLICY, false).heldBack).toEqual([]);
  });

  it("GIVEN more orders going across hubs than the fleet's count allows THEN the fleet's limit holds them all", () => {
    // hub-a loses 1 of 3 and hub-b 4 of 12, each within the limits; 5 together are not.
    const guarded = guardRemovals(removals(onA[0]!, ...onB.slice(0, 4)), owned, PREFIX, { ...DEFAULT_REMOVAL_POLICY, maxRemovedOrders: 4 }, true);
    expect(guarded.holds.map((hold) => hold.tree)).toEqual([""]);
    expect(guarded.plan.removals).toEqual([]);
    expect(guarded.heldBack).toHaveLength(5);
  });
});

describe("per-hub paths", () => {
  it("GIVEN hubs THEN hubs/<hub>/<tenant>/ and argocd/ files are in the committer's layout; without hubs they are not", () => {
    for (const path of ["rendered/hubs/hub-a/orders-x/vm-a.yaml", "rendered/argocd/applications/hub-a.orders-x.yaml", "rendered/argocd/projects/osac-vm.orders-x.yaml"]) {
      expect([inLayout(path, PREFIX, true), inLayout(path, PREFIX, false)], path).toEqual([true, false]);
    }
    expect(inLayout("rendered/orders-x/vm-a.yaml", PREFIX, true)).toBe(true);
    expect(inLayout("rendered/argocd/other/x.yaml", PREFIX, true)).toBe(false);
  });

  it("GIVEN an order file of a hub's tree THEN its header names the order", () => {
    const file = composeFile("VirtualMachine orders/vm-a on hub 'hub-a.east'", "0123456789abcdef0123456789abcdef", "---\nkind: Secret\n");
    expect(factsOfHead(file, Buffer.byteLength(file))).toMatchObject({ orderKey: "orders/vm-a" });
  });
});
