// When the committer's finalizer waits on the branch (order-housekeeping.ts awaitsRelease): the
// decision that picks, among the orders the commit loop settled, those the housekeeping looks at.
import { describe, expect, it } from "vitest";
import type { RawObject } from "../../../../src/controller/cache/raw-object.ts";
import { awaitsRelease, COMMITTER_FINALIZER } from "../../../../src/gitops/committer/order-housekeeping.ts";
import { orderDocument } from "../../../support/orders.ts";

interface Shape {
  readonly managedBy?: string;
  readonly finalizers?: readonly string[];
  readonly deleting?: boolean;
}

function order(options: Shape): RawObject {
  const raw = orderDocument({ cpu_cores: "2" }, { name: "vm-a", namespace: "orders", tenant: "acme", ...(options.managedBy ? { managedBy: options.managedBy } : {}) }) as unknown as RawObject;
  if (options.finalizers) raw.metadata.finalizers = [...options.finalizers];
  if (options.deleting) raw.metadata.deletionTimestamp = new Date("2026-12-06T18:00:00Z");
  return raw;
}

describe("awaitsRelease", () => {
  it.each<[string, Shape, boolean]>([
    ["a gitops order with the finalizer", { managedBy: "gitops", finalizers: [COMMITTER_FINALIZER] }, false],
    ["a gitops order without it", { managedBy: "gitops" }, false],
    ["a gitops order being deleted with the finalizer", { managedBy: "gitops", finalizers: ["other.example/keep", COMMITTER_FINALIZER], deleting: true }, true],
    ["an order moved to controller with the finalizer", { managedBy: "controller", finalizers: [COMMITTER_FINALIZER] }, true],
    ["an order moved to aap with the finalizer", { managedBy: "aap", finalizers: [COMMITTER_FINALIZER] }, true],
    ["an order whose managed-by annotation was removed, with the finalizer", { finalizers: [COMMITTER_FINALIZER] }, true],
    ["a controller order with only someone else's finalizer", { managedBy: "controller", finalizers: ["other.example/keep"] }, false],
    ["an order being deleted without the finalizer", { managedBy: "gitops", deleting: true }, false],
  ])("GIVEN %s THEN awaits release: %s", (_what, options, expected) => {
    expect(awaitsRelease(order(options))).toBe(expected);
  });

  it("GIVEN no order (gone from the cache) THEN nothing waits", () => {
    expect(awaitsRelease(undefined)).toBe(false);
  });
});
