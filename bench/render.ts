/**
 * Render benchmark (npm run bench:render).
 *
 * For 100, 1,000 and 10,000 generated orders, each measurement is a fresh child process run under
 * `/usr/bin/time -f "%e %M"` (wall seconds, peak RSS), repeated 3 times; tables show medians:
 *
 *  - floor: bench/render-floor.ts (plain object literals, one file per object) into an empty dir;
 *  - ours:  `node bin/osac-vm.js render --profile gitops` into an empty dir;
 *  - re-render (10,000 only): one order's cpu_cores changed in the input, then the CLI and an
 *    in-process renderTree call (timed alone with performance.now()) over the existing tree; the
 *    tree is snapshotted (inode, mtime ns, size) before and after to check that only that order's
 *    file changed;
 *  - unchanged tree (10,000 only): the CLI `render` (nothing to write) against `render --check`
 *    (nothing differs), alternating, then `--check` on a same-length hand edit of one file
 *    (bench/support/check-runs.ts).
 *
 * Everything is written under a temporary directory in os.tmpdir(), removed at the end.
 */
import { mkdtempSync, readFileSync, rmSync, statfsSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatUnchangedTable, measureUnchangedTree, type UnchangedRuns } from "./support/check-runs.ts";
import { countFiles, diffTrees, differingObjects, measure, median, objectsUnder, snapshotTree, type Measured } from "./support/measure.ts";
import { orderName, orderNamespace, orderTenant, TENANTS, ORDER_NAMESPACES, writeOrdersFile } from "./support/orders.ts";

const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SIZES = [100, 1_000, 10_000];
const REPEATS = 3;
const RERENDER_SIZE = 10_000;
/** The order whose templateParameters the re-render changes. */
const CHANGED_ORDER = 4321;
const NODE = process.execPath;

const TARGETS = { fullRatio: 1.5, fullRssMb: 800, rerenderS: 1, checkRatio: 1.1 };

const root = mkdtempSync(join(tmpdir(), "osac-render-bench-"));
const cleanup = () => rmSync(root, { recursive: true, force: true });
process.on("SIGINT", () => {
  cleanup();
  process.exit(130);
});

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function floorRun(input: string, out: string): Measured {
  return measure(NODE, ["--import", "tsx", "bench/render-floor.ts", "--in", input, "--out", out], PROJECT);
}

function cliRun(input: string, out: string): Measured {
  return measure(NODE, ["bin/osac-vm.js", "render", "--in", input, "--out", out, "--profile", "gitops"], PROJECT);
}

function inProcessRun(input: string, out: string): Measured {
  return measure(NODE, ["--import", "tsx", "bench/support/rerender-child.ts", input, out], PROJECT);
}

/** `Rendered N order(s) into …: W written, R removed, U unchanged` from the CLI's stderr. */
function cliSummary(stderr: string): { orders: number; written: number; removed: number; unchanged: number } {
  const match = /Rendered (\d+) order\(s\) into .*: (\d+) written, (\d+) removed, (\d+) unchanged/.exec(stderr);
  if (!match) throw new Error(`unexpected CLI output:\n${stderr}`);
  const [orders, written, removed, unchanged] = match.slice(1).map(Number);
  return { orders: orders!, written: written!, removed: removed!, unchanged: unchanged! };
}

function tenantNamespaceCount(orders: number): number {
  const pairs = new Set<string>();
  for (let i = 0; i < Math.min(orders, ORDER_NAMESPACES * TENANTS); i++) pairs.add(`${orderNamespace(i)}/${orderTenant(i)}`);
  return pairs.size;
}

const fmt = (value: number, digits = 2) => value.toFixed(digits);

interface SizeResult {
  readonly orders: number;
  readonly inputMb: number;
  readonly floorFiles: number;
  readonly oursFiles: number;
  readonly floor: Measured[];
  readonly ours: Measured[];
}

interface RerenderRun {
  readonly mode: "cli" | "in-process";
  readonly measured: Measured;
  readonly renderTreeMs?: number;
  readonly written: number;
  readonly filesRead?: number;
  readonly rendered?: number;
  readonly diskChanged: string[];
  readonly onlyTarget: boolean;
}

/** The file system holding `path`, from /proc/self/mounts (longest mount point that contains it). */
function fileSystemType(path: string): string {
  try {
    let best = { mountPoint: "", type: "unknown" };
    for (const line of readFileSync("/proc/self/mounts", "utf8").split("\n")) {
      const [, mountPoint, type] = line.split(" ");
      if (!mountPoint || !type) continue;
      const contains = path === mountPoint || path.startsWith(mountPoint.endsWith("/") ? mountPoint : `${mountPoint}/`);
      if (contains && mountPoint.length > best.mountPoint.length) best = { mountPoint, type };
    }
    return best.type;
  } catch {
    return `statfs type 0x${statfsSync(path).type.toString(16)}`;
  }
}

