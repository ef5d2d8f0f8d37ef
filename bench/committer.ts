/**
 * Committer benchmark (npm run bench:committer): the committer's commit loop (src/gitops/committer/
 * commit-loop.ts, wired as `osac-vm committer` wires it, with a 1 s batch window and its settle
 * time, sealing on) against a real Git server (`git daemon`, test/git/support/git-daemon.ts). The
 * orders come from a Map, as the order cache would hold them: this measures the committer, not the
 * API server's watch. Markdown tables on stdout, progress on stderr.
 *
 * Scenarios, each on a fresh repository and a fresh data directory:
 *  - burst: `--orders` (100) orders at once;
 *  - 10/s: the same number, one every 100 ms;
 *  - 200/min: `--orders / 2` orders, one every 300 ms (the rate).
 * Per order: from the moment it is handed to the loop (an order watch event) to the moment the
 * push that carries it returns. Per scenario: commits, commits per 100 orders, orders committed
 * per second (orders / (last push − first order)).
 *
 * The floor, in the same run: plain git on the same files. The final tree of the burst scenario
 * written into a fresh work tree, `git add -A && git commit` (one commit of every order's files),
 * then `git push` to a fresh repository on the same server; and one order's files (its file and
 * its namespace's) committed and pushed alone, the median of 5.
 *
 * With `--existing N`: the 200/min scenario again, on a repository that already holds N orders
 * (put in one burst first, not measured), for the "with 10,000 and 100,000 orders already
 * in the repository"; with the committer's CPU time and peak RSS over the paced part.
 *
 * Options: --orders N, --window <duration> (default 1s), --existing N, --json <file>.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { settleMsFor } from "../src/gitops/committer/batch-schedule.ts";
import { parseDurationMs } from "../src/gitops/committer/config.ts";
import { parseSealingCertificate, parseValueKey, SecretSealer } from "../src/gitops/sealing/index.ts";
import { GitDaemon } from "../test/git/support/git-daemon.ts";
import { gitopsOrder, LoopHarness } from "../test/git/support/loop-harness.ts";
import { rsaKeyPair, selfSignedCertificate } from "../test/support/sealing.ts";
import { percentile } from "./support/gitops-measure.ts";

const { values } = parseArgs({ options: { orders: { type: "string", default: "100" }, window: { type: "string", default: "1s" }, existing: { type: "string", default: "0" }, json: { type: "string" } } });
const EXISTING = Number(values.existing);
if (!Number.isInteger(EXISTING) || EXISTING < 0) throw new Error(`--existing ${values.existing}: must be a whole number of orders`);
const ORDERS = Number(values.orders);
const WINDOW_MS = parseDurationMs(values.window!);
if (!Number.isInteger(ORDERS) || ORDERS < 2) throw new Error(`--orders ${values.orders}: must be an integer of at least 2`);
if (WINDOW_MS === undefined) throw new Error(`--window ${values.window}: must be a duration such as 1s or 500ms`);
const progress = (line: string) => process.stderr.write(`[bench:committer] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ScenarioResult {
  name: string;
  orders: number;
  commits: number;
  ordersPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}

const certificate = parseSealingCertificate(selfSignedCertificate(rsaKeyPair(4096).publicKey), "bench", new Date());
const valueKey = parseValueKey(randomBytes(48), "bench key");

interface FleetResult extends ScenarioResult {
  existing: number;
  fillSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

/** 200/min on a repository already holding `existing` orders (filled in one burst, not measured). */
/**
 * The commit loop as `osac-vm committer` wires it, timing each order from the moment it is handed
 * over (recorded in `handedAt`) to the push that carries it; orders not handed over are counted apart.
 */
function timedHarness(url: string) {
  const timing = { handedAt: new Map<string, number>(), latencies: [] as number[], untimedPushed: 0, lastPushAt: 0 };
  const harness = LoopHarness.create({
    url,
    windowMs: WINDOW_MS!,
    settleMs: settleMsFor(WINDOW_MS!),
    maxBackoffMs: 10_000,
    sealer: new SecretSealer({ certificate, valueKey, reseal: false }),
    onPushed: (pushed) => {
      timing.lastPushAt = performance.now();
      for (const order of pushed.orders) {
        const at = timing.handedAt.get(order.orderKey);
        if (at !== undefined) timing.latencies.push(timing.lastPushAt - at);
        else timing.untimedPushed++;
      }
    },
  });
  return { harness, timing };
}

