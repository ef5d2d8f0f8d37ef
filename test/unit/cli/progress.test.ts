import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import yaml from "js-yaml";
import { progressReporter, type Terminal } from "../../../src/cli/terminal.ts";
import { orderDocument } from "../../support/orders.ts";
import { runCli, temporaryDirectory } from "../../support/cli.ts";

const PROJECT = join(import.meta.dirname, "../../..");
const ORDERS = 1_000;
/** 1,000 orders of one tenant: 1,001 files with its _namespace.yaml. */
const FILES = ORDERS + 1;

function fakeTerminal(isTTY: boolean): Terminal & { written: string[] } {
  const written: string[] = [];
  return { written, stdout: { write: () => true }, stderr: { write: (text: string) => written.push(text), isTTY }, env: {} };
}

function manyOrders(): string {
  const path = join(temporaryDirectory(), "orders.yaml");
  const documents = Array.from({ length: ORDERS }, (_, index) => yaml.dump(orderDocument({ cpu_cores: "2" }, { name: `vm-${index}` })));
  writeFileSync(path, documents.join("---\n"));
  return path;
}

describe("progressReporter", () => {
  it("GIVEN stderr is not a terminal THEN there is no reporter", () => {
    expect(progressReporter(fakeTerminal(false), "osac-vm render")).toBeUndefined();
  });

  it("GIVEN a terminal THEN a step of 1,000 items or more is shown at most every 100 ms, its end always, on one rewritten line", () => {
    const terminal = fakeTerminal(true);
    let nowMs = 0;
    const report = progressReporter(terminal, "osac-vm render", { now: () => nowMs })!;
    report({ phase: "render", done: 1, total: 999 });
    report({ phase: "render", done: 999, total: 999 });
    expect(terminal.written).toEqual([]);
    const steps: Array<[number, number]> = [[0, 1], [50, 2], [99, 3], [100, 4], [150, 5], [250, 900], [260, 1000]];
    for (const [at, done] of steps) {
      nowMs = at;
      report({ phase: "render", done, total: 1000 });
    }
    nowMs = 270;
    report({ phase: "write", done: 1, total: 1000 });
    report({ phase: "write", done: 1000, total: 1000 });
    expect(terminal.written).toEqual([
      "\r\x1b[Kosac-vm render: rendering 1/1000 files",
      "\r\x1b[Kosac-vm render: rendering 4/1000 files",
      "\r\x1b[Kosac-vm render: rendering 900/1000 files",
      "\r\x1b[Kosac-vm render: rendering 1000/1000 files\n",
      "\r\x1b[Kosac-vm render: writing 1/1000 files",
      "\r\x1b[Kosac-vm render: writing 1000/1000 files\n",
    ]);
  });
});

describe("osac-vm render progress", () => {
  it(`GIVEN ${ORDERS} orders and stderr on a real terminal THEN it shows rendering and writing progress, each ended by a newline`, () => {
    const input = manyOrders();
    const out = join(temporaryDirectory(), "out");
    // script(1) runs the command on a pseudo-terminal, so process.stderr.isTTY is true as for a user.
    const run = spawnSync("script", ["-qec", `"${process.execPath}" bin/osac-vm.js render --in "${input}" --out "${out}"`, "/dev/null"], {
      cwd: PROJECT,
      encoding: "utf8",
    });
    expect(run.error, "script(1) from util-linux (Debian: bsdutils) is needed to run the CLI on a terminal").toBeUndefined();
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const output = run.stdout.replaceAll("\r\n", "\n");
    expect(output).toContain(`\r\x1b[Kosac-vm render: rendering ${FILES}/${FILES} files\n`);
    expect(output).toContain(`\r\x1b[Kosac-vm render: writing ${FILES}/${FILES} files\n`);
    expect(output).toMatch(/\r\x1b\[Kosac-vm render: rendering 1\/1001 files/);
    expect(output).toContain(`Rendered ${ORDERS} order(s) into ${out}: ${FILES} written, 0 removed, 0 unchanged`);
  });

  it("GIVEN a small render on a terminal THEN no progress line", async () => {
    const input = join(temporaryDirectory(), "one.yaml");
    writeFileSync(input, yaml.dump(orderDocument({}, { name: "vm-one" })));
    const run = await runCli(["render", "--in", input, "--out", join(temporaryDirectory(), "out")], { stderrIsTTY: true });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain("\r");
  });
});
