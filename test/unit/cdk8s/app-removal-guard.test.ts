import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { orderDocument } from "../../support/orders.ts";
import { runCli, snapshotTree, temporaryDirectory } from "../../support/cli.ts";
import { writeOrders } from "../../support/order-files.ts";

const PROJECT = join(import.meta.dirname, "../../..");

describe("the cdk8s app (cdk8s/main.ts) outside cdk8s synth", () => {
  it("GIVEN CDK8S_OUTDIR holding a tree of other orders THEN the removal guard refuses: exit 2, the tree untouched", async () => {
    const root = temporaryDirectory();
    const others = Array.from({ length: 12 }, (_, index) => orderDocument({}, { name: `other-${index}`, tenant: "someone-else" }));
    const out = join(root, "tree");
    expect((await runCli(["render", "--in", writeOrders(join(root, "in"), others), "--out", out])).code).toBe(0);
    const before = snapshotTree(out);
    const run = spawnSync(process.execPath, ["--import", "tsx", "cdk8s/main.ts"], {
      cwd: PROJECT,
      encoding: "utf8",
      env: { ...process.env, CDK8S_OUTDIR: out },
    });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain(`refusing to remove 12 of the 12 order(s) in ${out}:`);
    expect(run.stderr).toContain("12 orders is more than the limit of 10 per render");
    expect(run.stderr).toContain("Nothing was written");
    expect(snapshotTree(out)).toEqual(before);
  });
});
