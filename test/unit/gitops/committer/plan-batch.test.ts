import { describe, expect, it } from "vitest";
import type { Order } from "../../../../src/domain/order.ts";
import { planTree } from "../../../../src/render/tree/plan.ts";
import { intentOf, type OrderIntent } from "../../../../src/gitops/committer/order-intent.ts";
import { OwnedFiles } from "../../../../src/gitops/committer/owned-files.ts";
import { planBatch } from "../../../../src/gitops/committer/plan-batch.ts";
import { guardRemovals } from "../../../../src/gitops/committer/removal-hold.ts";
import { DEFAULT_REMOVAL_POLICY } from "../../../../src/render/tree/removal-guard.ts";
import { orderDocument, validOrder } from "../../../support/orders.ts";

const OPTIONS = { profile: "gitops", allowPlainSecrets: false } as const;
const PREFIX = "rendered";
const planOrder = (order: Order) => planTree([order], OPTIONS);
const order = (name: string, parameters: Record<string, unknown> = {}) => validOrder({ cpu_cores: "2", ...parameters }, { name, namespace: "orders", tenant: "acme", managedBy: "gitops" });
const key = (o: Order) => `${o.namespace}/${o.name}`;
const write = (o: Order): OrderIntent => ({ kind: "write", order: o });

/** A tree holding these orders as the committer would have written them. */
function treeOf(...orders: Order[]): OwnedFiles {
  const owned = new OwnedFiles();
  for (const o of orders) {
    for (const file of planOrder(o)) {
      owned.set({
        path: `${PREFIX}/${file.path}`,
        blobId: `blob-${file.path}`,
        inputDigest: file.inputDigest,
        intact: true,
        ...(file.source.kind === "order" ? { orderKey: key(o) } : {}),
      });
    }
  }
  return owned;
}

const plan = (intents: [string, OrderIntent][], owned: OwnedFiles, suspect: string[] = []) =>
  planBatch({ intents: new Map(intents), owned, prefix: PREFIX, planOrder, suspect: new Set(suspect) });

describe("planBatch", () => {
  const a = order("vm-a");
  const b = order("vm-b");
  const directory = `${PREFIX}/${a.tenantNamespace}`;

  it("GIVEN a new order in an empty tree THEN its file and its tenant's _namespace.yaml are written", () => {
    const result = plan([[key(a), write(a)]], new OwnedFiles());
    expect(result.writes.map((w) => [w.path, w.exists, w.orderKey])).toEqual([
      [`${directory}/vm-a.yaml`, false, "orders/vm-a"],
      [`${directory}/_namespace.yaml`, false, undefined],
    ]);
    expect(result.removals).toEqual([]);
  });

  it("GIVEN an order whose file records the same input digest THEN nothing is written and the order is current", () => {
    const result = plan([[key(a), write(a)]], treeOf(a, b));
    expect(result).toEqual({ writes: [], removals: [], current: ["orders/vm-a"], kept: [], occupied: [] });
  });

  it("GIVEN a changed order THEN only its file is written, as a change", () => {
    const changed = order("vm-a", { cpu_cores: "4" });
    const result = plan([[key(changed), write(changed)]], treeOf(a, b));
    expect(result.writes.map((w) => [w.path, w.exists])).toEqual([[`${directory}/vm-a.yaml`, true]]);
  });

  it("GIVEN a file another commit touched THEN it is rendered again even though its digest matches", () => {
    const result = plan([[key(a), write(a)]], treeOf(a, b), [`${directory}/vm-a.yaml`]);
    expect(result.writes.map((w) => w.path)).toEqual([`${directory}/vm-a.yaml`]);
  });

  it("GIVEN a file whose body lost its recorded length THEN it is rendered again", () => {
    const owned = treeOf(a, b);
    owned.set({ ...owned.get(`${directory}/vm-a.yaml`)!, intact: false });
    expect(plan([[key(a), write(a)]], owned).writes.map((w) => w.path)).toEqual([`${directory}/vm-a.yaml`]);
  });

  it("GIVEN one of two orders deleted THEN its file goes and the _namespace.yaml stays", () => {
    const result = plan([[key(a), { kind: "remove", reason: "deleting" }]], treeOf(a, b));
    expect(result.removals).toEqual([{ path: `${directory}/vm-a.yaml`, orderKey: "orders/vm-a" }]);
    expect(result.writes).toEqual([]);
  });

  it("GIVEN the last order of a tenant gone THEN the _namespace.yaml goes with it", () => {
    const result = plan([[key(a), { kind: "remove", reason: "gone" }]], treeOf(a));
    expect(result.removals.map((r) => r.path)).toEqual([`${directory}/vm-a.yaml`, `${directory}/_namespace.yaml`]);
  });

  it("GIVEN an order that cannot be rendered THEN its file stays and it is reported as kept", () => {
    const result = plan([[key(a), { kind: "keep", reason: "InvalidOrder", message: "spec: broken" }]], treeOf(a));
    expect(result).toEqual({ writes: [], removals: [], current: [], kept: ["orders/vm-a"], occupied: [] });
  });

  it("GIVEN the order's path holds a file the renderer did not write THEN it is never overwritten", () => {
    const owned = new OwnedFiles();
    owned.setForeign(`${directory}/vm-a.yaml`);
    const result = plan([[key(a), write(a)]], owned);
    expect(result.occupied).toEqual([{ orderKey: "orders/vm-a", path: `${directory}/vm-a.yaml` }]);
    // No order file of ours lands in that directory, so no _namespace.yaml either.
    expect(result.writes).toEqual([]);
  });

  it("GIVEN an order absent from the tree that is removed THEN nothing happens", () => {
    expect(plan([[key(a), { kind: "remove", reason: "gone" }]], new OwnedFiles())).toEqual({ writes: [], removals: [], current: [], kept: [], occupied: [] });
  });
});

