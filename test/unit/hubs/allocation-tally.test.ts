import { describe, expect, it } from "vitest";
import { AllocationTally } from "../../../src/hubs/allocation-tally.ts";

const GiB = 1024 ** 3;

function tally(ttlMs = 1000) {
  let now = 0;
  const changed: string[] = [];
  const t = new AllocationTally({ reservationTtlMs: ttlMs, now: () => now, onHubChanged: (hub) => changed.push(hub) });
  return { t, changed, advance: (ms: number) => (now += ms) };
}

describe("AllocationTally", () => {
  it("GIVEN orders observed, changed and deleted THEN the totals follow, hub by hub", () => {
    const { t, changed } = tally();
    t.observe("ns/a", { hub: "h1", vcpus: 2, memoryBytes: 2 * GiB });
    t.observe("ns/b", { hub: "h1", vcpus: 4, memoryBytes: 8 * GiB });
    t.observe("ns/c", { hub: "h2", vcpus: 1, memoryBytes: GiB });
    expect(t.observed("h1")).toEqual({ vms: 2, vcpus: 6, memoryBytes: 10 * GiB });
    t.observe("ns/b", { hub: "h1", vcpus: 4, memoryBytes: 8 * GiB });
    expect(t.observed("h1").vms).toBe(2);
    t.observe("ns/b", { hub: "h2", vcpus: 4, memoryBytes: 8 * GiB });
    expect(t.observed("h1")).toEqual({ vms: 1, vcpus: 2, memoryBytes: 2 * GiB });
    expect(t.observed("h2")).toEqual({ vms: 2, vcpus: 5, memoryBytes: 9 * GiB });
    t.observe("ns/a", undefined);
    t.observe("ns/never-placed", undefined);
    expect(t.observed("h1")).toEqual({ vms: 0, vcpus: 0, memoryBytes: 0 });
    expect(changed).toEqual(["h1", "h1", "h2", "h1", "h2", "h1"]);
  });

  it("GIVEN a reservation THEN it counts until its order is observed, and is not counted twice", () => {
    const { t } = tally();
    t.reserve({ hub: "h1", vcpus: 2, memoryBytes: GiB, keys: ["ns/a", "uuid:u1"] });
    expect(t.allocated("h1")).toEqual({ vms: 1, vcpus: 2, memoryBytes: GiB });
    expect(t.observed("h1").vms).toBe(0);
    t.observe("ns/a", { hub: "h1", vcpus: 2, memoryBytes: GiB }, "uuid:u1");
    expect(t.allocated("h1")).toEqual({ vms: 1, vcpus: 2, memoryBytes: GiB });
    expect(t.reservationCount).toBe(0);
  });

  it("GIVEN a generateName create reserved under its uuid THEN the observed order ends it through its alias", () => {
    const { t } = tally();
    t.reserve({ hub: "h1", vcpus: 2, memoryBytes: GiB, keys: ["uuid:u2"] });
    t.observe("ns/vm-x7k2q", { hub: "h1", vcpus: 2, memoryBytes: GiB }, "uuid:u2");
    expect(t.allocated("h1").vms).toBe(1);
    expect(t.reservationCount).toBe(0);
  });

  it("GIVEN a reservation whose order never shows up THEN it expires after the TTL, in order", () => {
    const { t, advance } = tally(1000);
    t.reserve({ hub: "h1", vcpus: 2, memoryBytes: GiB, keys: ["ns/a"] });
    advance(600);
    t.reserve({ hub: "h1", vcpus: 4, memoryBytes: GiB, keys: ["ns/b"] });
    expect(t.allocated("h1").vcpus).toBe(6);
    advance(500);
    expect(t.allocated("h1").vcpus).toBe(4);
    advance(600);
    expect(t.allocated("h1")).toEqual({ vms: 0, vcpus: 0, memoryBytes: 0 });
  });

  it("GIVEN the same order reserved twice (a reinvoked webhook) THEN it counts once, on the latest hub", () => {
    const { t } = tally();
    t.reserve({ hub: "h1", vcpus: 2, memoryBytes: GiB, keys: ["ns/a"] });
    t.reserve({ hub: "h1", vcpus: 2, memoryBytes: GiB, keys: ["ns/a"] });
    expect(t.allocated("h1").vms).toBe(1);
    t.reserve({ hub: "h2", vcpus: 2, memoryBytes: GiB, keys: ["ns/a"] });
    expect(t.allocated("h1").vms).toBe(0);
    expect(t.allocated("h2").vms).toBe(1);
  });

  it("GIVEN 100,000 reservations expiring THEN they all expire and the totals return to zero", () => {
    const { t, advance } = tally(10);
    for (let i = 0; i < 100_000; i++) t.reserve({ hub: `h${i % 50}`, vcpus: 1, memoryBytes: 1, keys: [`ns/o${i}`] });
    advance(20);
    expect(t.allocated("h0").vms).toBe(0);
    expect(t.reservationCount).toBe(0);
  });
});
