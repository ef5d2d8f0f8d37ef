/**
 * Load generator for the webhook benchmark (bench/webhook.ts), run as a long-lived child pinned to
 * its own core (`taskset -c 1 node --import tsx bench/support/webhook-load.ts`). It reads one JSON
 * `Phase` per line on stdin and writes one JSON `PhaseResult` per line on stdout.
 *
 * Each phase: a fresh `https.Agent({ keepAlive: true, maxSockets })` trusting the server's CA;
 * a warm-up (not measured), then the measured window, bracketed by reads of the server process's
 * /proc/<pid>/stat (utime + stime, all threads), so the server's CPU time per review is known
 * however busy the machine is. Then it stops issuing, waits for what is in flight, and closes the
 * sockets.
 *
 *  - closed: `concurrency` requests always in flight (each answer sends the next): saturation.
 *  - open:   requests issued on a fixed schedule (`rate` per second) whatever the answers do, so a
 *            slow answer cannot slow the offered load (no coordinated omission); latency is timed
 *            from the https.request call, and how late each call was against its schedule is
 *            reported separately (pacing lag).
 *
 * Every request carries a fresh uid (written over the body's placeholder) and every answer is
 * checked: HTTP 200, the same uid, and per `expect` allowed / patch / converted objects. A phase
 * with any failed check reports it; the benchmark then fails rather than time errors.
 */
import { readFileSync } from "node:fs";
import { Agent, request as httpsRequest } from "node:https";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";

export type Expectation =
  | { readonly kind: "admission"; readonly allowed: boolean; readonly patch: "required" | "absent" | "any"; readonly patchMustMention?: readonly string[] }
  | { readonly kind: "conversion"; readonly count: number; readonly apiVersion: string };

export interface Phase {
  readonly port: number;
  readonly caFile: string;
  readonly path: string;
  readonly bodyFile: string;
  /** Byte offset of the uid placeholder in the body. */
  readonly uidOffset: number;
  readonly serverPid: number;
  readonly mode: "closed" | "open";
  /** closed: requests in flight; open: maxSockets. */
  readonly concurrency: number;
  /** open: requests per second. */
  readonly rate?: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly expect: Expectation;
}

export interface PhaseResult {
  readonly reviews: number;
  readonly wallS: number;
  /** Server process user + system CPU seconds over the measured window. */
  readonly serverCpuS: number;
  readonly serverUserS: number;
  readonly serverSystemS: number;
  readonly loaderCpuS: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  readonly pacingLagMs?: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly responseBytes: number;
  readonly checked: number;
  readonly failures: number;
  readonly firstFailure?: string;
  readonly issued: number;
  readonly sockets: number;
  /** Busy seconds of each CPU over the window, all processes (from /proc/stat). */
  readonly cpuBusyS: readonly number[];
}

const CLOCK_TICKS = 100; // getconf CLK_TCK on Linux x86-64/arm64
const UID_PREFIX = "b3e1c0de-0000-4000-8000-";

function serverTicks(pid: number): { user: number; system: number } {
  const text = readFileSync(`/proc/${pid}/stat`, "latin1");
  // Fields after "(comm)": state is [0], utime [11], stime [12] (proc(5) fields 14 and 15).
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { user: Number(fields[11]), system: Number(fields[12]) };
}