async function scenarioOnFleet(daemon: GitDaemon, existing: number, count: number, intervalMs: number): Promise<FleetResult> {
  const { harness, timing } = timedHarness(daemon.createRepository(`bench-fleet-${existing}`));
  const { handedAt, latencies } = timing;
  await harness.start();
  const fillStarted = performance.now();
  for (let index = 0; index < existing; index++) harness.put(gitopsOrder(`fleet-${String(index).padStart(6, "0")}`, {}, "orders", `tenant-${index % 50}`));
  await harness.until(`${existing} existing orders pushed`, () => timing.untimedPushed >= existing, 3_600_000);
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  progress(`fleet of ${existing} orders in the repository after ${fillSeconds.toFixed(0)} s (load ${loadavg()[0]!.toFixed(2)})`);
  const fillCommits = harness.pushes.length;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  for (let index = 0; index < count; index++) {
    const order = gitopsOrder(`new-${String(index).padStart(5, "0")}`, {}, "orders", `tenant-${index % 50}`);
    handedAt.set(harness.key(order), performance.now());
    harness.put(order);
    await sleep(intervalMs);
  }
  await harness.until(`${count} new orders pushed`, () => latencies.length >= count, 300_000);
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  const commits = harness.pushes.length - fillCommits;
  await harness.stop();
  fs.rmSync(harness.dataDir, { recursive: true, force: true });
  const result = {
    name: `200/min on ${existing} orders`,
    orders: count,
    commits,
    ordersPerSecond: count / ((timing.lastPushAt - startedAt) / 1000),
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
    existing,
    fillSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: peakRss / 2 ** 20,
  };
  progress(`${result.name}: p99 ${result.latencyMs.p99.toFixed(0)} ms, CPU ${result.cpuSeconds.toFixed(1)} s, peak RSS ${result.peakRssMb.toFixed(0)} MB (load ${loadavg()[0]!.toFixed(2)})`);
  return result;
}

async function scenario(daemon: GitDaemon, name: string, count: number, intervalMs: number): Promise<ScenarioResult> {
  const { harness, timing } = timedHarness(daemon.createRepository(`bench-${name.replace(/[^a-z0-9]/g, "")}`));
  const { handedAt, latencies } = timing;
  await harness.start();
  const orders = Array.from({ length: count }, (_, index) => gitopsOrder(`vm-${String(index).padStart(5, "0")}`, {}, "orders", `tenant-${index % 5}`));
  const startedAt = performance.now();
  for (const order of orders) {
    handedAt.set(harness.key(order), performance.now());
    harness.put(order);
    if (intervalMs > 0) await sleep(intervalMs);
  }
  await harness.until(`${count} orders pushed`, () => latencies.length >= count, 300_000);
  const commits = harness.pushes.length;
  await harness.stop();
  fs.rmSync(harness.dataDir, { recursive: true, force: true });
  const result = {
    name,
    orders: count,
    commits,
    ordersPerSecond: count / ((timing.lastPushAt - startedAt) / 1000),
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
  };
  progress(`${name}: ${count} orders in ${commits} commit(s), p99 ${result.latencyMs.p99.toFixed(0)} ms (load ${loadavg()[0]!.toFixed(2)})`);
  return result;
}

interface FloorResult {
  allCommitMs: number;
  allPushMs: number;
  files: number;
  oneOrderMs: number;
}

