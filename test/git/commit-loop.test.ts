// The commit loop against a real Git server (git daemon): commits, batching, idempotent restarts,
// others' commits, the removal guard. Orders come from a Map, as the order cache would give them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePushedMessage } from "../../src/gitops/committer/committed-condition.ts";
import { GitDaemon } from "./support/git-daemon.ts";
import { gitopsOrder, LoopHarness } from "./support/loop-harness.ts";
import { commitsOf, withClone } from "./support/clone.ts";

let daemon: GitDaemon;
beforeAll(async () => {
  daemon = await GitDaemon.start();
});
afterAll(async () => {
  await daemon?.stop();
});

const NAMESPACE_DIR = "rendered/orders-a4snha7u63pa6";

describe("the commit loop", () => {
  it("GIVEN new orders THEN one commit holds their files and the tenant's _namespace.yaml, and each order gets Pushed with that commit", async () => {
    const url = daemon.createRepository("first");
    const harness = LoopHarness.create({ url });
    await harness.start();
    harness.put(gitopsOrder("vm-a"), gitopsOrder("vm-b"));
    await harness.settled();
    const commits = commitsOf(daemon, "first");
    expect(commits).toHaveLength(1);
    expect(daemon.git("first", "ls-tree", "-r", "--name-only", "main").trim().split("\n")).toEqual([
      `${NAMESPACE_DIR}/_namespace.yaml`,
      `${NAMESPACE_DIR}/vm-a.yaml`,
      `${NAMESPACE_DIR}/vm-b.yaml`,
    ]);
    expect(commits[0]!.message).toContain("created 2 order(s)");
    expect(commits[0]!.message).toMatch(/VirtualMachine orders\/vm-a \(config version [0-9a-f]{16}\)/);
    const target = harness.targets.get("orders/vm-a");
    expect(target?.kind === "value" && parsePushedMessage(target.value.message)?.commit).toBe(commits[0]!.sha);
    await harness.stop();
  });

  it("GIVEN orders arriving within the window THEN they become one commit; an unchanged order never makes an empty commit", async () => {
    const url = daemon.createRepository("window");
    const harness = LoopHarness.create({ url, windowMs: 1_000 });
    await harness.start();
    harness.put(gitopsOrder("vm-0"));
    await harness.settled();
    for (let i = 1; i <= 20; i++) harness.put(gitopsOrder(`vm-${i}`));
    await harness.settled();
    expect(commitsOf(daemon, "window").map((commit) => commit.subject)).toEqual(["osac-vm committer: created 20 order(s)", "osac-vm committer: created 1 order(s)"]);
    harness.put(harness.orders.get("orders/vm-3")!);
    await harness.settled();
    expect(commitsOf(daemon, "window")).toHaveLength(2);
    expect(harness.targets.get("orders/vm-3")).toMatchObject({ kind: "current" });
    await harness.stop();
  });

  it("GIVEN a restart THEN the tree is compared with the orders and nothing is committed; with the same data directory no blob is read again", async () => {
    const url = daemon.createRepository("restart");
    const first = LoopHarness.create({ url });
    await first.start();
    first.put(gitopsOrder("vm-a"), gitopsOrder("vm-b"), gitopsOrder("vm-c"));
    await first.settled();
    await first.stop();

    const fresh = LoopHarness.create({ url });
    for (const order of first.orders.values()) fresh.orders.set(fresh.key(order), order);
    await fresh.start();
    await fresh.settled();
    expect(fresh.logLines.join("")).toMatch(/"blobsRead":4/);
    await fresh.stop();

    const again = LoopHarness.create({ url, dataDir: first.dataDir });
    for (const order of first.orders.values()) again.orders.set(again.key(order), order);
    await again.start();
    await again.settled();
    expect(again.logLines.join("")).toMatch(/"blobsRead":0/);
    expect(commitsOf(daemon, "restart")).toHaveLength(1);
    expect(again.targets.get("orders/vm-b")).toMatchObject({ kind: "current" });
    await again.stop();
  });

  it("GIVEN someone else pushes between our fetch and our push THEN their commit is kept, their files are untouched, and our file they changed is put back with a note", async () => {
    const url = daemon.createRepository("race");
    const harness = LoopHarness.create({ url });
    await harness.start();
    harness.put(gitopsOrder("vm-a"), gitopsOrder("vm-b"));
    await harness.settled();
    // Another writer: a README of its own, and a hand edit of one of our files.
    const theirs = withClone(url, (clone) => {
      clone.write("README.md", "# fleet\n");
      clone.write(`${NAMESPACE_DIR}/vm-b.yaml`, clone.read(`${NAMESPACE_DIR}/vm-b.yaml`).replace("cores: 2", "cores: 64"));
      return clone.commitAndPush("Someone else's commit");
    });
    harness.put(gitopsOrder("vm-c"));
    await harness.settled();
    const commits = commitsOf(daemon, "race");
    expect(commits.map((commit) => commit.subject)).toEqual(["osac-vm committer: created 1, changed 1 order(s)", "Someone else's commit", "osac-vm committer: created 2 order(s)"]);
    expect(commits[1]!.sha).toBe(theirs);
    expect(daemon.git("race", "show", "main:README.md")).toBe("# fleet\n");
    expect(daemon.git("race", "show", `main:${NAMESPACE_DIR}/vm-b.yaml`)).toContain("cores: 2");
    expect(commits[0]!.message).toContain(`Overrode 1 file(s) of ours that another commit had changed; the state rendered from the live orders wins:\n  ${NAMESPACE_DIR}/vm-b.yaml`);
    expect(await harness.metrics.registry.getSingleMetricAsString("osac_vm_committer_commits_total")).toContain(`osac_vm_committer_commits_total{result="non_fast_forward"} 1`);
    await harness.stop();
  });

  it("GIVEN a file in the layout that the renderer did not write THEN it is never overwritten and the order says why", async () => {
    const url = daemon.createRepository("foreign");
    withClone(url, (clone) => {
      clone.write(`${NAMESPACE_DIR}/vm-a.yaml`, "# hand-made\nkind: ConfigMap\n");
      return clone.commitAndPush("A file of someone else's");
    });
    const harness = LoopHarness.create({ url });
    await harness.start();
    harness.put(gitopsOrder("vm-a"), gitopsOrder("vm-b"));
    await harness.settled();
    expect(daemon.git("foreign", "show", `main:${NAMESPACE_DIR}/vm-a.yaml`)).toBe("# hand-made\nkind: ConfigMap\n");
    expect(harness.targets.get("orders/vm-a")).toMatchObject({ kind: "value", value: { status: "False", reason: "PathOccupied" } });
    expect(daemon.git("foreign", "ls-tree", "--name-only", "-r", "main")).toContain(`${NAMESPACE_DIR}/vm-b.yaml`);
    await harness.stop();
  });

  it("GIVEN an order that leaves gitops THEN the loop hands it back as settled once the push removing its file is done, never before start-up read the branch", async () => {
    const url = daemon.createRepository("leave");
    const harness = LoopHarness.create({ url });
    harness.orders.set("orders/vm-a", gitopsOrder("vm-a"));
    expect(harness.loop.isSettled("orders/vm-a")).toBe(false);
    await harness.start();
    harness.put(gitopsOrder("vm-b"), gitopsOrder("vm-c"));
    await harness.settled();
    expect(harness.loop.hasFiles("orders/vm-a")).toBe(true);
    const left = structuredClone(harness.orders.get("orders/vm-a")!);
    left.metadata.annotations = { ...left.metadata.annotations, "cloudkit.openshift.io/managed-by": "controller" };
    const reportsBefore = harness.settledReports.length;
    harness.put(left);
    await harness.until("vm-a to be reported settled", () => harness.settledReports.slice(reportsBefore).some((report) => report.some((entry) => entry.key === "orders/vm-a")));
    const report = harness.settledReports.slice(reportsBefore).flat().find((entry) => entry.key === "orders/vm-a");
    expect(report).toEqual({ key: "orders/vm-a", settled: true, hasFiles: false });
    expect(harness.pushes.at(-1)?.orders).toEqual([expect.objectContaining({ orderKey: "orders/vm-a", change: "deleted" })]);
    expect(daemon.git("leave", "ls-tree", "--name-only", "-r", "main")).not.toContain(`${NAMESPACE_DIR}/vm-a.yaml`);
    await harness.stop();
  });

  it("GIVEN the order source suddenly lists nothing THEN no file is removed, and a metric and a log line say why", async () => {
    const url = daemon.createRepository("guard");
    const harness = LoopHarness.create({ url });
    await harness.start();
    const names = Array.from({ length: 12 }, (_, i) => `vm-${i}`);
    harness.put(...names.map((name) => gitopsOrder(name)));
    await harness.settled();
    harness.remove(...[...harness.orders.keys()]);
    await harness.settled();
    expect(commitsOf(daemon, "guard")).toHaveLength(1);
    expect(daemon.git("guard", "ls-tree", "--name-only", "-r", "main").trim().split("\n")).toHaveLength(13);
    expect(await harness.metrics.registry.getSingleMetricAsString("osac_vm_committer_removals_held_back")).toMatch(/osac_vm_committer_removals_held_back 12/);
    expect(harness.logLines.join("")).toContain("Held back the removal of 12 of the 12 order file(s): the input holds no orders");
    // Held back: not settled, so nothing waiting on the branch goes ahead.
    expect(names.every((name) => !harness.loop.isSettled(`orders/${name}`))).toBe(true);
    // One order deleted on purpose while the others are back: that one goes.
    for (const name of names.slice(1)) harness.put(gitopsOrder(name));
    await harness.settled();
    expect(daemon.git("guard", "ls-tree", "--name-only", "-r", "main")).not.toContain(`${NAMESPACE_DIR}/vm-0.yaml`);
    expect(commitsOf(daemon, "guard")[0]!.message).toContain("Deleted:\n  VirtualMachine orders/vm-0");
    await harness.stop();
  });
});
