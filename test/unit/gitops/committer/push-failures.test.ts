import { describe, expect, it } from "vitest";
import { PushFailures, PushRejectedError } from "../../../../src/gitops/committer/push-failures.ts";

const settings = { maxBackoffMs: 10_000, failuresBeforeCondition: 3, url: "https://git.example.com/fleet.git", branch: "main" };
const T0 = Date.parse("2026-12-06T10:00:00Z");

describe("PushFailures", () => {
  it("GIVEN failures in a row THEN the backoff grows to its cap and the orders hear of it only from the third, once per distinct detail", () => {
    const failures = new PushFailures(settings);
    const verdicts = [1, 2, 3, 4].map((n) => failures.failed(new Error("connection refused"), T0 + n * 1_000));
    expect(verdicts.map((verdict) => verdict.report !== undefined)).toEqual([false, false, true, false]);
    expect(verdicts[2]!.report).toEqual({
      reason: "PushFailed",
      message: "Pushing to https://git.example.com/fleet.git (branch main) has failed since 2026-12-06T10:00:01.000Z: connection refused; the committer keeps retrying",
    });
    expect(verdicts.map((verdict) => verdict.kind)).toEqual(["other", "other", "other", "other"]);
    expect(verdicts[1]!.retryInMs).toBeGreaterThan(0);
    const capped = [5, 6, 7, 8, 9, 10].map((n) => failures.failed(new Error("connection refused"), T0 + n * 1_000).retryInMs);
    expect(Math.max(...capped)).toBeLessThanOrEqual(10_000);
    expect(failures.count).toBe(10);
  });

  it("GIVEN a rejected push THEN the reason is PushRejected; a new detail is reported again; success starts over", () => {
    const failures = new PushFailures({ ...settings, failuresBeforeCondition: 1 });
    const rejected = failures.failed(new PushRejectedError("pre-receive hook declined"), T0);
    expect([rejected.kind, rejected.report?.reason]).toEqual(["remote-rejected", "PushRejected"]);
    expect(failures.failed(new Error("timeout"), T0 + 1_000).report?.message).toContain("has failed since 2026-12-06T10:00:00.000Z: timeout");
    failures.succeeded();
    expect(failures.count).toBe(0);
    expect(failures.failed(new Error("timeout"), T0 + 5_000).report?.message).toContain("since 2026-12-06T10:00:05.000Z: timeout");
  });
});