function main(): void {
  const started = Date.now();
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGb: totalmem() / 1024 ** 3,
    tmp: `${tmpdir()} (${fileSystemType(tmpdir())})`,
    time: "GNU time (/usr/bin/time)",
    loadBefore: loadavg().map((load) => load.toFixed(2)).join(" "),
  };
  log(`render bench: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, scratch ${root}`);

  // Warm-up (not measured): fills tsx's transform cache for both scripts.
  const warmInput = join(root, "warm.yaml");
  writeOrdersFile(warmInput, 10);
  floorRun(warmInput, join(root, "warm-floor"));
  cliRun(warmInput, join(root, "warm-ours"));
  inProcessRun(warmInput, join(root, "warm-ours"));
  rmSync(join(root, "warm-floor"), { recursive: true });
  rmSync(join(root, "warm-ours"), { recursive: true });

  const results: SizeResult[] = [];
  let equivalence = "not checked";
  let rerenderOut = "";
  let rerenderInput = "";
  for (const size of SIZES) {
    const input = join(root, `orders-${size}.yaml`);
    const inputBytes = writeOrdersFile(input, size);
    const expectedOurs = size + tenantNamespaceCount(size);
    const floor: Measured[] = [];
    const ours: Measured[] = [];
    let floorFiles = 0;
    let oursFiles = 0;
    for (let rep = 1; rep <= REPEATS; rep++) {
      const floorOut = join(root, `floor-${size}-${rep}`);
      const oursOut = join(root, `ours-${size}-${rep}`);
      // Alternate floor and ours so drift in the machine's state hits both alike.
      const f = floorRun(input, floorOut);
      floorFiles = countFiles(floorOut);
      const reported = JSON.parse(f.stdout) as { files: number };
      if (reported.files !== floorFiles) throw new Error(`floor reported ${reported.files} files, found ${floorFiles}`);
      floor.push(f);
      const o = cliRun(input, oursOut);
      const summary = cliSummary(o.stderr);
      oursFiles = countFiles(oursOut);
      if (summary.orders !== size || summary.written !== expectedOurs || oursFiles !== expectedOurs) {
        throw new Error(`ours: expected ${expectedOurs} files for ${size} orders; CLI said ${JSON.stringify(summary)}, found ${oursFiles}`);
      }
      ours.push(o);
      log(`  ${size} orders, run ${rep}: floor ${fmt(f.wallS)} s (cpu ${fmt(f.cpuS)}) ${fmt(f.peakRssMb, 0)} MB; ours ${fmt(o.wallS)} s (cpu ${fmt(o.cpuS)}) ${fmt(o.peakRssMb, 0)} MB`);
      if (size === SIZES[0] && rep === 1) {
        const differing = differingObjects(objectsUnder(floorOut), objectsUnder(oursOut));
        equivalence =
          differing.length === 0
            ? `identical: the floor and ours produce the same ${objectsUnder(oursOut).size} objects for ${size} orders (compared as key-sorted JSON)`
            : `DIFFERENT in ${differing.length} object(s), e.g. ${differing.slice(0, 3).join(", ")}`;
        log(`  equivalence: ${equivalence}`);
      }
      rmSync(floorOut, { recursive: true });
      if (size === RERENDER_SIZE && rep === REPEATS) {
        rerenderOut = oursOut;
        rerenderInput = input;
      } else {
        rmSync(oursOut, { recursive: true });
      }
    }
    results.push({ orders: size, inputMb: inputBytes / 1024 ** 2, floorFiles, oursFiles, floor, ours });
  }

  // Re-render after changing one order.
  const target = `${orderNamespacePath(rerenderOut, CHANGED_ORDER)}/${orderName(CHANGED_ORDER)}.yaml`;
  const runs: RerenderRun[] = [];
  let cores = 100;
  for (let rep = 1; rep <= REPEATS; rep++) {
    for (const mode of ["cli", "in-process"] as const) {
      cores++;
      writeOrdersFile(rerenderInput, RERENDER_SIZE, new Map([[CHANGED_ORDER, { cpu_cores: String(cores) }]]));
      const before = snapshotTree(rerenderOut);
      const beforeText = readFileSync(join(rerenderOut, target), "utf8");
      const measured = mode === "cli" ? cliRun(rerenderInput, rerenderOut) : inProcessRun(rerenderInput, rerenderOut);
      const diff = diffTrees(before, snapshotTree(rerenderOut));
      const afterText = readFileSync(join(rerenderOut, target), "utf8");
      const onlyTarget =
        diff.added.length === 0 &&
        diff.removed.length === 0 &&
        diff.changed.length === 1 &&
        diff.changed[0] === target &&
        afterText !== beforeText &&
        afterText.includes(`cores: ${cores}\n`);
      let run: RerenderRun;
      if (mode === "cli") {
        const summary = cliSummary(measured.stderr);
        run = { mode, measured, written: summary.written, diskChanged: diff.changed, onlyTarget };
      } else {
        const report = JSON.parse(measured.stdout) as { ms: number; changed: string[]; filesRead: number; rendered: number };
        run = {
          mode,
          measured,
          renderTreeMs: report.ms,
          written: report.changed.length,
          filesRead: report.filesRead,
          rendered: report.rendered,
          diskChanged: diff.changed,
          onlyTarget: onlyTarget && report.changed.length === 1 && report.changed[0] === target,
        };
      }
      runs.push(run);
      log(
        `  re-render ${mode}, run ${rep}: ${fmt(measured.wallS)} s ${fmt(measured.peakRssMb, 0)} MB` +
          (run.renderTreeMs !== undefined ? `, renderTree ${fmt(run.renderTreeMs, 0)} ms` : "") +
          `; written ${run.written}, changed on disk [${diff.changed.join(", ")}]${diff.added.length + diff.removed.length > 0 ? ` added ${diff.added.length} removed ${diff.removed.length}` : ""}`,
      );
    }
  }

  // --check against an unchanged re-render: the tree is now up to date with the last input.
  const handEdited = `${orderNamespacePath(rerenderOut, 0)}/${orderName(0)}.yaml`;
  const unchanged = measureUnchangedTree(PROJECT, rerenderInput, rerenderOut, handEdited, REPEATS, log);

  printReport(machine, results, runs, unchanged, target, equivalence, (Date.now() - started) / 1000);
}

