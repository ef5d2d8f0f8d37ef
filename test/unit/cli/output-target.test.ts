import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, snapshotTree, temporaryDirectory } from "../../support/cli.ts";
import { twoOrders, writeOrders } from "../../support/order-files.ts";

const PROJECT = join(import.meta.dirname, "../../..");
const BIN = join(PROJECT, "bin/osac-vm.js");
/** Node's recursive mkdir used to spin forever on /proc; a hang must fail the test, not stall the suite. */
const HANG_LIMIT_MS = 20_000;

/** The two tenant namespaces of twoOrders(), in sorted order. */
const FIRST_TENANT_DIRECTORY = "cloudkit-vm-orders-d24fb5qulef7a";
const SECOND_TENANT_DIRECTORY = "cloudkit-vm-orders-ntfv23cm4rd2e";

function unique(): string {
  return `osac-vm-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
}

describe("osac-vm render: an output target that cannot be written", () => {
  it("GIVEN --out a new directory in /proc THEN exit 1 at once, naming the path and the reason (real process)", () => {
    const input = writeOrders(temporaryDirectory(), twoOrders());
    const target = `/proc/${unique()}`;
    const run = spawnSync(process.execPath, [BIN, "render", "--in", input, "--out", target], { encoding: "utf8", timeout: HANG_LIMIT_MS });
    expect(run.signal, "the render hung and was killed").toBeNull();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`osac-vm render: cannot write ${target}: /proc refuses new directories (mkdir ${target}: ENOENT`);
    expect(run.stderr).toContain("nothing was written");
    expect(existsSync(target)).toBe(false);
  });

  it.each([
    ["a nested new directory in /proc", (name: string) => `/proc/${name}/a/b`, (name: string) => `/proc refuses new directories (mkdir /proc/${name}: ENOENT`],
    ["an existing directory in /proc", () => "/proc/self", () => "/proc/self is not writable: EPERM"],
  ])("GIVEN --out %s THEN exit 1, naming the path and the reason", async (_name, out, reason) => {
    const input = writeOrders(temporaryDirectory(), twoOrders());
    const name = unique();
    const run = await runCli(["render", "--in", input, "--out", out(name)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`osac-vm render: cannot write ${out(name)}: ${reason(name)}`);
    expect(run.stderr).toContain("nothing was written");
  });

  it("GIVEN --out in /sys, where even root may not create directories THEN exit 1 with EPERM", async () => {
    const input = writeOrders(temporaryDirectory(), twoOrders());
    const target = `/sys/${unique()}`;
    const run = await runCli(["render", "--in", input, "--out", target]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot write ${target}: mkdir ${target}: EPERM (operation not permitted); nothing was written`);
  });

  it("GIVEN --out under a regular file THEN exit 1 naming the file, nothing created", async () => {
    const root = temporaryDirectory();
    const input = writeOrders(join(root, "in"), twoOrders());
    writeFileSync(join(root, "file"), "not a directory");
    const target = join(root, "file", "sub", "out");
    const before = snapshotTree(root);
    const run = await runCli(["render", "--in", input, "--out", target]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot write ${target}: ${join(root, "file")} is not a directory; nothing was written`);
    expect(snapshotTree(root)).toEqual(before);
  });

  it("GIVEN --out that is a regular file THEN exit 1 saying so", async () => {
    const root = temporaryDirectory();
    const input = writeOrders(join(root, "in"), twoOrders());
    writeFileSync(join(root, "file"), "not a directory");
    const run = await runCli(["render", "--in", input, "--out", join(root, "file")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot write ${join(root, "file")}: it exists and is not a directory; nothing was written`);
  });

  it("GIVEN a tenant directory's name taken by a regular file THEN every directory is checked first: nothing written, nothing left created", async () => {
    const root = temporaryDirectory();
    const input = writeOrders(join(root, "in"), twoOrders());
    const out = join(root, "new", "out");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, SECOND_TENANT_DIRECTORY), "a file where a tenant directory goes\n");
    const before = snapshotTree(root);
    const run = await runCli(["render", "--in", input, "--out", out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot write ${join(out, SECOND_TENANT_DIRECTORY)}: it exists and is not a directory; nothing was written`);
    // The first tenant's directory was created before the second failed the check, then removed again.
    expect(snapshotTree(root)).toEqual(before);
  });

  it("GIVEN --check on an unwritable target THEN it only reads: exit 1 listing what is missing, at once", async () => {
    const input = writeOrders(temporaryDirectory(), twoOrders());
    const run = await runCli(["render", "--in", input, "--out", `/proc/${unique()}`, "--check"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`differs: ${FIRST_TENANT_DIRECTORY}/_namespace.yaml`);
  });
});

describe("osac-vm render: an up-to-date tree needs no write access", () => {
  it("GIVEN nothing to write into an existing directory that refuses writes THEN exit 0; GIVEN --out a regular file THEN still exit 1", async () => {
    const empty = await runCli(["render", "--in", "-", "--out", "/proc/self"], { stdin: "" });
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain("Rendered 0 order(s) into /proc/self: 0 written, 0 removed, 0 unchanged");
    const root = temporaryDirectory();
    writeFileSync(join(root, "file"), "not a directory");
    const file = await runCli(["render", "--in", "-", "--out", join(root, "file")], { stdin: "" });
    expect(file.code).toBe(1);
    expect(file.stderr).toContain("it exists and is not a directory");
  });
});
