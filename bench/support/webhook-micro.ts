/**
 * In-process cost breakdown of one review, for reading the webhook benchmark's profile:
 * µs per call of each step the server takes on the benchmark's bodies (bench/support/webhook-reviews.ts),
 * timed in a warm loop: the fastest of 7 rounds, the least disturbed by other load on the machine.
 * No HTTP, no TLS: what is left of a review's server CPU time after these is the transport
 * (see docs/benchmarks/webhook.md).
 *
 *   npx tsx bench/support/webhook-micro.ts
 *
 * The last rows time candidate replacements for the hot spots the profile shows (not used by src/;
 * each is checked to give the same output as the function it would replace).
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
import type { AdmissionDeps, AdmissionRequest } from "../../src/webhook/admission/types.ts";
import { reviewConversion } from "../../src/webhook/conversion/review.ts";
import { WebhookMetrics } from "../../src/webhook/metrics.ts";
import { conversionReview, mutateCreateReview, updateReview, V1ALPHA1, V1BETA1, validateCreateReview } from "./webhook-reviews.ts";

const deps: AdmissionDeps = {
  storageClasses: { defaultClass: () => undefined, exists: () => undefined },
  managedBy: { defaultMode: "aap" },
  envStorageClass: "standard",
};

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
time("validateOrderAdmission(UPDATE, spec changed)", 1_000, () => validateOrderAdmission(updateRequest, deps));
time("mutateOrder(CREATE)", 5_000, () => mutateOrder(mutateRequest, deps));
time("  readParameter(text, storage_class)", 5_000, () => readParameter(text, "storage_class"));
time("  appendParameter(text, storage_class)", 5_000, () => appendParameter(text, "storage_class", "standard"));
const patch = mutateOrder(mutateRequest, deps).patch!;
time("mutate answer: base64(JSON(patch)) + JSON(review)", 5_000, () =>
  JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: "u", allowed: true, patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(patch)).toString("base64") } }),
);
time("validate answer: JSON(review)", 20_000, () => JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: "u", allowed: true } }));

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

// Candidate replacements (not used by src/).
/** FNV-1a-64 over four 16-bit limbs: only small-integer arithmetic (no float division per byte). */
function fnv1a64Limbs(bytes: Uint8Array): string {
  let v0 = 0x2325;
  let v1 = 0x8422;
  let v2 = 0x9ce4;
  let v3 = 0xcbf2;
  for (let i = 0; i < bytes.length; i++) {
    v0 ^= bytes[i]!;
    // × (2^40 + 0x1b3) mod 2^64
    const t0 = v0 * 0x1b3;
    let t1 = v1 * 0x1b3;
    let t2 = v2 * 0x1b3 + (v0 << 8);
    let t3 = v3 * 0x1b3 + (v1 << 8);
    t1 += t0 >>> 16;
    v0 = t0 & 0xffff;
    t2 += t1 >>> 16;
    v1 = t1 & 0xffff;
    t3 += t2 >>> 16;
    v2 = t2 & 0xffff;
    v3 = t3 & 0xffff;
  }
  const hex = (limb: number) => limb.toString(16).padStart(4, "0");
  return hex(v3) + hex(v2) + hex(v1) + hex(v0);
}
const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const HTML_ESCAPES: Record<string, string> = { "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029" };
const LONE_SURROGATE = /\p{Surrogate}/u;
/** Go's json string encoding via the native JSON.stringify (same short escapes, lowercase \u00XX), then the HTML-safe escapes. */
function goJsonStringNative(value: string): string {
  if (LONE_SURROGATE.test(value)) return goJsonString(value);
  return JSON.stringify(value).replace(HTML_UNSAFE, (char) => HTML_ESCAPES[char]!);
}
if (fnv1a64Limbs(Buffer.from(marshalled)) !== fnv1a64Hex(marshalled)) throw new Error("fnv1a64Limbs differs from fnv1a64Hex");
const tricky = `${text}<&>\u2028\u2029\n\t\u0001\u001f"\\`;
if (goJsonStringNative(tricky) !== goJsonString(tricky)) throw new Error("goJsonStringNative differs from goJsonString");
process.stdout.write("| candidate replacements (not in src/) | |\n");
time("  goJsonString(text) (src)", 3_000, () => goJsonString(text));
time("  JSON.stringify(text) + HTML escapes", 3_000, () => goJsonStringNative(text));
time("  fnv1a64Hex(marshalled spec) (src)", 3_000, () => fnv1a64Hex(marshalled));
time("  FNV-1a-64 over 16-bit limbs", 3_000, () => fnv1a64Limbs(Buffer.from(marshalled)));
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
