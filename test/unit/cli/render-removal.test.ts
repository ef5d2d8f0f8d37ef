import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yaml from "js-yaml";
import { orderDocument } from "../../support/orders.ts";
import { runCli, snapshotTree, temporaryDirectory } from "../../support/cli.ts";

const PROJECT = join(import.meta.dirname, "../../..");
const FILES = 5;
const ORDERS_PER_FILE = 40;

function ordersText(from: number, count: number, tenants = 3): string {
  return Array.from({ length: count }, (_, offset) => {
    const index = from + offset;
    return yaml.dump(orderDocument({ cpu_cores: String(1 + (index % 4)) }, { name: `vm-${String(index).padStart(3, "0")}`, tenant: `tenant-${index % tenants}` }));
  }).join("---\n");
}

/** Files in the snapshot that are order files (not directories, not _namespace.yaml). */
function orderFilesIn(tree: Map<string, unknown>): string[] {
  return [...tree.keys()].filter((path) => path.endsWith(".yaml") && !path.endsWith("/_namespace.yaml"));
}

// One tree of 200 orders from 5 input files of 40, rendered once and copied for each test.
let fixture: string;
let inputFiles: string[];
let renderedTree: string;

beforeAll(async () => {
  fixture = mkdtempSync(join(tmpdir(), "osac-vm-removal-"));
  inputFiles = Array.from({ length: FILES }, (_, file) => {
    const path = join(fixture, "in", `orders-${file}.yaml`);
    mkdirSync(join(fixture, "in"), { recursive: true });
    writeFileSync(path, ordersText(file * ORDERS_PER_FILE, ORDERS_PER_FILE));
    return path;
  });
  renderedTree = join(fixture, "rendered");
  const run = await runCli(["render", ...inputFiles.flatMap((file) => ["--in", file]), "--out", renderedTree]);
  expect(run.code, run.stderr).toBe(0);
  expect(orderFilesIn(snapshotTree(renderedTree))).toHaveLength(FILES * ORDERS_PER_FILE);
}, 120_000);

afterAll(() => rmSync(fixture, { recursive: true, force: true }));

/** A copy of the 200-order tree, plus a hand-written file the guard must leave alone too. */
function populatedTree(): string {
  const out = join(temporaryDirectory(), "rendered");
  cpSync(renderedTree, out, { recursive: true });
  writeFileSync(join(out, "README.md"), "hand-written\n");
  return out;
}

function emptyFile(): string {
  const path = join(temporaryDirectory(), "empty.yaml");
  writeFileSync(path, "");
  return path;
}

function expectRefusal(run: { code: number; stdout: string; stderr: string }, removed: number, inTree: number) {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe("");
  expect(run.stderr).toContain(`refusing to remove ${removed} of the ${inTree} order(s) in `);
  expect(run.stderr).toContain("the order files that would be removed:");
  expect(run.stderr).toContain("Nothing was written. If these orders are meant to go, re-run with --allow-mass-removal");
  const listed = run.stderr.split("\n").filter((line) => /^ {2}[a-z0-9-]+\/vm-\d+\.yaml$/.test(line));
  expect(listed).toHaveLength(Math.min(removed, 20));
  if (removed > 20) expect(run.stderr).toContain(`  … and ${removed - 20} more`);
}

