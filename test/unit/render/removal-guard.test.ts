import { describe, expect, it } from "vitest";
import { checkRemovals, DEFAULT_REMOVAL_POLICY, describeRefusal, type RemovalPolicy, type RemovalRefusal } from "../../../src/render/tree/removal-guard.ts";

/** A tree of `count` orders spread over two tenant namespaces, each with its `_namespace.yaml`. */
function orderFiles(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, index) => `ns-${(from + index) % 2}/vm-${String(from + index).padStart(4, "0")}.yaml`);
}

const NAMESPACE_FILES = ["ns-0/_namespace.yaml", "ns-1/_namespace.yaml"];

/** The guard's input for a tree of `inTree` orders of which `removed` are dropped and `added` new ones planned. */
function scenario(inTree: number, removed: number, added = 0) {
  const tree = orderFiles(inTree);
  const kept = tree.slice(removed);
  const planned = [...kept, ...orderFiles(added, inTree), ...(kept.length + added > 0 ? NAMESPACE_FILES : [])];
  const filesInTree = [...tree, ...(inTree > 0 ? NAMESPACE_FILES : [])];
  const plannedSet = new Set(planned);
  return { filesInTree, plannedFiles: planned, removedFiles: filesInTree.filter((path) => !plannedSet.has(path)) };
}

const policy = (overrides: Partial<RemovalPolicy> = {}): RemovalPolicy => ({ ...DEFAULT_REMOVAL_POLICY, ...overrides });

describe("the removal guard", () => {
  it("GIVEN the defaults THEN they are 10 orders and 50 %, without the override", () => {
    expect(DEFAULT_REMOVAL_POLICY).toEqual({ maxRemovedOrders: 10, maxRemovedPercent: 50, allowMassRemoval: false });
  });

  it.each([
    // [orders in tree, removed, added, allowed, exceeded limits]
    [3, 1, 0, true, []],
    [2, 1, 0, true, []],
    [200, 10, 0, true, []],
    [0, 0, 5, true, []],
    [0, 0, 0, true, []],
    [5000, 0, 0, true, []],
    [3, 2, 0, false, ["percent"]],
    [200, 11, 0, false, ["count"]],
    [200, 40, 0, false, ["count"]],
    [15, 8, 0, false, ["percent"]],
    [30, 20, 0, false, ["count", "percent"]],
    [7, 7, 0, false, ["no-orders", "percent"]],
    [1, 1, 0, false, ["no-orders", "percent"]],
    [200, 200, 0, false, ["no-orders", "count", "percent"]],
    [4, 4, 4, false, ["percent"]],
  ] as const)("GIVEN %i orders in the tree, %i removed and %i added THEN allowed is %s (exceeded: %j)", (inTree, removed, added, allowed, kinds) => {
    const verdict = checkRemovals(scenario(inTree, removed, added), policy());
    expect(verdict.allowed).toBe(allowed);
    expect(verdict.removedOrders).toHaveLength(removed);
    expect(verdict.ordersInTree).toBe(inTree);
    const limits = verdict.allowed ? verdict.waived : verdict.exceeded;
    expect(limits.map((limit) => limit.kind)).toEqual(kinds);
  });

  it("GIVEN Namespace files only would go THEN they are not counted as orders", () => {
    const verdict = checkRemovals({ filesInTree: ["ns-0/vm-a.yaml", ...NAMESPACE_FILES], plannedFiles: ["ns-0/vm-a.yaml"], removedFiles: NAMESPACE_FILES });
    expect(verdict).toMatchObject({ allowed: true, removedOrders: [], ordersInTree: 1, waived: [] });
  });

  it("GIVEN allowMassRemoval THEN every removal is allowed and the limits it passed are named", () => {
    const verdict = checkRemovals(scenario(200, 200), policy({ allowMassRemoval: true }));
    expect(verdict.allowed).toBe(true);
    expect(verdict.allowed && verdict.waived.map((limit) => limit.kind)).toEqual(["no-orders", "count", "percent"]);
  });

  it.each([
    [{ maxRemovedOrders: 0 }, 200, 1, false],
    [{ maxRemovedOrders: 40 }, 200, 40, true],
    [{ maxRemovedOrders: 40 }, 200, 41, false],
    [{ maxRemovedPercent: 0 }, 3, 1, false],
    [{ maxRemovedPercent: 100, maxRemovedOrders: 1000 }, 3, 2, true],
    [{ maxRemovedPercent: 100, maxRemovedOrders: 1000 }, 3, 3, false],
    [{ maxRemovedPercent: 20, maxRemovedOrders: 1000 }, 200, 40, true],
    [{ maxRemovedPercent: 19, maxRemovedOrders: 1000 }, 200, 40, false],
  ] as const)("GIVEN policy %j, %i orders and %i removed THEN allowed is %s", (overrides, inTree, removed, allowed) => {
    expect(checkRemovals(scenario(inTree, removed), policy(overrides)).allowed).toBe(allowed);
  });

  it("GIVEN a refusal THEN the description lists the files that would go, at most 20, and how many more", () => {
    const verdict = checkRemovals(scenario(200, 40), policy()) as RemovalRefusal;
    const lines = describeRefusal(verdict, "/srv/rendered");
    expect(lines[0]).toBe("refusing to remove 40 of the 200 order(s) in /srv/rendered:");
    expect(lines[1]).toBe("  - 40 orders is more than the limit of 10 per render");
    expect(lines[2]).toBe("the order files that would be removed:");
    expect(lines.slice(3, 23)).toEqual(verdict.removedOrders.slice(0, 20).map((path) => `  ${path}`));
    expect(lines[23]).toBe("  … and 20 more");
    expect(lines).toHaveLength(24);
  });

  it("GIVEN an empty input THEN the description says so first", () => {
    const verdict = checkRemovals(scenario(7, 7), policy()) as RemovalRefusal;
    const lines = describeRefusal(verdict, "out");
    expect(lines[1]).toContain("the input holds no orders");
    expect(lines[2]).toBe("  - 100 % of the tree is more than the limit of 50 %");
    expect(lines.filter((line) => line.endsWith(".yaml"))).toHaveLength(7);
  });
});
