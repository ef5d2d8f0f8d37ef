// The commit loop when Git misbehaves: the server down while orders keep arriving, a commit made
// and never pushed, the repository growing over many commits.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitDaemon } from "./support/git-daemon.ts";
import { gitopsOrder, LoopHarness } from "./support/loop-harness.ts";
import { commitsOf } from "./support/clone.ts";

let daemon: GitDaemon;
beforeAll(async () => {
  daemon = await GitDaemon.start();
});
afterAll(async () => {
  await daemon?.stop();
});

describe("the commit loop under faults", () => {
  it("GIVEN the Git server down while orders keep arriving THEN nothing is lost, the orders say why meanwhile, and the backlog lands in one commit", async () => {
    const url = daemon.createRepository("down");
    const harness = LoopHarness.create({ url, maxBackoffMs: 1_000, failuresBeforeCondition: 2 });
    await harness.start();
    harness.put(gitopsOrder("vm-0"));
    await harness.settled();
    await daemon.down();
    for (let i = 1; i <= 10; i++) {
      harness.put(gitopsOrder(`vm-${i}`));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await harness.until("PushFailed on the waiting orders", () => {
      const target = harness.targets.get("orders/vm-1");
      return target?.kind === "value" && target.value.reason === "PushFailed";
    });
    const failing = harness.targets.get("orders/vm-1");
    expect(failing?.kind === "value" && failing.value.message).toMatch(/^Pushing to git:\/\/127\.0\.0\.1:\d+\/down\.git \(branch main\) has failed since .*unreachable/);
    expect(await harness.metrics.registry.getSingleMetricAsString("osac_vm_committer_push_failures_total")).toMatch(/kind="unreachable"} [1-9]/);
    await daemon.serve();
    await harness.settled();
    const commits = commitsOf(daemon, "down");
    expect(commits.map((commit) => commit.subject)).toEqual(["osac-vm committer: created 10 order(s)", "osac-vm committer: created 1 order(s)"]);
    const pushed = harness.targets.get("orders/vm-1");
    expect(pushed).toMatchObject({ kind: "value", value: { status: "True", reason: "Pushed" } });
    await harness.stop();
  });

  it("GIVEN a commit made and never pushed (the process died in between) THEN the next start pushes it once, and commits nothing more", async () => {
    const url = daemon.createRepository("unpushed");
    const first = LoopHarness.create({ url });
    await first.start();
    first.put(gitopsOrder("vm-a"));
    await first.settled();
    await first.stop();
    // From now on this replica builds commits but never pushes them: the state a crash between
    // `git fast-import` and `git push` leaves.
    let leading = true;
    const crashing = new LoopHarness({ ...first.options, isLeader: () => leading });
    for (const order of first.orders.values()) crashing.orders.set(crashing.key(order), order);
    await crashing.start();
    leading = false;
    crashing.put(gitopsOrder("vm-b"), gitopsOrder("vm-c"));
    await crashing.until("a local commit ahead of the remote", async () => (await crashing.repository.resolve(crashing.repository.localRef)) !== daemon.git("unpushed", "rev-parse", "main").trim());
    const unpushed = (await crashing.repository.resolve(crashing.repository.localRef))!;
    await crashing.stop();

    const restarted = new LoopHarness({ ...first.options });
    for (const order of crashing.orders.values()) restarted.orders.set(restarted.key(order), order);
    await restarted.start();
    await restarted.settled();
    const commits = commitsOf(daemon, "unpushed");
    expect(commits.map((commit) => commit.sha)[0]).toBe(unpushed);
    expect(commits.map((commit) => commit.subject)).toEqual(["osac-vm committer: created 2 order(s)", "osac-vm committer: created 1 order(s)"]);
    expect(restarted.logLines.join("")).toContain("Pushed a commit made before the restart");
    await restarted.stop();
  });

  it("GIVEN many commits THEN maintenance keeps the local repository at one tree's worth of objects", async () => {
    const url = daemon.createRepository("growth");
    const harness = LoopHarness.create({ url, windowMs: 0 });
    await harness.start();
    for (let round = 0; round < 12; round++) {
      harness.put(gitopsOrder("vm-a", { cpu_cores: String(round + 1) }), gitopsOrder("vm-b", { memory: `${round + 2}Gi` }));
      await harness.settled();
    }
    const gitDir = harness.repository.options.gitDir;
    const before = await harness.repository.git.text(["rev-list", "--count", "--all"]);
    const result = await harness.repository.maintain(0);
    await harness.repository.fetch();
    await harness.repository.maintain(0);
    const after = await harness.repository.git.text(["count-objects", "-v"]);
    expect(Number(before)).toBe(12);
    expect(result.repacked).toBe(true);
    // The tip is the shallow boundary: one commit, its trees and its three blobs are all that is left.
    expect(fs.readFileSync(path.join(gitDir, "shallow"), "utf8").trim()).toBe(daemon.git("growth", "rev-parse", "main").trim());
    expect(await harness.repository.git.text(["rev-list", "--count", "--all"])).toBe("1");
    expect(Number(/^in-pack: (\d+)$/m.exec(after)?.[1])).toBeLessThanOrEqual(1 + 3 + 3);
    expect(Number(/^count: (\d+)$/m.exec(after)?.[1])).toBe(0);
    await harness.stop();
  });
});
