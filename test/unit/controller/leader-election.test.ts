import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { V1Lease } from "@kubernetes/client-node";
import {
  DEFAULT_LEASE_TIMINGS,
  decide,
  nextLeaseSpec,
  observe,
  releasedLeaseSpec,
  renewDeadlinePassed,
  snapshotOf,
  validateLeaseTimings,
  type LeaseSnapshot,
  type Observation,
} from "../../../src/controller/runtime/leader-election.ts";

const ME = { identity: "replica-a", leaseDurationSeconds: 15 };
const T0 = Date.parse("2025-12-01T10:00:00.000Z");

function lease(overrides: Partial<LeaseSnapshot> = {}): LeaseSnapshot {
  return {
    holderIdentity: "replica-b",
    leaseDurationSeconds: 15,
    leaseTransitions: 3,
    acquireTimeMs: T0 - 60_000,
    renewTimeMs: T0,
    resourceVersion: "100",
    ...overrides,
  };
}

/** The lease as first seen at local time `atMs`. */
const seenAt = (l: LeaseSnapshot, atMs: number): Observation => observe(undefined, l, atMs);

describe("validateLeaseTimings", () => {
  it("accepts controller-runtime's defaults and the e2e timings", () => {
    expect(() => validateLeaseTimings(DEFAULT_LEASE_TIMINGS)).not.toThrow();
    expect(() => validateLeaseTimings({ leaseDurationSeconds: 4, renewDeadlineSeconds: 3, retryPeriodSeconds: 0.5 })).not.toThrow();
  });

  it.each([
    [{ leaseDurationSeconds: 10, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 }, /leaseDurationSeconds \(10\) must be greater than renewDeadlineSeconds/],
    [{ leaseDurationSeconds: 15, renewDeadlineSeconds: 2.4, retryPeriodSeconds: 2 }, /renewDeadlineSeconds \(2.4\) must be greater than 1.2 × retryPeriodSeconds/],
    [{ leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 0 }, /retryPeriodSeconds must be a positive number/],
    [{ leaseDurationSeconds: Number.NaN, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 }, /leaseDurationSeconds must be a positive number/],
  ])("rejects %o", (timings, message) => {
    expect(() => validateLeaseTimings(timings)).toThrow(message);
  });
});

describe("snapshotOf", () => {
  it("reads MicroTime strings (what client-node 1.x actually returns) and Dates", () => {
    const fromServer = {
      metadata: { name: "osac-vm-controller", resourceVersion: "42" },
      spec: { holderIdentity: "replica-b", leaseDurationSeconds: 15, leaseTransitions: 2, renewTime: "2025-12-01T10:00:00.123456Z", acquireTime: new Date(T0) },
    } as unknown as V1Lease;
    expect(snapshotOf(fromServer)).toEqual({
      holderIdentity: "replica-b",
      leaseDurationSeconds: 15,
      leaseTransitions: 2,
      acquireTimeMs: T0,
      renewTimeMs: T0 + 123,
      resourceVersion: "42",
    });
  });

  it("treats missing fields as an unheld lease that never changed hands", () => {
    expect(snapshotOf({ metadata: { resourceVersion: "7" } })).toEqual({
      holderIdentity: "",
      leaseDurationSeconds: undefined,
      leaseTransitions: 0,
      acquireTimeMs: undefined,
      renewTimeMs: undefined,
      resourceVersion: "7",
    });
  });
});

describe("observe", () => {
  it("GIVEN the same lease seen again THEN the observation time stays", () => {
    const first = seenAt(lease(), 1_000);
    expect(observe(first, lease(), 9_000)).toBe(first);
  });

  it.each<[string, Partial<LeaseSnapshot>]>([
    ["a renewal (new renewTime and resourceVersion)", { renewTimeMs: T0 + 2_000, resourceVersion: "101" }],
    ["a write that kept renewTime (new resourceVersion only)", { resourceVersion: "101" }],
    ["a new holder", { holderIdentity: "replica-c", resourceVersion: "101" }],
  ])("GIVEN %s THEN the observation time moves to now", (_what, change) => {
    const first = seenAt(lease(), 1_000);
    const next = observe(first, lease(change), 9_000);
    expect(next.observedAtMs).toBe(9_000);
    expect(next.holderIdentity).toBe(change.holderIdentity ?? "replica-b");
  });
});

