import { describe, expect, it } from "vitest";
import { nextCommitAtMs, settleMsFor } from "../../../../src/gitops/committer/batch-schedule.ts";

const settings = { windowMs: 1_000, settleMs: 100 };

describe("nextCommitAtMs", () => {
  it("GIVEN nothing pending THEN no commit is scheduled", () => {
    expect(nextCommitAtMs({ oldestPendingAtMs: undefined, lastCommitStartedAtMs: 0, retryNotBeforeMs: undefined }, settings)).toBeUndefined();
  });

  it("GIVEN an idle committer THEN a change is committed once it settled", () => {
    expect(nextCommitAtMs({ oldestPendingAtMs: 5_000, lastCommitStartedAtMs: 1_000, retryNotBeforeMs: undefined }, settings)).toBe(5_100);
    expect(nextCommitAtMs({ oldestPendingAtMs: 5_000, lastCommitStartedAtMs: undefined, retryNotBeforeMs: undefined }, settings)).toBe(5_100);
  });

  it("GIVEN a commit that started moments ago THEN the next one waits for the window", () => {
    expect(nextCommitAtMs({ oldestPendingAtMs: 5_000, lastCommitStartedAtMs: 4_500, retryNotBeforeMs: undefined }, settings)).toBe(5_500);
  });

  it("GIVEN a failed push THEN the next attempt waits out the backoff", () => {
    expect(nextCommitAtMs({ oldestPendingAtMs: 5_000, lastCommitStartedAtMs: 4_500, retryNotBeforeMs: 9_000 }, settings)).toBe(9_000);
  });

  it("GIVEN any window THEN the settle time is a tenth of it, at most 100 ms", () => {
    expect([settleMsFor(0), settleMsFor(500), settleMsFor(1_000), settleMsFor(60_000)]).toEqual([0, 50, 100, 100]);
  });
});
