import { describe, expect, it } from "vitest";
import type { Hub } from "../../../../src/api/gitops/v1alpha1/hub.ts";
import { hubModel } from "../../../../src/hubs/hub-model.ts";
import { orderFileKey, routeOrders } from "../../../../src/render/hubs/hub-routing.ts";
import { validOrder } from "../../../support/orders.ts";

function hub(name: string, spec: Partial<Hub["spec"]> = {}, reachable?: "True" | "False") {
  return hubModel({
    apiVersion: "gitops.cloudkit.openshift.io/v1alpha1",
    kind: "Hub",
    metadata: { name },
    spec: { capabilities: ["virtualmachines"], kubeconfigSecretRef: { name: `${name}-kubeconfig` }, ...spec },
    ...(reachable ? { status: { conditions: [{ type: "Reachable", status: reachable, reason: reachable === "True" ? "Probed" : "Unreachable", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" }] } } : {}),
  });
}

const order = (name: string, annotations: Record<string, string> = {}, cpu = 2) => validOrder({ cpu_cores: cpu }, { name, annotations });
const NONE = new Map<string, string>();

describe("routeOrders", () => {
  it("GIVEN an order with the hub annotation THEN it goes to that hub, whatever the load", () => {
    const routing = routeOrders([order("vm-a", { "cloudkit.openshift.io/hub": "b" })], [hub("a"), hub("b", { capacity: { vcpus: 1 } })], NONE);
    expect(routing.errors).toEqual([]);
    expect(routing.routes.map((r) => [r.order.name, r.hub, r.how])).toEqual([["vm-a", "b", "annotation"]]);
  });

  it("GIVEN an annotation naming a hub the file lacks THEN an error names the order, the field and the hubs there are", () => {
    const routing = routeOrders([order("vm-a", { "cloudkit.openshift.io/hub": "gone" })], [hub("a")], NONE);
    expect(routing.routes).toEqual([]);
    expect(routing.errors).toEqual(["VirtualMachine cloudkit-vm-orders/vm-a: metadata.annotations[cloudkit.openshift.io/hub]: hub 'gone' is not in the hub file (it names 'a')"]);
  });

  it("GIVEN unannotated orders THEN they are placed as admission does (least loaded relative to capacity), the same on every run", () => {
    const hubs = [hub("big", { capacity: { vcpus: 64 } }), hub("small", { capacity: { vcpus: 32 } }), hub("clusters", { capabilities: ["clusters"] })];
    const orders = Array.from({ length: 30 }, (_, index) => order(`vm-${String(index).padStart(2, "0")}`));
    const first = routeOrders(orders, hubs, NONE);
    const counts = new Map<string, number>();
    for (const route of first.routes) counts.set(route.hub, (counts.get(route.hub) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ big: 20, small: 10 });
    expect(routeOrders([...orders].reverse(), hubs, NONE).routes.map((r) => `${r.hub}/${r.order.name}`)).toEqual(first.routes.map((r) => `${r.hub}/${r.order.name}`));
  });

  it("GIVEN an order already rendered on a hub THEN it stays there, and a new order does not move it", () => {
    const hubs = [hub("a", { capacity: { vcpus: 8 } }), hub("b", { capacity: { vcpus: 8 } })];
    const old = order("vm-old", {}, 8);
    const existing = new Map([[orderFileKey(old), "a"]]);
    const routing = routeOrders([old, order("vm-new", {}, 8)], hubs, existing);
    expect(routing.routes.map((r) => [r.order.name, r.hub, r.how])).toEqual([
      ["vm-old", "a", "existing"],
      ["vm-new", "b", "placed"],
    ]);
  });

  it("GIVEN the hub selector, a cordoned hub and a hub whose file status says unreachable THEN those rules hold offline; no hub fits → one error listing each hub", () => {
    const hubs = [hub("eu", { labels: { region: "eu" } }), hub("us", { labels: { region: "us" } }), hub("eu-2", { labels: { region: "eu" }, cordoned: true }), hub("eu-3", { labels: { region: "eu" } }, "False")];
    const placed = routeOrders([order("vm-eu", { "cloudkit.openshift.io/hub-selector": "region=eu" })], hubs, NONE);
    expect(placed.routes.map((r) => r.hub)).toEqual(["eu"]);
    const denied = routeOrders([order("vm-asia", { "cloudkit.openshift.io/hub-selector": "region=asia" })], hubs, NONE);
    expect(denied.errors).toEqual([
      "VirtualMachine cloudkit-vm-orders/vm-asia: no hub in the hub file can take it: hub 'eu' does not match the hub selector 'region=asia'; " +
        "hub 'eu-2' is cordoned; hub 'eu-3' is not reachable (Unreachable); hub 'us' does not match the hub selector 'region=asia'",
    ]);
  });
});