/** Plain git on the burst scenario's files: one commit of all of them, its push, and one order's files alone. */
function floor(daemon: GitDaemon, source: string): FloorResult {
  const work = fs.mkdtempSync(path.join(tmpdir(), "osac-bench-committer-floor-"));
  const git = (...args: string[]) => execFileSync("git", ["-C", work, ...args], { env: { ...process.env, GIT_AUTHOR_NAME: "floor", GIT_AUTHOR_EMAIL: "floor@example.com", GIT_COMMITTER_NAME: "floor", GIT_COMMITTER_EMAIL: "floor@example.com" }, maxBuffer: 256 * 1024 * 1024 });
  try {
    execFileSync("sh", ["-c", `git --git-dir="$1" archive main | tar -x -C "$2"`, "sh", daemon.bareDir(source), work]);
    const files = execFileSync("git", ["--git-dir", daemon.bareDir(source), "ls-tree", "-r", "--name-only", "main"]).toString().trim().split("\n");
    git("init", "--quiet", "--initial-branch=main");
    git("remote", "add", "origin", daemon.createRepository("bench-floor"));
    let started = performance.now();
    git("add", "-A");
    git("commit", "--quiet", "-m", "floor: every order");
    const allCommitMs = performance.now() - started;
    started = performance.now();
    git("push", "--quiet", "origin", "main");
    const allPushMs = performance.now() - started;
    // One order at a time: its file (and its namespace's, rewritten) committed and pushed.
    const orderFiles = files.filter((file) => !file.endsWith("/_namespace.yaml")).slice(0, 5);
    const single: number[] = [];
    for (const file of orderFiles) {
      const content = fs.readFileSync(path.join(work, file), "utf8");
      fs.writeFileSync(path.join(work, file), `${content}# floor ${single.length}\n`);
      started = performance.now();
      git("add", "-A");
      git("commit", "--quiet", "-m", `floor: ${file}`);
      git("push", "--quiet", "origin", "main");
      single.push(performance.now() - started);
    }
    return { allCommitMs, allPushMs, files: files.length, oneOrderMs: percentile(single, 50) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

async function main(): Promise<void> {
  const daemon = await GitDaemon.start();
  try {
    progress(`git daemon on port ${daemon.port}; ${ORDERS} orders, window ${values.window}, sealing on (RSA-4096 certificate)`);
    const results = [
      await scenario(daemon, "burst", ORDERS, 0),
      await scenario(daemon, "10/s", ORDERS, 100),
      await scenario(daemon, "200/min", Math.max(2, Math.floor(ORDERS / 2)), 300),
    ];
    const floorResult = floor(daemon, "bench-burst");
    const fleet = EXISTING > 0 ? await scenarioOnFleet(daemon, EXISTING, Math.max(2, Math.floor(ORDERS / 2)), 300) : undefined;
    const lines = [
      `## Committer: ${ORDERS} orders, ${values.window} batch window, sealed, git daemon (load ${loadavg().map((value) => value.toFixed(2)).join(" ")})`,
      "",
      "| scenario | orders | commits | commits per 100 orders | orders/s committed | create → push p50 | p99 | max |",
      "|---|---:|---:|---:|---:|---:|---:|---:|",
      ...results.map((r) => `| ${r.name} | ${r.orders} | ${r.commits} | ${((r.commits / r.orders) * 100).toFixed(1)} | ${r.ordersPerSecond.toFixed(1)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p99)} | ${ms(r.latencyMs.max)} |`),
      "",
      "| floor (plain git, same files, same server) | time |",
      "|---|---:|",
      `| \`git add -A && git commit\` of the burst's ${floorResult.files} files | ${ms(floorResult.allCommitMs)} |`,
      `| \`git push\` of that commit | ${ms(floorResult.allPushMs)} |`,
      `| one order's file: add + commit + push (median of 5) | ${ms(floorResult.oneOrderMs)} |`,
      "",
      `The burst's create → push p99 is ${(results[0]!.latencyMs.p99 / (floorResult.allCommitMs + floorResult.allPushMs)).toFixed(1)}× the floor's commit + push of the same files; ` +
        `at 200/min, p99 is ${(results[2]!.latencyMs.p99 / floorResult.oneOrderMs).toFixed(1)}× one order's plain commit + push.`,
      ...(fleet
        ? [
            "",
            `### 200/min with ${fleet.existing} orders already in the repository (filled in ${fleet.fillSeconds.toFixed(0)} s, not measured)`,
            "",
            "| orders added | commits | create → push p50 | p99 | max | committer CPU over the paced part | peak RSS of the process |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            `| ${fleet.orders} | ${fleet.commits} | ${ms(fleet.latencyMs.p50)} | ${ms(fleet.latencyMs.p99)} | ${ms(fleet.latencyMs.max)} | ${fleet.cpuSeconds.toFixed(1)} s | ${fleet.peakRssMb.toFixed(0)} MB |`,
          ]
        : []),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    if (values.json) fs.writeFileSync(values.json, JSON.stringify({ orders: ORDERS, windowMs: WINDOW_MS, results, floor: floorResult, fleet }, null, 2));
  } finally {
    await daemon.stop();
  }
}

await main();
