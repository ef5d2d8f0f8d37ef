import { describe, expect, it } from "vitest";
import { checkHubRemovals } from "../../../../src/render/hubs/hub-removals.ts";
import { DEFAULT_REMOVAL_POLICY } from "../../../../src/render/tree/removal-guard.ts";

const files = (hub: string, count: number) => Array.from({ length: count }, (_, index) => `hubs/${hub}/tenant/vm-${index}.yaml`);

describe("checkHubRemovals", () => {
  it("GIVEN one hub losing all its orders in a large fleet THEN that hub's tree refuses, though the fleet's share is small", () => {
    const inTree = [...files("a", 20), ...files("b", 2), "hubs/b/tenant/_namespace.yaml"];
    const planned = files("a", 20);
    const removed = [...files("b", 2), "hubs/b/tenant/_namespace.yaml"];
    const result = checkHubRemovals({ filesInTree: inTree, plannedFiles: planned, removedFiles: removed }, DEFAULT_REMOVAL_POLICY);
    expect(result.tree).toBe("hubs/b");
    expect(result.verdict.allowed).toBe(false);
    expect(result.verdict.removedOrders).toEqual(["hubs/b/tenant/vm-0.yaml", "hubs/b/tenant/vm-1.yaml"]);
    if (!result.verdict.allowed) expect(result.verdict.exceeded.map((limit) => limit.kind)).toEqual(["no-orders", "percent"]);
  });

  it("GIVEN removals within each hub's limits but past the per-render count THEN the fleet refuses", () => {
    const inTree = [...files("a", 30), ...files("b", 30)];
    const removed = [...files("a", 30).slice(0, 6), ...files("b", 30).slice(0, 6)];
    const planned = inTree.filter((path) => !removed.includes(path));
    const result = checkHubRemovals({ filesInTree: inTree, plannedFiles: planned, removedFiles: removed }, DEFAULT_REMOVAL_POLICY);
    expect(result.tree).toBe("");
    expect(result.verdict.allowed).toBe(false);
    expect(result.verdict.removedOrders).toHaveLength(12);
    expect(result.verdict.ordersInTree).toBe(60);
  });

  it("GIVEN a few removals and --allow-mass-removal past a hub's limit THEN allowed, waived", () => {
    const ok = checkHubRemovals({ filesInTree: files("a", 10), plannedFiles: files("a", 9), removedFiles: ["hubs/a/tenant/vm-9.yaml"] }, DEFAULT_REMOVAL_POLICY);
    expect(ok.verdict).toMatchObject({ allowed: true, waived: [] });
    const waived = checkHubRemovals({ filesInTree: files("a", 2), plannedFiles: [], removedFiles: files("a", 2) }, { ...DEFAULT_REMOVAL_POLICY, allowMassRemoval: true });
    expect(waived.verdict.allowed).toBe(true);
  });
});