describe("intentOf", () => {
  it("GIVEN no order, another manager, a deletion THEN the files go, each with its reason", () => {
    expect(intentOf(undefined, OPTIONS)).toEqual({ kind: "remove", reason: "gone" });
    expect(intentOf(orderDocument({}, { managedBy: "aap" }) as never, OPTIONS)).toEqual({ kind: "remove", reason: "not-gitops" });
    const deleting = orderDocument({}, { managedBy: "gitops" }) as never as { metadata: Record<string, unknown> };
    deleting.metadata.deletionTimestamp = "2026-01-01T00:00:00Z";
    expect(intentOf(deleting as never, OPTIONS)).toEqual({ kind: "remove", reason: "deleting" });
  });

  it("GIVEN an invalid order THEN it is kept with the validation errors", () => {
    const intent = intentOf(orderDocument({ cpu_cores: "zero" }, { managedBy: "gitops" }) as never, OPTIONS);
    expect(intent).toMatchObject({ kind: "keep", reason: "InvalidOrder" });
    expect((intent as { message: string }).message).toContain("cpu_cores");
  });

  it("GIVEN own cloud-init without sealing THEN it is kept as SealingUnavailable, naming the settings", () => {
    const intent = intentOf(orderDocument({ cloud_init_config: Buffer.from("#cloud-config\npassword: x\n").toString("base64") }, { managedBy: "gitops" }) as never, OPTIONS);
    expect(intent).toMatchObject({ kind: "keep", reason: "SealingUnavailable" });
    expect((intent as { message: string }).message).toContain("--sealing-certificate-file");
    expect((intent as { message: string }).message).not.toContain("password");
  });
});

describe("guardRemovals", () => {
  const orders = Array.from({ length: 20 }, (_, i) => order(`vm-${i}`));
  const owned = treeOf(...orders);

  it("GIVEN a watch that lists nothing (every order gone) THEN no file is removed and the orders are held back", () => {
    const planned = plan(orders.map((o) => [key(o), { kind: "remove", reason: "gone" }] as [string, OrderIntent]), owned);
    const guarded = guardRemovals(planned, owned, PREFIX, DEFAULT_REMOVAL_POLICY);
    expect(guarded.plan.removals).toEqual([]);
    expect(guarded.heldBack).toHaveLength(20);
    expect(guarded.holds.map((hold) => hold.refusal.exceeded.map((limit) => limit.kind))).toEqual([["no-orders", "count", "percent"]]);
  });

  it("GIVEN one deletion among twenty THEN it goes through", () => {
    const planned = plan([[key(orders[0]!), { kind: "remove", reason: "deleting" }]], owned);
    const guarded = guardRemovals(planned, owned, PREFIX, DEFAULT_REMOVAL_POLICY);
    expect(guarded.plan.removals.map((r) => r.orderKey)).toEqual(["orders/vm-0"]);
    expect(guarded.holds).toEqual([]);
  });

  it("GIVEN allowMassRemoval THEN everything the orders say goes", () => {
    const planned = plan(orders.map((o) => [key(o), { kind: "remove", reason: "gone" }] as [string, OrderIntent]), owned);
    const guarded = guardRemovals(planned, owned, PREFIX, { ...DEFAULT_REMOVAL_POLICY, allowMassRemoval: true });
    expect(guarded.plan.removals).toHaveLength(21);
  });

  it("GIVEN held-back removals and a new order in the same batch THEN the new order is still written", () => {
    const fresh = order("vm-new");
    const intents: [string, OrderIntent][] = [...orders.map((o) => [key(o), { kind: "remove", reason: "gone" }] as [string, OrderIntent]), [key(fresh), write(fresh)]];
    const guarded = guardRemovals(plan(intents, owned), owned, PREFIX, DEFAULT_REMOVAL_POLICY);
    expect(guarded.plan.writes.map((w) => w.orderKey)).toEqual(["orders/vm-new"]);
    expect(guarded.plan.removals).toEqual([]);
  });
});