describe("osac-vm render: the removal guard", () => {
  it("GIVEN stdin from /dev/null on a populated tree THEN exit 2, the tree untouched (real process)", () => {
    const out = populatedTree();
    const before = snapshotTree(out);
    const run = spawnSync("sh", ["-c", `exec "$0" bin/osac-vm.js render --in - --out "$1" </dev/null`, process.execPath, out], {
      cwd: PROJECT,
      encoding: "utf8",
    });
    expectRefusal({ code: run.status!, stdout: run.stdout, stderr: run.stderr }, 200, 200);
    expect(run.stderr).toContain("warning: <stdin>: holds no objects");
    expect(run.stderr).toContain("the input holds no orders");
    expect(snapshotTree(out)).toEqual(before);
  });

  describe.each([false, true])("with --check %s", (check) => {
    const flags = check ? ["--check"] : [];

    it("GIVEN an empty stdin THEN the same refusal, naming the empty input", async () => {
      const out = populatedTree();
      const before = snapshotTree(out);
      const run = await runCli(["render", "--in", "-", "--out", out, ...flags], { stdin: "" });
      expectRefusal(run, 200, 200);
      expect(run.stderr).toContain("warning: <stdin>: holds no objects");
      expect(run.stderr).toContain("the input holds no orders");
      expect(snapshotTree(out)).toEqual(before);
    });

    it("GIVEN an empty file THEN exit 2, the tree untouched", async () => {
      const out = populatedTree();
      const before = snapshotTree(out);
      const empty = emptyFile();
      const run = await runCli(["render", "--in", empty, "--out", out, ...flags]);
      expectRefusal(run, 200, 200);
      expect(run.stderr).toContain(`warning: ${empty}: holds no objects`);
      expect(snapshotTree(out)).toEqual(before);
    });

    it("GIVEN an empty directory THEN exit 2, the tree untouched", async () => {
      const out = populatedTree();
      const before = snapshotTree(out);
      const directory = temporaryDirectory();
      const run = await runCli(["render", "--in", directory, "--out", out, ...flags]);
      expectRefusal(run, 200, 200);
      expect(run.stderr).toContain(`warning: ${directory}: holds no .yaml, .yml or .json files`);
      expect(snapshotTree(out)).toEqual(before);
    });

    it("GIVEN one empty file among several --in (40 of 200 orders dropped) THEN exit 2, the tree untouched", async () => {
      const out = populatedTree();
      const before = snapshotTree(out);
      const inputs = [...inputFiles.slice(0, 2), emptyFile(), ...inputFiles.slice(3)];
      const run = await runCli(["render", ...inputs.flatMap((file) => ["--in", file]), "--out", out, ...flags]);
      expectRefusal(run, 40, 200);
      expect(run.stderr).toContain("40 orders is more than the limit of 10 per render");
      expect(run.stderr).toContain("(or raise --max-removals)");
      expect(snapshotTree(out)).toEqual(before);
    });
  });

  it("GIVEN --allow-mass-removal THEN the 40 orders go, with a notice naming the limit passed", async () => {
    const out = populatedTree();
    const inputs = [...inputFiles.slice(0, 2), emptyFile(), ...inputFiles.slice(3)];
    const args = ["render", ...inputs.flatMap((file) => ["--in", file]), "--out", out, "--allow-mass-removal"];
    const check = await runCli([...args, "--check"]);
    expect(check.code).toBe(1);
    expect(check.stdout.trim().split("\n")).toHaveLength(40);
    const run = await runCli(args);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("--allow-mass-removal: removing 40 of the 200 order(s)");
    expect(run.stderr).toContain("0 written, 40 removed, 163 unchanged");
    expect(orderFilesIn(snapshotTree(out))).toHaveLength(160);
  });

  it("GIVEN --allow-mass-removal and an empty stdin THEN the tree is emptied of our files only", async () => {
    const out = populatedTree();
    const run = await runCli(["render", "--in", "-", "--out", out, "--allow-mass-removal"], { stdin: "" });
    expect(run.code).toBe(0);
    expect([...snapshotTree(out).keys()]).toEqual(["README.md"]);
  });

  it("GIVEN --max-removals 40 THEN 40 of 200 may go; GIVEN --max-removal-percent 19 as well THEN not", async () => {
    const inputs = [...inputFiles.slice(0, 2), ...inputFiles.slice(3)];
    const args = (out: string) => ["render", ...inputs.flatMap((file) => ["--in", file]), "--out", out, "--max-removals", "40"];
    const refused = await runCli([...args(populatedTree()), "--max-removal-percent", "19"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("20 % of the tree is more than the limit of 19 %");
    expect(refused.stderr).toContain("(or raise --max-removal-percent)");
    const allowed = await runCli(args(populatedTree()));
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain("40 removed");
  });

  it("GIVEN one order removed from a 3-order tree THEN it goes without a flag", async () => {
    const root = temporaryDirectory();
    const input = join(root, "orders.yaml");
    writeFileSync(input, ordersText(0, 3, 1));
    const out = join(root, "out");
    expect((await runCli(["render", "--in", input, "--out", out])).code).toBe(0);
    writeFileSync(input, ordersText(0, 2, 1));
    const run = await runCli(["render", "--in", input, "--out", out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("0 written, 1 removed, 3 unchanged");
    expect(orderFilesIn(snapshotTree(out)).map((path) => path.slice(path.indexOf("/") + 1))).toEqual(["vm-000.yaml", "vm-001.yaml"]);
  });

  it("GIVEN an empty input and an empty or missing tree THEN there is nothing to guard: exit 0", async () => {
    const out = join(temporaryDirectory(), "new");
    const run = await runCli(["render", "--in", "-", "--out", out], { stdin: "" });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("Rendered 0 order(s)");
    expect([...snapshotTree(out).keys()]).toEqual([]);
  });

  it.each([
    [["--max-removals=-1"], "--max-removals '-1' is not a whole number from 0 to 2^53"],
    [["--max-removals", "ten"], "--max-removals 'ten' is not a whole number"],
    [["--max-removal-percent", "101"], "--max-removal-percent '101' is not a whole number from 0 to 100"],
    [["--max-removal-percent", "12.5"], "--max-removal-percent '12.5' is not a whole number from 0 to 100"],
  ])("GIVEN %j THEN exit 2 saying %s", async (flags, message) => {
    const run = await runCli(["render", "--in", "x", "--out", "y", ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
