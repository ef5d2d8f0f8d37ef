/**
 * In-process CPU cost of the review handlers without TLS and HTTP parsing: the real dispatcher
 * (src/webhook/http/review-endpoints.ts, with the real decisions, metrics and logger) against the
 * floor's handler (read the body, JSON.parse, answer `allowed: true`), on the benchmark's bodies.
 * Fake request and response objects stand in for node:http's; 16 reviews are in flight at a time,
 * as in the bench's saturated phases, so the figures include the garbage collection they cause.
 * CPU time is `process.cpuUsage()` (all threads) over each block; each row is the least of 5
 * blocks, floor and ours alternating. "extra" is what ours costs beyond the floor per review:
 * what the real bench's ratio is made of, measured without the noise of TLS and sockets.
 *
 *   taskset -c 0 npx tsx bench/support/webhook-handler-cost.ts
 */
import { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import { openSync } from "node:fs";
import { BatchedOutput } from "../../src/platform/batched-output.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { mutateOrder, validateOrderAdmission } from "../../src/webhook/admission/index.ts";
import { reviewConversion } from "../../src/webhook/conversion/review.ts";
import { createReviewDispatcher } from "../../src/webhook/http/review-endpoints.ts";
import { WebhookMetrics } from "../../src/webhook/metrics.ts";
import { BENCH_ADMISSION_DEPS } from "./webhook-deps.ts";
import { mutateCreateReview, updateReview, validateCreateReview } from "./webhook-reviews.ts";

const deps = BENCH_ADMISSION_DEPS;
// The server's own log output (batched writes), to /dev/null.
const logger = createLogger({ name: "osac-vm-webhook", level: "info", destination: new BatchedOutput(openSync("/dev/null", "w")) as unknown as NodeJS.WritableStream });
/** Wall time inside the decision functions (no I/O there, so it is their CPU time), per block. */
let decisionMs = 0;
function timed<T extends unknown[], R>(decide: (...args: T) => R): (...args: T) => R {
  return (...args) => {
    const started = performance.now();
    try {
      return decide(...args);
    } finally {
      decisionMs += performance.now() - started;
    }
  };
}
const dispatch = createReviewDispatcher(
  {
    admission: {
      "/mutate/virtualmachines": { name: "mutate-virtualmachines", handle: timed((request) => mutateOrder(request, deps)) },
      "/validate/virtualmachines": { name: "validate-virtualmachines", handle: timed((request) => validateOrderAdmission(request, deps)) },
    },
    conversion: { path: "/convert", handle: reviewConversion },
  },
  { logger, metrics: new WebhookMetrics(), maxBodyBytes: 8 * 1024 * 1024, maxConversionBodyBytes: 64 * 1024 * 1024 },
);

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** The floor's handler, as in bench/webhook-floor.ts. */
const floor: Handler = (request, response) => {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on("data", (chunk: Buffer) => {
    size += chunk.length;
    chunks.push(chunk);
  });
  request.on("end", () => {
    const review = JSON.parse(Buffer.concat(chunks, size).toString("utf8")) as { apiVersion?: string; request?: { uid?: string } };
    const text = JSON.stringify({ apiVersion: review.apiVersion ?? "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: review.request?.uid, allowed: true } });
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    response.end(text);
  });
};

const ours: Handler = (request, response) => {
  if (!dispatch(request, response)) throw new Error(`not dispatched: ${request.url}`);
};

function oneReview(handler: Handler, path: string, body: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const request = Object.assign(new EventEmitter(), { method: "POST", url: path, headers: { "content-length": String(body.length) } });
    const response = {
      writeHead: () => response,
      end: () => resolve(),
    };
    handler(request as unknown as IncomingMessage, response as unknown as ServerResponse);
    // The socket delivers a body in 16 KB TLS records.
    setImmediate(() => {
      for (let offset = 0; offset < body.length; offset += 16_384) request.emit("data", body.subarray(offset, offset + 16_384));
      request.emit("end");
    });
  });
}

async function block(handler: Handler, path: string, bodies: readonly Buffer[], reviews: number): Promise<{ cpu: number; decision: number }> {
  decisionMs = 0;
  const started = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    while (next < reviews) {
      const index = next++;
      await oneReview(handler, path, bodies[index % bodies.length]!);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const used = process.cpuUsage(started);
  return { cpu: (used.user + used.system) / reviews, decision: (decisionMs * 1000) / reviews };
}

/** Distinct uids, as the bench sends (a body is never the same twice in a row). */
function bodies(text: string): Buffer[] {
  return Array.from({ length: 64 }, (_, index) => Buffer.from(text.replace(/"uid":"[^"]*"/, `"uid":"${String(index).padStart(8, "0")}-0000-4000-8000-000000000000"`)));
}

const scenarios = [
  ["validate CREATE", "/validate/virtualmachines", bodies(validateCreateReview())],
  ["validate UPDATE", "/validate/virtualmachines", bodies(updateReview())],
  ["mutate CREATE", "/mutate/virtualmachines", bodies(mutateCreateReview())],
  ["mutate UPDATE", "/mutate/virtualmachines", bodies(updateReview())],
] as const;

process.stdout.write("| scenario | floor handler µs CPU/review | ours µs CPU/review | extra µs | of which in the decision µs |\n|---|---:|---:|---:|---:|\n");
for (const [name, path, list] of scenarios) {
  await block(floor, path, list, 5_000);
  await block(ours, path, list, 5_000);
  const floorRuns: number[] = [];
  const ourRuns: { cpu: number; decision: number }[] = [];
  for (let round = 0; round < 5; round++) {
    floorRuns.push((await block(floor, path, list, 10_000)).cpu);
    ourRuns.push(await block(ours, path, list, 10_000));
  }
  const f = Math.min(...floorRuns);
  const o = ourRuns.reduce((best, run) => (run.cpu < best.cpu ? run : best));
  process.stdout.write(`| ${name} | ${f.toFixed(1)} | ${o.cpu.toFixed(1)} | ${(o.cpu - f).toFixed(1)} | ${o.decision.toFixed(1)} |\n`);
}