function orderNamespacePath(out: string, index: number): string {
  const name = `${orderName(index)}.yaml`;
  const match = [...snapshotTree(out).keys()].find((path) => path.endsWith(`/${name}`));
  if (!match) throw new Error(`no rendered file for ${orderName(index)} under ${out}`);
  return match.slice(0, match.indexOf("/"));
}

function printReport(
  machine: { node: string; cpus: number; cpuModel: string; memoryGb: number; tmp: string; time: string; loadBefore: string },
  results: SizeResult[],
  runs: RerenderRun[],
  unchanged: UnchangedRuns,
  target: string,
  equivalence: string,
  totalS: number,
): void {
  const out: string[] = [];
  out.push(`Machine: ${machine.cpus} cores (${machine.cpuModel}), ${fmt(machine.memoryGb, 1)} GiB RAM, Node ${machine.node}; output under ${machine.tmp}; ${machine.time}.`);
  out.push(`Load average (1/5/15 min) at start: ${machine.loadBefore}; at end: ${loadavg().map((load) => load.toFixed(2)).join(" ")}.`);
  out.push(`Each cell: median of ${REPEATS} fresh child processes; wall seconds, CPU seconds (user + sys) and peak RSS as reported by \`/usr/bin/time -f "%e %U %S %M"\`.`);
  out.push("");
  out.push("### Full render into an empty directory");
  out.push("");
  out.push("| orders | objects | input MB | floor s | ours s | ratio (ours/floor) | ours ms/order | floor CPU s | ours CPU s | CPU ratio | floor peak RSS MB | ours peak RSS MB | files (floor / ours) |");
  out.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    const floorS = median(r.floor.map((m) => m.wallS));
    const oursS = median(r.ours.map((m) => m.wallS));
    const floorCpu = median(r.floor.map((m) => m.cpuS));
    const oursCpu = median(r.ours.map((m) => m.cpuS));
    out.push(
      `| ${r.orders.toLocaleString("en-US")} | ${r.floorFiles.toLocaleString("en-US")} | ${fmt(r.inputMb, 1)} | ${fmt(floorS)} | ${fmt(oursS)} | ${fmt(oursS / floorS)} | ${fmt((oursS * 1000) / r.orders, 3)} | ` +
        `${fmt(floorCpu)} | ${fmt(oursCpu)} | ${fmt(oursCpu / floorCpu)} | ` +
        `${fmt(median(r.floor.map((m) => m.peakRssMb)), 0)} | ${fmt(median(r.ours.map((m) => m.peakRssMb)), 0)} | ${r.floorFiles.toLocaleString("en-US")} / ${r.oursFiles.toLocaleString("en-US")} |`,
    );
  }
  out.push("");
  out.push(`Individual runs, wall s: ${results.map((r) => `${r.orders}: floor ${r.floor.map((m) => fmt(m.wallS)).join("/")}, ours ${r.ours.map((m) => fmt(m.wallS)).join("/")}`).join("; ")}.`);
  out.push(`Floor vs ours objects: ${equivalence}.`);
  out.push("");
  out.push(`### Re-render of ${RERENDER_SIZE.toLocaleString("en-US")} orders after changing one order's cpu_cores (${target})`);
  out.push("");
  out.push("| mode | process wall s | process CPU s | renderTree ms | peak RSS MB | files written (report) | files read (report) | orders rendered | files changed on disk | only that order's file changed |");
  out.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const mode of ["cli", "in-process"] as const) {
    const of = runs.filter((run) => run.mode === mode);
    const renderMs = of.map((run) => run.renderTreeMs).filter((ms): ms is number => ms !== undefined);
    const label = mode === "cli" ? "CLI `node bin/osac-vm.js render`" : "in-process `renderTree` (child script)";
    const filesRead = of[0]?.filesRead;
    out.push(
      `| ${label} | ${fmt(median(of.map((run) => run.measured.wallS)))} | ${fmt(median(of.map((run) => run.measured.cpuS)))} | ${renderMs.length ? fmt(median(renderMs), 0) : "—"} | ${fmt(median(of.map((run) => run.measured.peakRssMb)), 0)} | ` +
        `${unique(of.map((run) => run.written))} | ${filesRead === undefined ? "— (CLI does not print it)" : unique(of.map((run) => run.filesRead!))} | ` +
        `${of[0]?.rendered === undefined ? "—" : unique(of.map((run) => run.rendered!))} | ${unique(of.map((run) => run.diskChanged.length))} | ${of.every((run) => run.onlyTarget) ? "yes" : "NO"} (${of.length}/${of.length} runs checked) |`,
    );
  }
  out.push("");
  out.push(`Individual runs: ${runs.map((run) => `${run.mode} ${fmt(run.measured.wallS)} s${run.renderTreeMs !== undefined ? ` (renderTree ${fmt(run.renderTreeMs, 0)} ms)` : ""}`).join("; ")}.`);
  out.push("");
  const big = results.find((r) => r.orders === RERENDER_SIZE)!;
  const ratio = median(big.ours.map((m) => m.wallS)) / median(big.floor.map((m) => m.wallS));
  const rss = median(big.ours.map((m) => m.peakRssMb));
  const cliRerender = median(runs.filter((run) => run.mode === "cli").map((run) => run.measured.wallS));
  const inProcess = median(runs.filter((run) => run.mode === "in-process").map((run) => run.renderTreeMs!));
  const onlyTarget = runs.every((run) => run.onlyTarget);
  out.push("### Targets");
  out.push("");
  out.push(`- Full render of 10,000 orders ≤ ${TARGETS.fullRatio} × floor: ${fmt(ratio)} × → ${ratio <= TARGETS.fullRatio ? "met" : "MISSED"}`);
  out.push(`- Peak RSS ≤ ${TARGETS.fullRssMb} MB: ${fmt(rss, 0)} MB → ${rss <= TARGETS.fullRssMb ? "met" : "MISSED"}`);
  out.push(
    `- Re-render after one change ≤ ${TARGETS.rerenderS} s: CLI process ${fmt(cliRerender)} s → ${cliRerender <= TARGETS.rerenderS ? "met" : "MISSED"}; ` +
      `renderTree alone ${fmt(inProcess, 0)} ms → ${inProcess <= TARGETS.rerenderS * 1000 ? "met" : "MISSED"}`,
  );
  out.push(`- Only the changed order's file written: ${onlyTarget ? "yes" : "NO"}`);
  out.push("");
  out.push(...formatUnchangedTable(unchanged, RERENDER_SIZE, TARGETS.checkRatio));
  out.push("");
  out.push(`Bench wall time: ${fmt(totalS, 0)} s.`);
  process.stdout.write(`${out.join("\n")}\n`);
}

function unique(values: readonly number[]): string {
  return [...new Set(values)].join(" / ");
}

try {
  main();
} finally {
  cleanup();
}
