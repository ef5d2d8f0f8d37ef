import fc from "fast-check";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { managedByFor, rolloutBucket, rolloutKey, type ManagedByPolicy } from "../../../src/domain/rollout.ts";

/** FNV-1a-64 mod 100 written the obvious way, to check the module against. */
function referenceBucket(key: string): number {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(key, "utf8")) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return Number(hash % 100n);
}

describe("rolloutBucket", () => {
  it("GIVEN any key THEN the bucket is FNV-1a-64 mod 100, in 0–99, and the same on every call", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (key) => {
        const bucket = rolloutBucket(key);
        expect(bucket).toBe(referenceBucket(key));
        expect(bucket).toBeGreaterThanOrEqual(0);
        expect(bucket).toBeLessThan(100);
        expect(rolloutBucket(key)).toBe(bucket);
      }),
      { numRuns: 300 },
    );
  });

  it("GIVEN the empty key THEN the bucket is the FNV offset basis mod 100 (a fixed vector)", () => {
    expect(rolloutBucket("")).toBe(Number(0xcbf29ce484222325n % 100n));
  });
});

describe("rolloutKey", () => {
  it.each([
    ["the uuid label wins", { uuid: "5f0c6f7e", namespace: "ns", name: "vm-a", requestUid: "r1" }, "5f0c6f7e"],
    ["namespace/name without a uuid", { namespace: "ns", name: "vm-a", requestUid: "r1" }, "ns/vm-a"],
    ["the request uid for a generateName create without a uuid", { namespace: "ns", name: "", requestUid: "r1" }, "r1"],
    ["an empty uuid counts as none", { uuid: "", namespace: "ns", name: "vm-a", requestUid: "r1" }, "ns/vm-a"],
  ])("GIVEN %s THEN the key is %j", (_case, identity, expected) => {
    expect(rolloutKey(identity)).toBe(expected);
  });
});

describe("managedByFor", () => {
  const policy = (percent: number): ManagedByPolicy => ({ defaultMode: "aap", rollout: { mode: "gitops", percent } });

  it.each([5, 10, 25, 50, 90])("GIVEN a %i%% rollout WHEN 10,000 random uuids are bucketed THEN %i%% ± 2%% get the rollout mode", (percent) => {
    let rolledOut = 0;
    for (let i = 0; i < 10_000; i++) if (managedByFor(policy(percent), randomUUID()) === "gitops") rolledOut += 1;
    expect(Math.abs(rolledOut / 100 - percent)).toBeLessThanOrEqual(2);
  });

  it("GIVEN the same uuid THEN it always gets the same mode, whatever its name", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 0, max: 100 }), (uuid, percent) => {
        const first = managedByFor(policy(percent), rolloutKey({ uuid, name: "a", requestUid: "1" }));
        expect(managedByFor(policy(percent), rolloutKey({ uuid, name: "b", requestUid: "2" }))).toBe(first);
      }),
    );
  });

  it("GIVEN a raised percentage THEN no order moves back to the default mode", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (uuid, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        if (managedByFor(policy(low), uuid) === "gitops") expect(managedByFor(policy(high), uuid)).toBe("gitops");
      }),
    );
  });

  it.each([
    ["no rollout", { defaultMode: "controller" } as ManagedByPolicy, "controller"],
    ["0%", policy(0), "aap"],
    ["100%", policy(100), "gitops"],
  ])("GIVEN %s THEN every order gets %s", (_case, given, expected) => {
    for (const key of ["a", "b", "ns/vm-1", randomUUID()]) expect(managedByFor(given, key)).toBe(expected);
  });
});