describe("decide", () => {
  it("GIVEN no lease THEN creates it", () => {
    expect(decide(undefined, undefined, 0, ME)).toEqual({ action: "create" });
  });

  it("GIVEN a lease without holder (never held, or released) THEN acquires it at once", () => {
    const released = lease({ holderIdentity: "", leaseDurationSeconds: 1 });
    expect(decide(released, seenAt(released, 5_000), 5_000, ME)).toEqual({ action: "acquire", reason: "unheld" });
  });

  it("GIVEN the lease names this replica THEN renews it, even if it looks expired", () => {
    const mine = lease({ holderIdentity: "replica-a" });
    expect(decide(mine, seenAt(mine, 0), 60_000, ME)).toEqual({ action: "renew" });
  });

  it.each([
    [0, { action: "wait", holder: "replica-b", expiresInMs: 15_000 }],
    [14_999, { action: "wait", holder: "replica-b", expiresInMs: 1 }],
    [15_000, { action: "acquire", reason: "expired" }],
    [60_000, { action: "acquire", reason: "expired" }],
  ])("GIVEN another holder's lease unchanged for %i ms on the local clock THEN %o", (elapsedMs, expected) => {
    const held = lease();
    expect(decide(held, seenAt(held, 1_000), 1_000 + elapsedMs, ME)).toEqual(expected);
  });

  it("GIVEN a renewTime far in the past by this replica's wall clock (clock skew) THEN still waits a full lease duration from when it saw the lease", () => {
    const skewed = lease({ renewTimeMs: T0 - 3_600_000 });
    const seen = seenAt(skewed, 1_000);
    expect(decide(skewed, seen, 1_001, ME)).toMatchObject({ action: "wait" });
    expect(decide(skewed, seen, 16_000, ME)).toMatchObject({ action: "acquire" });
  });

  it("GIVEN the holder keeps renewing THEN never acquires, however long it waits", () => {
    let l = lease();
    let seen = seenAt(l, 0);
    for (let t = 2_000; t <= 120_000; t += 2_000) {
      l = lease({ renewTimeMs: T0 + t, resourceVersion: String(100 + t) });
      seen = observe(seen, l, t);
      expect(decide(l, seen, t, ME).action).toBe("wait");
    }
  });

  it("uses the holder's leaseDurationSeconds, and its own when the lease has none", () => {
    const short = lease({ leaseDurationSeconds: 4 });
    expect(decide(short, seenAt(short, 0), 4_000, ME)).toMatchObject({ action: "acquire" });
    const none = lease({ leaseDurationSeconds: undefined });
    expect(decide(none, seenAt(none, 0), 14_000, ME)).toMatchObject({ action: "wait", expiresInMs: 1_000 });
    const zero = lease({ leaseDurationSeconds: 0 });
    expect(decide(zero, seenAt(zero, 0), 15_000, ME)).toMatchObject({ action: "acquire" });
  });
});

