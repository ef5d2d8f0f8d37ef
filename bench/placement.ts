/**
 * Placement benchmark (npm run bench:placement; tables in docs/benchmarks/placement.md):
 *  1. the placement path the webhook runs per CREATE (registry snapshot, pure placeOrder,
 *     reservation), in-process, with 50 hubs and 100,000 placed orders in the tally; CPU per order;
 *  2. what placement adds to the mutating decision in-process (the webhook bench's mutate CREATE
 *     review, hubs on and off, in alternating rounds);
 *  3. orders moved when a hub is added to a full registry: 10 hubs filled until a CREATE is
 *     denied, an 11th added, every placed order re-evaluated through both webhooks on UPDATE
 *     (must be 0), against what a from-scratch recomputation would move;
 *  4. added admission latency at 1,000 reviews/s: the real webhook process with hubs on and off
 *     against a real management cluster with 50 Hubs (probed by the real hub prober) and placed
 *     orders, open loop, servers pinned to CPU 0 and the load generator to CPU 1, alternating.
 * The machine is shared: /proc/loadavg is printed beside each figure.
 *
 * Options: --quick (smaller and shorter), --no-latency (parts 1–3 only), --latency-only (part 4 only), --rounds <n> (part 4, default 3),
 * --no-pin (part 4: no taskset; the servers and the load generator share whatever CPU is free),
 * --rate <n> (part 4's reviews per second, default 1000: a machine too busy to generate and answer
 * them in time answers none inside the window, and the part fails saying so),
 * --orders <n> (placed orders in the cluster for part 4, default 1000).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { measureDecisionCost, measureMovedOrders, measurePlacementCost } from "./support/placement-inprocess.ts";
import { measureAdmissionLatency, type LatencyRound } from "./support/placement-latency.ts";

const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "no-latency": { type: "boolean", default: false },
    "latency-only": { type: "boolean", default: false },
    "no-pin": { type: "boolean", default: false },
    rate: { type: "string", default: "1000" },
    rounds: { type: "string", default: "3" },
    orders: { type: "string", default: "1000" },
  },
});
const log = (line: string) => process.stderr.write(`${line}\n`);
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const fmt = (value: number, digits = 1) => value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function main(): Promise<number> {
  const out: string[] = [];
  out.push(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, Node ${process.version}; parts 1–3 in one node process from an esbuild bundle (as the webhook runs from build/); part 4 runs \`node bin/osac-vm.js webhook\`. Load average at start: ${loadavg()}.`,
    "",
  );

  let failed = false;
  if (!flags["latency-only"]) failed = await inProcess(out);
  if (!flags["no-latency"]) {
    log(`4. admission latency at ${flags.rate} reviews/s, hubs on and off`);
    const scratch = mkdtempSync(join(tmpdir(), "osac-placement-bench-"));
    try {
      const loadBefore = loadavg();
      const rounds = await measureAdmissionLatency({
        project: PROJECT,
        scratch,
        hubs: 50,
        orders: Number(flags.orders),
        rounds: Math.max(1, Number(flags.rounds) || 3),
        durationMs: flags.quick ? 4_000 : 10_000,
        log,
        pin: !flags["no-pin"],
        rate: Number(flags.rate),
      });
      out.push(...latencyTable(rounds, loadBefore, loadavg(), Number(flags.orders), Number(flags.rate)));
    } catch (error) {
      failed = true;
      out.push(`### 4. Admission latency: FAILED: ${(error as Error).message}`, "");
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  process.stdout.write(`${out.join("\n")}\n`);
  return failed ? 1 : 0;
}

interface InProcessResults {
  readonly cost: ReturnType<typeof measurePlacementCost>;
  readonly costLoad: string;
  readonly decision: ReturnType<typeof measureDecisionCost>;
  readonly decisionLoad: string;
  readonly moved: ReturnType<typeof measureMovedOrders>;
}

/** Bundles bench/support/placement-inprocess-main.ts with esbuild and runs it with plain node. */
async function runInProcessParts(): Promise<InProcessResults> {
  // Inside the project, so that the bundle's external imports resolve from its node_modules.
  const cache = join(PROJECT, "node_modules/.cache");
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, "osac-placement-inprocess-"));
  try {
    const bundle = join(scratch, "placement-inprocess.mjs");
    const esbuild = await import("esbuild");
    await esbuild.build({ absWorkingDir: PROJECT, entryPoints: ["bench/support/placement-inprocess-main.ts"], bundle: true, format: "esm", platform: "node", target: "node20", packages: "external", outfile: bundle, logLevel: "warning" });
    const output = execFileSync(process.execPath, [bundle, ...(flags.quick ? ["quick"] : [])], { cwd: PROJECT, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" }, maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(output) as InProcessResults;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Parts 1–3; true when a check failed (an order moved, or the registry never filled). */
async function inProcess(out: string[]): Promise<boolean> {
  log("1–3. placement path (50 hubs, 100,000 placed orders), the decision with and without placement, a hub added to a full registry");
  const { cost, costLoad, decision, decisionLoad, moved } = await runInProcessParts();
  out.push(
    `### 1. Placement per order, in-process (${cost.hubs} hubs, ${cost.placedOrders.toLocaleString("en-US")} placed orders in the tally)`,
    "",
    "| what | CPU µs per order | load average |",
    "|---|---:|---|",
    `| snapshot of the registry + placeOrder + reservation (what the webhook runs per CREATE) | ${fmt(cost.cpuMicrosPerPlacement)} | ${costLoad} |`,
    `| of which the snapshot (50 candidates with their allocation) | ${fmt(cost.snapshotMicros)} | |`,
    `| of which placeOrder (50 hubs: rules, load, rendezvous tie-break) | ${fmt(cost.placeMicros)} | |`,
    `| filling the tally: ${cost.placedOrders.toLocaleString("en-US")} placements one by one | ${fmt((cost.fillSeconds * 1e6) / cost.placedOrders)} (wall) | |`,
    "",
    `After ${cost.placedOrders.toLocaleString("en-US")} orders (1–8 vCPUs, a fifth with a region selector) the eligible hubs are at a mean load of ${fmt(100 * cost.meanLoad)} %, and the most and least loaded differ by ${fmt(100 * cost.loadSpread, 2)} percentage points.`,
    "",
  );
  const added = decision.withHubs.map((value, index) => value - decision.withoutHubs[index]!);
  out.push(
    "### 2. The mutating decision for one CREATE, in-process (the webhook bench's 8 KB order), median of paired rounds",
    "",
    "| hub placement | CPU µs per decision | each round | load average |",
    "|---|---:|---|---|",
    `| off (single-cluster mode) | ${fmt(median(decision.withoutHubs))} | ${decision.withoutHubs.map((v) => fmt(v)).join(", ")} | ${decisionLoad} |`,
    `| on, 50 hubs | ${fmt(median(decision.withHubs))} | ${decision.withHubs.map((v) => fmt(v)).join(", ")} | |`,
    `| added by placement | ${fmt(median(added))} | ${added.map((v) => fmt(v)).join(", ")} | |`,
    "",
  );

  out.push(
    "### 3. Adding a hub to a full registry",
    "",
    "| measure | value |",
    "|---|---:|",
    `| hubs before (64 vCPUs, 32 VMs each) | ${moved.hubsBefore} |`,
    `| orders placed (2 vCPUs) until a CREATE was denied | ${moved.placed}${moved.deniedWhenFull ? "" : " (NEVER DENIED)"} |`,
    `| **orders whose hub the webhooks change on UPDATE after an 11th hub is added** | **${moved.movedByWebhooks}** |`,
    `| those UPDATEs allowed | ${moved.updatesAllowed} of ${moved.placed} |`,
    `| orders a from-scratch recomputation on 11 hubs would place elsewhere (what stickiness prevents) | ${moved.movedIfRecomputed} |`,
    `| hub of the next new order | ${moved.newOrderHub} |`,
    "",
  );
  return moved.movedByWebhooks !== 0 || !moved.deniedWhenFull || moved.updatesAllowed !== moved.placed;

}

function latencyTable(rounds: readonly LatencyRound[], loadBefore: string, loadAfter: string, orders: number, rate: number): string[] {
  const cpu = (round: LatencyRound) => (1e6 * round.result.serverCpuS) / round.result.reviews;
  const of = (server: LatencyRound["server"]) => rounds.filter((round) => round.server === server);
  const lines = [
    `### 4. Admission latency, mutate CREATE at ${rate.toLocaleString("en-US")} reviews/s (real webhook processes, 50 Hubs and ${orders.toLocaleString("en-US")} placed orders on a real API server; load average ${loadBefore} before, ${loadAfter} after)`,
    "",
    "| hub placement | round | reviews | achieved/s | p50 ms | p90 ms | p99 ms | max ms | server CPU µs/review |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const round of rounds) {
    const r = round.result;
    lines.push(`| ${round.server} | ${round.round} | ${r.reviews.toLocaleString("en-US")} | ${fmt(r.reviews / r.wallS, 0)} | ${fmt(r.latencyMs.p50, 2)} | ${fmt(r.latencyMs.p90, 2)} | ${fmt(r.latencyMs.p99, 2)} | ${fmt(r.latencyMs.max, 2)} | ${fmt(cpu(round))} |`);
  }
  const on = of("hubs on");
  const off = of("hubs off");
  const paired = (pick: (round: LatencyRound) => number) => median(on.map((round, index) => pick(round) - pick(off[index]!)));
  lines.push(
    "",
    "| added by placement (median of the rounds' differences) | value |",
    "|---|---:|",
    `| p50 | ${fmt(paired((round) => round.result.latencyMs.p50), 2)} ms |`,
    `| p99 | ${fmt(paired((round) => round.result.latencyMs.p99), 2)} ms |`,
    `| server CPU per review | ${fmt(paired(cpu))} µs |`,
    "",
  );
  return lines;
}

process.exitCode = await main();
