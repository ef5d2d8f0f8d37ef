import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { temporaryDirectory, snapshotTree } from "../../support/cli.ts";

const BIN = join(import.meta.dirname, "../../../bin/osac-vm.js");

function osacVm(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: join(import.meta.dirname, "../../..") });
}

describe("the osac-vm executable", () => {
  it("GIVEN the examples THEN validate exits 0 and render writes them", () => {
    expect(osacVm(["validate", "examples/orders"]).status).toBe(0);
    const out = join(temporaryDirectory(), "out");
    const render = osacVm(["render", "--in", "examples/orders", "--out", out]);
    expect(render.stderr).toContain("Rendered 4 order(s)");
    expect(render.status).toBe(0);
    expect([...snapshotTree(out).keys()].filter((path) => path.endsWith("vm-x7k2q.yaml"))).toEqual([
      "cloudkit-vm-orders-ntfv23cm4rd2e/vm-x7k2q.yaml",
    ]);
  });

  it("GIVEN invalid input THEN the process exits 2", () => {
    const run = osacVm(["validate", "package.json"]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("package.json:1: apiVersion: must be 'cloudkit.openshift.io/v1alpha1'");
  });

  it("GIVEN no command THEN it prints usage on stderr and exits 2", () => {
    const run = osacVm([]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("Usage: osac-vm <command>");
  });

  it("GIVEN --help THEN the commands and their descriptions line up in two columns", () => {
    const run = osacVm(["--help"]);
    expect(run.status).toBe(0);
    const commands = run.stdout.split("\n").filter((line) => /^ {2}[a-z]+ +\S/.test(line));
    // Every command the executable knows is listed, and nothing else.
    const known = /known commands are (.*)$/m.exec(osacVm(["no-such-command"]).stderr)?.[1]?.split(", ");
    expect(known).toContain("render");
    expect(commands.map((line) => line.trim().split(/\s+/)[0])).toEqual(known);
    const columns = commands.map((line) => line.search(/(?<=^ {2}[a-z]+ +)\S/));
    expect(new Set(columns).size).toBe(1);
  });
});
