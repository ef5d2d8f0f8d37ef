// The controller's namespace scope (--order-namespaces / --tenant-namespaces): parsed once, both or
// neither, every entry a namespace name; and the namespaced collection paths its informers watch.
import { describe, expect, it } from "vitest";
import { namespacedCollectionPath, WATCHED } from "../../../src/controller/cluster-cache.ts";
import { describeControllerConfigErrors, parseControllerConfig, type ControllerFlags } from "../../../src/controller/config.ts";

const parse = (flags: ControllerFlags) => parseControllerConfig(flags, {});

describe("controller namespace scope", () => {
  it("GIVEN neither flag THEN the controller watches cluster-wide (no scope)", () => {
    const parsed = parse({});
    expect(parsed.success).toBe(true);
    expect(parsed.data!.scope).toBeUndefined();
  });

  it("GIVEN both flags as comma-separated lists THEN the scope holds them, trimmed, empty entries dropped", () => {
    const parsed = parse({ "order-namespaces": "cloudkit-vm-orders", "tenant-namespaces": " cloudkit-vm-orders-ntfv23cm4rd2e, team-b-x ,," });
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data!.scope).toEqual({ orderNamespaces: ["cloudkit-vm-orders"], tenantNamespaces: ["cloudkit-vm-orders-ntfv23cm4rd2e", "team-b-x"] });
  });

  it.each([
    [{ "order-namespaces": "orders" }, "--tenant-namespaces: must name at least one namespace"],
    [{ "tenant-namespaces": "tenant-a" }, "--order-namespaces: must name at least one namespace"],
    [{ "order-namespaces": "orders", "tenant-namespaces": "" }, "--tenant-namespaces: must name at least one namespace"],
    [{ "order-namespaces": "orders,Bad_Name", "tenant-namespaces": "t" }, "--order-namespaces entry 2: must be a namespace name (DNS-1123 label)"],
    [{ "order-namespaces": "orders", "tenant-namespaces": "x".repeat(64) }, "--tenant-namespaces entry 1: must be at most 63 characters"],
  ] as const)("GIVEN %j THEN it is refused naming the flag: %s", (flags, message) => {
    const parsed = parse(flags);
    expect(parsed.success).toBe(false);
    expect(describeControllerConfigErrors(parsed.error!).join("\n")).toContain(message);
  });

  it.each([
    [WATCHED.orders, "/apis/cloudkit.openshift.io/v1alpha1/namespaces/orders/virtualmachines"],
    [WATCHED.secrets, "/api/v1/namespaces/orders/secrets"],
    [WATCHED.dataVolumes, "/apis/cdi.kubevirt.io/v1beta1/namespaces/orders/datavolumes"],
  ])("GIVEN the collection %s in namespace orders THEN the informer watches %s", (collection, expected) => {
    expect(namespacedCollectionPath(collection, "orders")).toBe(expected);
  });
});