/** Busy ticks (everything but idle and iowait) of each CPU, from /proc/stat. */
function cpuBusyTicks(): number[] {
  const busy: number[] = [];
  for (const line of readFileSync("/proc/stat", "latin1").split("\n")) {
    const match = /^cpu(\d+) (.*)$/.exec(line);
    if (!match) continue;
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = match[2]!.trim().split(/\s+/).map(Number);
    busy[Number(match[1])] = user! + nice! + system! + irq! + softirq! + steal!;
  }
  return busy;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

class Samples {
  private values = new Float64Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
  sorted(): Float64Array {
    return this.values.slice(0, this.length).sort();
  }
}

function check(expect: Expectation, uid: string, status: number, text: string, deep: boolean): string | undefined {
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 300)}`;
  if (expect.kind === "admission") {
    let review: { response?: { uid?: string; allowed?: boolean; patchType?: string; patch?: string; status?: { message?: string } } };
    try {
      review = JSON.parse(text);
    } catch {
      return `answer is not JSON: ${text.slice(0, 200)}`;
    }
    const response = review.response;
    if (!response || response.uid !== uid) return `uid ${JSON.stringify(response?.uid)} answered for ${uid}`;
    if (response.allowed !== expect.allowed) return `allowed=${response.allowed} (${response.status?.message ?? ""})`;
    const hasPatch = typeof response.patch === "string" && response.patch.length > 0;
    if (expect.patch === "required" && (!hasPatch || response.patchType !== "JSONPatch")) return "no JSONPatch in a mutating answer";
    if (expect.patch === "absent" && hasPatch) return `unexpected patch ${Buffer.from(response.patch!, "base64").toString()}`;
    if (deep && hasPatch && expect.patchMustMention) {
      const patch = Buffer.from(response.patch!, "base64").toString("utf8");
      const operations = JSON.parse(patch) as unknown;
      if (!Array.isArray(operations) || operations.length === 0) return `patch is not a JSON Patch: ${patch.slice(0, 200)}`;
      for (const needle of expect.patchMustMention) if (!patch.includes(needle)) return `patch lacks ${needle}: ${patch.slice(0, 300)}`;
    }
    return undefined;
  }
  // Conversion answers are large: the uid and result are checked on every answer, the objects on a sample.
  const head = text.slice(0, 400);
  if (!head.includes(`"uid":"${uid}"`)) return `uid ${uid} not in the answer: ${head}`;
  if (!text.endsWith(`"result":{"status":"Success"}}}`)) return `not a Success: ${text.slice(-300)}`;
  if (deep) {
    const review = JSON.parse(text) as { response?: { uid?: string; convertedObjects?: { apiVersion?: string }[] } };
    const objects = review.response?.convertedObjects ?? [];
    if (review.response?.uid !== uid) return "uid mismatch";
    if (objects.length !== expect.count) return `${objects.length} objects converted, expected ${expect.count}`;
    if (!objects.every((object) => object.apiVersion === expect.apiVersion)) return `an object is not ${expect.apiVersion}`;
  }
  return undefined;
}

async function runPhase(phase: Phase): Promise<PhaseResult> {
  const template = readFileSync(phase.bodyFile);
  if (template.toString("latin1", phase.uidOffset, phase.uidOffset + 36).length !== 36) throw new Error("bad uid offset");
  const agent = new Agent({ keepAlive: true, maxSockets: phase.concurrency, ca: readFileSync(phase.caFile) });
  const headers = { "content-type": "application/json", accept: "application/json, */*", "content-length": String(template.length) };
  const deepEvery = phase.expect.kind === "conversion" ? 20 : 10;

  let counter = 0;
  let issued = 0;
  let inFlight = 0;
  let measuring = false;
  let stopped = false;
  let completedInWindow = 0;
  let checked = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  let responseBytes = 0;
  const latencies = new Samples();
  const lags = new Samples();
  let drained: (() => void) | undefined;

  const send = (scheduledAt: number | undefined, next: (() => void) | undefined) => {
    const uid = UID_PREFIX + (counter++).toString(16).padStart(12, "0");
    const body = Buffer.allocUnsafe(template.length);
    template.copy(body);
    body.write(uid, phase.uidOffset, "latin1");
    const issuedAt = performance.now();
    if (measuring && scheduledAt !== undefined) lags.push(issuedAt - scheduledAt);
    const inWindow = measuring;
    issued += 1;
    inFlight += 1;
    const done = (failure: string | undefined, bytes: number) => {
      inFlight -= 1;
      if (failure !== undefined) {
        failures += 1;
        firstFailure ??= failure;
      }
      if (measuring && inWindow) {
        completedInWindow += 1;
        latencies.push(performance.now() - issuedAt);
        responseBytes += bytes;
      }
      if (stopped && inFlight === 0) drained?.();
      if (next && !stopped) next();
    };
    const request = httpsRequest({ agent, host: "127.0.0.1", port: phase.port, path: phase.path, method: "POST", headers }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
      });
      response.on("end", () => {
        const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString("utf8");
        checked += 1;
        done(check(phase.expect, uid, response.statusCode ?? 0, text, checked % deepEvery === 1), size);
      });
      response.on("error", (error) => done(`response error: ${error.message}`, 0));
    });
    request.on("error", (error) => done(`request error: ${error.message}`, 0));
    request.end(body);
  };

  let windowStart = { at: 0, ticks: { user: 0, system: 0 }, cpu: process.cpuUsage(), machine: [] as number[] };
  let windowEnd = windowStart;
  const started = performance.now();

  if (phase.mode === "closed") {
    const loop = () => send(undefined, loop);
    for (let index = 0; index < phase.concurrency; index++) loop();
  } else {
    const rate = phase.rate ?? 1000;
    const interval = 1000 / rate;
    let nextAt = performance.now();
    const pump = () => {
      if (stopped) return;
      const now = performance.now();
      while (nextAt <= now) {
        send(nextAt, undefined);
        nextAt += interval;
      }
      setTimeout(pump, Math.max(0, nextAt - performance.now() - 0.05));
    };
    pump();
  }

  await new Promise((resolve) => setTimeout(resolve, phase.warmupMs));
  windowStart = { at: performance.now(), ticks: serverTicks(phase.serverPid), cpu: process.cpuUsage(), machine: cpuBusyTicks() };
  measuring = true;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + phase.warmupMs + phase.durationMs - performance.now())));
  windowEnd = { at: performance.now(), ticks: serverTicks(phase.serverPid), cpu: process.cpuUsage(), machine: cpuBusyTicks() };
  const loaderCpu = process.cpuUsage(windowStart.cpu);
  const reviews = completedInWindow;
  measuring = false;
  stopped = true;
  if (inFlight > 0) {
    await Promise.race([new Promise<void>((resolve) => (drained = resolve)), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
  const sockets = Object.values(agent.sockets).reduce((sum, list) => sum + (list?.length ?? 0), 0) + Object.values(agent.freeSockets).reduce((sum, list) => sum + (list?.length ?? 0), 0);
  agent.destroy();

  const sortedLatencies = latencies.sorted();
  const sortedLags = lags.sorted();
  const userS = (windowEnd.ticks.user - windowStart.ticks.user) / CLOCK_TICKS;
  const systemS = (windowEnd.ticks.system - windowStart.ticks.system) / CLOCK_TICKS;
  return {
    reviews,
    wallS: (windowEnd.at - windowStart.at) / 1000,
    serverCpuS: userS + systemS,
    serverUserS: userS,
    serverSystemS: systemS,
    loaderCpuS: (loaderCpu.user + loaderCpu.system) / 1e6,
    latencyMs: { p50: percentile(sortedLatencies, 50), p90: percentile(sortedLatencies, 90), p99: percentile(sortedLatencies, 99), max: percentile(sortedLatencies, 100) },
    ...(phase.mode === "open" ? { pacingLagMs: { p50: percentile(sortedLags, 50), p99: percentile(sortedLags, 99), max: percentile(sortedLags, 100) } } : {}),
    responseBytes: reviews > 0 ? responseBytes / reviews : 0,
    checked,
    failures,
    ...(firstFailure !== undefined ? { firstFailure } : {}),
    issued,
    sockets,
    cpuBusyS: windowEnd.machine.map((ticks, cpu) => (ticks - (windowStart.machine[cpu] ?? 0)) / CLOCK_TICKS),
  };
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() === "") continue;
  try {
    const result = await runPhase(JSON.parse(line) as Phase);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: (error as Error).stack ?? String(error) })}\n`);
  }
}