describe("nextLeaseSpec and releasedLeaseSpec", () => {
  const NOW = T0 + 30_000;

  it("GIVEN create THEN holds it with no transitions and both times now", () => {
    expect(nextLeaseSpec("create", undefined, NOW, ME)).toEqual({
      holderIdentity: "replica-a",
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
      acquireTimeMs: NOW,
      renewTimeMs: NOW,
    });
  });

  it("GIVEN a takeover THEN counts one more transition and restarts acquireTime", () => {
    expect(nextLeaseSpec("acquire", lease(), NOW, ME)).toEqual({
      holderIdentity: "replica-a",
      leaseDurationSeconds: 15,
      leaseTransitions: 4,
      acquireTimeMs: NOW,
      renewTimeMs: NOW,
    });
  });

  it("GIVEN a renewal THEN keeps acquireTime and transitions and moves renewTime", () => {
    const mine = lease({ holderIdentity: "replica-a" });
    expect(nextLeaseSpec("renew", mine, NOW, ME)).toEqual({
      holderIdentity: "replica-a",
      leaseDurationSeconds: 15,
      leaseTransitions: 3,
      acquireTimeMs: T0 - 60_000,
      renewTimeMs: NOW,
    });
  });

  it("GIVEN a release THEN writes no holder and a 1 s duration (client-go ReleaseOnCancel), keeping transitions", () => {
    expect(releasedLeaseSpec(lease({ holderIdentity: "replica-a" }), NOW)).toEqual({
      holderIdentity: "",
      leaseDurationSeconds: 1,
      leaseTransitions: 3,
      acquireTimeMs: NOW,
      renewTimeMs: NOW,
    });
  });
});

describe("renewDeadlinePassed", () => {
  it.each([
    [9_999, false],
    [10_000, true],
    [25_000, true],
  ])("GIVEN the last successful renewal sent %i ms ago THEN %s (deadline 10 s)", (elapsed, expected) => {
    expect(renewDeadlinePassed(5_000, 5_000 + elapsed, 10)).toBe(expected);
  });
});

/**
 * A simulation of several replicas campaigning on one lease with the functions above: random
 * order of attempts, random pauses (partitions, stalls) and skewed wall clocks. The leader counts
 * as leading only until its renew deadline, as the elector's timer enforces. At no moment may two
 * replicas lead.
 */
describe("the decisions together", () => {
  it("property: never two leaders, whatever the interleaving, pauses and clock skew", () => {
    const timings = DEFAULT_LEASE_TIMINGS;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -3_600_000, max: 3_600_000 }), { minLength: 2, maxLength: 4 }),
        fc.array(fc.record({ who: fc.nat(3), afterMs: fc.integer({ min: 0, max: 6_000 }), partitioned: fc.boolean() }), { maxLength: 200 }),
        (skews, steps) => {
          let stored: LeaseSnapshot | undefined;
          let version = 0;
          const replicas = skews.map((skewMs, i) => ({
            options: { identity: `replica-${i}`, leaseDurationSeconds: timings.leaseDurationSeconds },
            skewMs,
            observation: undefined as Observation | undefined,
            leading: false,
            lastRenewSentAtMs: 0,
          }));
          let now = 0;
          let takeovers = 0;
          for (const step of steps) {
            now += step.afterMs;
            const r = replicas[step.who % replicas.length]!;
            if (r.leading && renewDeadlinePassed(r.lastRenewSentAtMs, now, timings.renewDeadlineSeconds)) r.leading = false;
            if (step.partitioned) continue; // the attempt failed: no read, no write
            if (stored) r.observation = observe(r.observation, stored, now);
            const decision = decide(stored, r.observation, now, r.options);
            if (decision.action === "wait") {
              r.leading = false;
              continue;
            }
            const spec = nextLeaseSpec(decision.action, stored, now + r.skewMs, r.options);
            if (decision.action === "acquire") takeovers++;
            stored = { ...spec, resourceVersion: String(++version) };
            r.observation = observe(r.observation, stored, now);
            r.leading = true;
            r.lastRenewSentAtMs = now;
            const leaders = replicas.filter((x) => x.leading && !renewDeadlinePassed(x.lastRenewSentAtMs, now, timings.renewDeadlineSeconds));
            expect(leaders.map((x) => x.options.identity)).toEqual([r.options.identity]);
          }
          if (stored) expect(stored.leaseTransitions).toBe(takeovers);
        },
      ),
      { numRuns: 500 },
    );
  });
});
