/**
 * In-process cost breakdown of one review, for reading the webhook benchmark's profile:
 * µs per call of each step the server takes on the benchmark's bodies (bench/support/webhook-reviews.ts),
 * timed in a warm loop: the fastest of 7 rounds, the least disturbed by other load on the machine.
 * No HTTP, no TLS: what is left of a review's server CPU time after these is the transport
 * (see docs/benchmarks/webhook.md).
 *
 *   npx tsx bench/support/webhook-micro.ts
 *
 * The last rows time pino with the redaction variants createLogger chose between.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pino } from "pino";
import { desiredConfigVersion, goMarshalSpec } from "../../src/domain/config-version.ts";
import { fnv1a64Hex } from "../../src/domain/hashing/fnv1a64.ts";
import { goJsonString } from "../../src/domain/hashing/go-json.ts";
import { validateOrder } from "../../src/domain/order.ts";
import { parseTemplateParameters } from "../../src/domain/templates/index.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { effectiveParameters } from "../../src/webhook/admission/effective-parameters.ts";
import { mutateOrder, validateOrderAdmission } from "../../src/webhook/admission/index.ts";
import { appendParameter, readParameter } from "../../src/webhook/admission/parameters-text.ts";
import type { AdmissionRequest } from "../../src/webhook/admission/types.ts";
import { reviewConversion } from "../../src/webhook/conversion/review.ts";
import { admissionReviewJson } from "../../src/webhook/http/review-endpoints.ts";
import { WebhookMetrics } from "../../src/webhook/metrics.ts";
import { BENCH_ADMISSION_DEPS } from "./webhook-deps.ts";
import { conversionReview, mutateCreateReview, updateReview, V1ALPHA1, V1BETA1, validateCreateReview } from "./webhook-reviews.ts";

const deps = BENCH_ADMISSION_DEPS;

let sink: unknown;
function time(name: string, iterations: number, body: () => unknown): void {
  const rounds: number[] = [];
  for (let round = 0; round < 8; round++) {
    const started = performance.now();
    for (let index = 0; index < iterations; index++) sink = body();
    rounds.push(((performance.now() - started) * 1000) / iterations);
  }
  const warm = rounds.slice(1).sort((a, b) => a - b);
  process.stdout.write(`| ${name} | ${warm[0]!.toFixed(1)} |\n`);
}

const validateBody = validateCreateReview();
const mutateBody = mutateCreateReview();
const updateBody = updateReview();
const validateRequest = (JSON.parse(validateBody) as { request: AdmissionRequest }).request;
const mutateRequest = (JSON.parse(mutateBody) as { request: AdmissionRequest }).request;
const updateRequest = (JSON.parse(updateBody) as { request: AdmissionRequest }).request;
const order = validateRequest.object as { spec: { templateID: string; templateParameters: string } };
const text = order.spec.templateParameters;
const marshalled = goMarshalSpec(order.spec);

process.stdout.write(`templateParameters: ${text.length} chars; Go-marshalled spec: ${marshalled.length} chars\n\n| step | µs/call |\n|---|---:|\n`);
time("JSON.parse(validate CREATE body, 8 KB)", 2_000, () => JSON.parse(validateBody));
time("JSON.parse(UPDATE body, 17 KB)", 1_000, () => JSON.parse(updateBody));
time("validateOrderAdmission(CREATE)", 2_000, () => validateOrderAdmission(validateRequest, deps));
time("  validateOrder(order)", 2_000, () => validateOrder(order));
time("    parseTemplateParameters(text)", 2_000, () => parseTemplateParameters(order.spec.templateID, text));
time("  effectiveParameters(order)", 2_000, () => effectiveParameters(order));
time("desiredConfigVersion(spec) (renderer, controller; lazy in validateOrder since cf8f9b1)", 2_000, () => desiredConfigVersion(order.spec));
time("  goMarshalSpec(spec)", 2_000, () => goMarshalSpec(order.spec));
time("  fnv1a64Hex(marshalled spec)", 2_000, () => fnv1a64Hex(marshalled));
time("goJsonString(parameters text) (escapes needed)", 3_000, () => goJsonString(text));
const cloudInit = (JSON.parse(text) as { cloud_init_config: string }).cloud_init_config;
time("goJsonString(cloud-init base64) (nothing to escape)", 5_000, () => goJsonString(cloudInit));
time("validateOrderAdmission(UPDATE, spec changed)", 1_000, () => validateOrderAdmission(updateRequest, deps));
time("mutateOrder(CREATE)", 5_000, () => mutateOrder(mutateRequest, deps));
time("  readParameter(text, storage_class)", 5_000, () => readParameter(text, "storage_class"));
time("  appendParameter(text, storage_class)", 5_000, () => appendParameter(text, "storage_class", "standard"));
const mutated = mutateOrder(mutateRequest, deps);
time("mutate answer: admissionReviewJson (patch base64 spliced in)", 5_000, () => admissionReviewJson({ apiVersion: "admission.k8s.io/v1" }, "u", mutated));
const allowed = validateOrderAdmission(validateRequest, deps);
time("validate answer: admissionReviewJson", 20_000, () => admissionReviewJson({ apiVersion: "admission.k8s.io/v1" }, "u", allowed));

const metrics = new WebhookMetrics();
const labels = { webhook: "validate-virtualmachines", operation: "CREATE", outcome: "allowed" };
time("metrics: counter inc + histogram observe", 20_000, () => {
  metrics.requests.inc(labels);
  metrics.duration.observe(labels, 0.0002);
});
const scratch = mkdtempSync(join(tmpdir(), "osac-webhook-micro-"));
const destination = pino.destination({ dest: join(scratch, "log"), sync: false });
await new Promise((resolve) => destination.once("ready", resolve));
const logger = createLogger({ name: "osac-vm-webhook", level: "info", destination: destination as unknown as NodeJS.WritableStream });
time("pino info line of createLogger (the 'Mutated admission review' fields)", 5_000, () =>
  logger.info(
    { uid: "u", webhook: "mutate-virtualmachines", kind: "VirtualMachine", operation: "CREATE", namespace: "cloudkit-vm-orders", name: "", dryRun: false, decision: "mutated" },
    "Mutated admission review",
  ),
);
destination.flushSync();
for (const [name, body] of [
  ["100 × α→β", conversionReview(100, 0, V1ALPHA1, V1BETA1)],
  ["100 × β→α", conversionReview(100, 0, V1BETA1, V1ALPHA1)],
  ["100 × α→β, cloud-init", conversionReview(100, 4_200, V1ALPHA1, V1BETA1)],
] as const) {
  const review = JSON.parse(body) as unknown;
  time(`ConversionReview ${name}: JSON.parse (per review)`, 20, () => JSON.parse(body));
  time(`ConversionReview ${name}: reviewConversion (per review)`, 20, () => reviewConversion(review));
  const answer = reviewConversion(review).body;
  time(`ConversionReview ${name}: JSON.stringify(answer) (per review)`, 20, () => JSON.stringify(answer));
}

process.stdout.write("| logging variants (the redaction paths of createLogger) | |\n");
const plain = pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label: string) => ({ level: label }) } }, destination);
const redacting = (paths: string[]) =>
  pino(
    { base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label: string) => ({ level: label }) }, redact: { paths, censor: "[REDACTED]" } },
    destination,
  );
const wildcardRedact = redacting(["*.templateParameters", "*.cloud_init_config", "*.token", "*.authorization", "*.password", "*.userData"]);
const topLevelRedact = redacting(["templateParameters", "cloud_init_config", "token", "authorization", "password", "userData"]);
const fields = { uid: "u", webhook: "mutate-virtualmachines", kind: "VirtualMachine", operation: "CREATE", namespace: "cloudkit-vm-orders", name: "", dryRun: false, decision: "mutated" };
time("  pino info line, wildcard redaction paths ('*.templateParameters', …)", 5_000, () => wildcardRedact.info(fields, "Mutated admission review"));
time("  pino info line, top-level redaction paths", 5_000, () => topLevelRedact.info(fields, "Mutated admission review"));
time("  pino info line, no redaction", 5_000, () => plain.info(fields, "Mutated admission review"));
destination.flushSync();
rmSync(scratch, { recursive: true, force: true });
void sink;
