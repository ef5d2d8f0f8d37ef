import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatRejections, placeOrder, type HubCandidate, type PlacementRequest } from "../../../src/domain/placement/place.ts";
import { parseLabelSelector, type LabelSelector } from "../../../src/domain/placement/label-selector.ts";

const GiB = 1024 ** 3;

function hub(id: string, overrides: Partial<HubCandidate> = {}): HubCandidate {
  return {
    id,
    capabilities: ["virtualmachines"],
    labels: {},
    capacity: { vms: 100, vcpus: 200, memoryBytes: 400 * GiB },
    allocated: {},
    cordoned: false,
    reachable: true,
    ...overrides,
  };
}

function selector(text: string): LabelSelector {
  const parsed = parseLabelSelector(text);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed.selector;
}

function request(key: string, overrides: Partial<PlacementRequest> = {}): PlacementRequest {
  return { key, vcpus: 2, memoryBytes: 2 * GiB, selector: [], ...overrides };
}

describe("placeOrder", () => {
  it("GIVEN hubs with different loads THEN it picks the least loaded relative to capacity", () => {
    const decision = placeOrder(request("o1"), [
      hub("big-busy", { capacity: { vcpus: 1000 }, allocated: { vcpus: 600 } }),
      hub("small-idle", { capacity: { vcpus: 100 }, allocated: { vcpus: 10 } }),
    ]);
    expect(decision).toEqual({ placed: true, hub: "small-idle", load: 0.12 });
  });

  it("GIVEN the dominant dimension is memory THEN memory decides", () => {
    const decision = placeOrder(request("o1"), [
      hub("a", { allocated: { vcpus: 150, memoryBytes: 10 * GiB } }),
      hub("b", { allocated: { vcpus: 10, memoryBytes: 390 * GiB } }),
    ]);
    expect(decision.placed && decision.hub).toBe("a");
  });

  it("GIVEN equal hubs THEN the tie is broken by the order's key, deterministically, and spreads", () => {
    const hubs = ["h1", "h2", "h3", "h4"].map((id) => hub(id));
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const first = placeOrder(request(`order-${i}`), hubs);
      const again = placeOrder(request(`order-${i}`), [...hubs].reverse());
      expect(again).toEqual(first);
      if (first.placed) counts.set(first.hub, (counts.get(first.hub) ?? 0) + 1);
    }
    for (const id of ["h1", "h2", "h3", "h4"]) expect(counts.get(id)).toBeGreaterThan(850);
  });

  it("GIVEN no hub fits THEN it lists every hub with its reason, sorted by hub", () => {
    const decision = placeOrder(request("o1", { vcpus: 8, memoryBytes: 16 * GiB, selector: selector("region=eu") }), [
      hub("z-full", { labels: { region: "eu" }, capacity: { vms: 10, vcpus: 64, memoryBytes: 128 * GiB }, allocated: { vms: 10, vcpus: 60, memoryBytes: 120 * GiB } }),
      hub("y-us", { labels: { region: "us" } }),
      hub("x-clusters", { capabilities: ["clusters"] }),
      hub("w-cordoned", { cordoned: true }),
      hub("v-down", { reachable: false, unreachableReason: "the KubeVirt API kubevirt.io/v1 is not served" }),
    ]);
    expect(decision.placed).toBe(false);
    if (decision.placed) return;
    expect(formatRejections(decision.rejections)).toBe(
      "hub 'v-down' is not reachable (the KubeVirt API kubevirt.io/v1 is not served); " +
        "hub 'w-cordoned' is cordoned; " +
        "hub 'x-clusters' lacks the 'virtualmachines' capability; " +
        "hub 'y-us' does not match the hub selector 'region=eu'; " +
        "hub 'z-full' is full: no VM slot (10 of 10 used); needs 8 vCPUs, 4 of 64 free; needs 16Gi memory, 8Gi of 128Gi free",
    );
  });

  it("GIVEN no hub at all THEN the message says so", () => {
    const decision = placeOrder(request("o1"), []);
    expect(decision.placed).toBe(false);
    if (!decision.placed) expect(formatRejections(decision.rejections)).toBe("no hub is registered");
  });

  it("GIVEN a capacity without limits THEN only the limited dimensions count", () => {
    const decision = placeOrder(request("o1"), [hub("unlimited", { capacity: {} }), hub("half", { capacity: { vms: 2 }, allocated: { vms: 0 } })]);
    expect(decision).toEqual({ placed: true, hub: "unlimited", load: 0 });
  });

  it("PROPERTY: a placed order always fits its hub, and the hub chosen is never more loaded than another that fits", () => {
    const hubArb = fc.record({
      id: fc.stringMatching(/^[a-z]{1,6}$/),
      vcpus: fc.integer({ min: 1, max: 256 }),
      usedVcpus: fc.integer({ min: 0, max: 256 }),
      memGi: fc.integer({ min: 1, max: 512 }),
      usedMemGi: fc.integer({ min: 0, max: 512 }),
      cordoned: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.uniqueArray(hubArb, { selector: (h) => h.id, maxLength: 8 }), fc.integer({ min: 1, max: 16 }), fc.string(), (specs, vcpus, key) => {
        const hubs = specs.map((s) =>
          hub(s.id, { cordoned: s.cordoned, capacity: { vcpus: s.vcpus, memoryBytes: s.memGi * GiB }, allocated: { vcpus: s.usedVcpus, memoryBytes: s.usedMemGi * GiB } }),
        );
        const decision = placeOrder(request(key, { vcpus, memoryBytes: 2 * GiB }), hubs);
        const fits = specs.filter((s) => !s.cordoned && s.vcpus - s.usedVcpus >= vcpus && s.memGi - s.usedMemGi >= 2);
        expect(decision.placed).toBe(fits.length > 0);
        if (!decision.placed) {
          expect(decision.rejections).toHaveLength(specs.length);
          return;
        }
        const chosen = fits.find((s) => s.id === decision.hub)!;
        expect(chosen).toBeDefined();
        const load = (s: (typeof specs)[number]) => Math.max((s.usedVcpus + vcpus) / s.vcpus, (s.usedMemGi + 2) / s.memGi);
        for (const other of fits) expect(load(chosen)).toBeLessThanOrEqual(load(other) + 1e-9);
      }),
      { numRuns: 2000 },
    );
  });

  it("GIVEN a fleet filled order by order THEN least-loaded keeps every hub's load within one order of the others (unlike first-fit)", () => {
    const capacities = [64, 128, 256];
    const allocated = capacities.map(() => 0);
    for (let i = 0; i < 200; i++) {
      const hubs = capacities.map((vcpus, index) => hub(`h${index}`, { capacity: { vcpus }, allocated: { vcpus: allocated[index]! } }));
      const decision = placeOrder(request(`o${i}`, { vcpus: 2, memoryBytes: 0 }), hubs);
      if (!decision.placed) throw new Error("expected room");
      allocated[Number(decision.hub.slice(1))]! += 2;
    }
    const loads = allocated.map((used, index) => used / capacities[index]!);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(2 / 64);
  });
});
