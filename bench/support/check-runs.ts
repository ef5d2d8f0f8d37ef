/**
 * `render --check` against an unchanged re-render of the same tree (npm run bench:render).
 *
 * On a tree that is up to date with its input, alternately runs the CLI render (nothing to write)
 * and the CLI `render --check` (nothing differs), each a fresh child process under GNU time;
 * then hand-edits one file keeping its length (the edit a plain re-render does not notice) and
 * checks that `--check` reports exactly that file, restoring it afterwards.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { measure, median, type Measured } from "./measure.ts";

export interface UnchangedRuns {
  readonly rerender: Measured[];
  readonly check: Measured[];
  /** What `--check` said about a same-length hand edit of one file. */
  readonly handEdit: { readonly file: string; readonly exitCode: number | null; readonly reported: string[] };
}

function cli(project: string, input: string, out: string, extra: readonly string[] = []): Measured {
  return measure(process.execPath, ["bin/osac-vm.js", "render", "--in", input, "--out", out, "--profile", "gitops", ...extra], project);
}

export function measureUnchangedTree(project: string, input: string, out: string, target: string, repeats: number, log: (line: string) => void): UnchangedRuns {
  const rerender: Measured[] = [];
  const check: Measured[] = [];
  for (let rep = 1; rep <= repeats; rep++) {
    const render = cli(project, input, out);
    if (!/: 0 written, 0 removed, \d+ unchanged/.test(render.stderr)) throw new Error(`unchanged re-render wrote something:\n${render.stderr}`);
    rerender.push(render);
    const checked = cli(project, input, out, ["--check"]);
    if (!/file\(s\) up to date/.test(checked.stderr)) throw new Error(`--check of an up-to-date tree said:\n${checked.stderr}`);
    check.push(checked);
    log(`  unchanged tree, run ${rep}: re-render ${render.wallS.toFixed(2)} s, --check ${checked.wallS.toFixed(2)} s`);
  }

  const path = join(out, target);
  const original = readFileSync(path, "utf8");
  const edited = original.replace(/cores: (\d)\n/, (_match, digit: string) => `cores: ${(Number(digit) + 1) % 10}\n`);
  if (edited === original || edited.length !== original.length) throw new Error(`cannot make a same-length edit of ${target}`);
  writeFileSync(path, edited);
  try {
    const run = spawnSync(process.execPath, ["bin/osac-vm.js", "render", "--in", input, "--out", out, "--check"], { cwd: project, encoding: "utf8" });
    const reported = run.stdout.split("\n").filter((line) => line.length > 0);
    log(`  hand edit of ${target}: --check exit ${run.status}, reported ${JSON.stringify(reported)}`);
    return { rerender, check, handEdit: { file: target, exitCode: run.status, reported } };
  } finally {
    writeFileSync(path, original);
  }
}

/** The report's table and target line for these runs. */
export function formatUnchangedTable(runs: UnchangedRuns, orders: number, maxRatio: number): string[] {
  const row = (label: string, of: Measured[]) =>
    `| ${label} | ${median(of.map((m) => m.wallS)).toFixed(2)} | ${median(of.map((m) => m.cpuS)).toFixed(2)} | ${median(of.map((m) => m.peakRssMb)).toFixed(0)} | ${of.map((m) => m.wallS.toFixed(2)).join(" / ")} |`;
  const wallRatio = median(runs.check.map((m) => m.wallS)) / median(runs.rerender.map((m) => m.wallS));
  const cpuRatio = median(runs.check.map((m) => m.cpuS)) / median(runs.rerender.map((m) => m.cpuS));
  const verdict = (ratio: number) => `${ratio.toFixed(2)} × → ${ratio <= maxRatio ? "met" : "MISSED"}`;
  const detected = runs.handEdit.exitCode === 1 && runs.handEdit.reported.length === 1 && runs.handEdit.reported[0] === `differs: ${runs.handEdit.file}`;
  return [
    `### Unchanged tree of ${orders.toLocaleString("en-US")} orders: re-render against \`--check\``,
    "",
    "| mode | process wall s | process CPU s | peak RSS MB | runs, wall s |",
    "|---|---:|---:|---:|---|",
    row("CLI `render` (nothing to write)", runs.rerender),
    row("CLI `render --check` (nothing differs)", runs.check),
    "",
    `Same-length hand edit of ${runs.handEdit.file}: \`--check\` exit ${runs.handEdit.exitCode}, printed ${JSON.stringify(runs.handEdit.reported)} → ${detected ? "detected" : "NOT DETECTED"}.`,
    "",
    `- \`--check\` no slower than the unchanged re-render (≤ ${maxRatio} ×, the margin for noise): wall ${verdict(wallRatio)}; CPU ${verdict(cpuRatio)}`,
    `- \`--check\` still detects a hand edit that keeps the file's length: ${detected ? "yes" : "NO"}`,
  ];
}
