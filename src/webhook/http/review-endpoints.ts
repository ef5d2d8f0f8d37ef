import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../../platform/logger.ts";
import { jsonPatchText } from "../admission/json-patch.ts";
import type { AdmissionDecision, AdmissionRequest, JsonPatchOperation } from "../admission/types.ts";
import type { WebhookMetrics } from "../metrics.ts";
import { BodyTooLargeError, readBody } from "./read-body.ts";

export type AdmissionHandler = (request: AdmissionRequest) => AdmissionDecision;
export type ConversionHandler = (body: unknown) => { status: number; body: object; convertedCount?: number };

interface Deps {
  readonly logger: Logger;
  readonly metrics: WebhookMetrics;
  /** AdmissionReview bodies above this get 413. */
  readonly maxBodyBytes: number;
  /** ConversionReview bodies (a whole LIST at a time) above this get 413. */
  readonly maxConversionBodyBytes: number;
}

export interface ReviewEndpoints {
  readonly admission: Readonly<Record<string, AdmissionEndpoint>>;
  readonly conversion: { readonly path: string; readonly handle: ConversionHandler };
}

/**
 * The hot path: AdmissionReview and ConversionReview POSTs, answered straight on node:https
 * without express's router and body parser (docs/adr/0009-webhook-http.md). Returns false for any
 * other request so the caller can hand it to express.
 */
export function createReviewDispatcher(endpoints: ReviewEndpoints, deps: Deps) {
  return function dispatch(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== "POST") return false;
    const path = pathOf(request.url);
    const admission = endpoints.admission[path];
    if (admission) {
      void serveAdmission(request, response, admission, deps);
      return true;
    }
    if (path === endpoints.conversion.path) {
      void serveConversion(request, response, endpoints.conversion.handle, deps);
      return true;
    }
    return false;
  };
}

/** One review being answered: what `finish` needs to write and count it. */
interface ReviewCall {
  readonly response: ServerResponse;
  readonly metrics: WebhookMetrics;
  readonly started: bigint;
  readonly webhook: string;
  operation: string;
}

async function serveAdmission(request: IncomingMessage, response: ServerResponse, endpoint: AdmissionEndpoint, deps: Deps): Promise<void> {
  const call: ReviewCall = { response, metrics: deps.metrics, started: process.hrtime.bigint(), webhook: endpoint.name, operation: "unknown" };
  const parsed = await parseJsonBody(request, deps.maxBodyBytes);
  if (!parsed.ok) return finish(call, parsed.status, { error: parsed.reason }, "bad-request");
  const answer = answerAdmissionReview(parsed.value, endpoint, deps.logger);
  call.operation = answer.operation;
  finish(call, answer.status, answer.body, answer.outcome);
}

export interface AdmissionEndpoint {
  readonly name: string;
  readonly handle: AdmissionHandler;
}

/** What to answer to one review, and how to count it. */
export interface ReviewAnswer {
  readonly status: number;
  /** JSON text, or an object to be serialised. */
  readonly body: string | object;
  readonly outcome: string;
  readonly operation: string;
}

/**
 * The answer to a decoded AdmissionReview body, with the decision logged; everything but the
 * transport (the benchmark's express variant serves the same function behind express).
 */
export function answerAdmissionReview(body: unknown, endpoint: AdmissionEndpoint, logger: Logger): ReviewAnswer {
  const review = body as { apiVersion?: unknown; request?: AdmissionRequest } | null;
  const admissionRequest = review && typeof review === "object" ? review.request : undefined;
  if (!admissionRequest || typeof admissionRequest !== "object" || typeof admissionRequest.uid !== "string") {
    return { status: 400, body: { error: "body is not an AdmissionReview: it needs request.uid (a string)" }, outcome: "bad-request", operation: "unknown" };
  }
  const malformed = malformedRequestReason(admissionRequest);
  if (malformed) return { status: 400, body: { error: `malformed AdmissionReview: ${malformed}` }, outcome: "bad-request", operation: "unknown" };
  const operation = admissionRequest.operation;
  let decision: AdmissionDecision;
  try {
    decision = endpoint.handle(admissionRequest);
  } catch (error) {
    logger.error({ err: error, uid: admissionRequest.uid, webhook: endpoint.name }, "Failed to decide an admission review");
    return { status: 500, body: { error: "internal error; the API server applies the webhook's failure policy" }, outcome: "error", operation };
  }
  const outcome = !decision.allowed ? "denied" : decision.patch && decision.patch.length > 0 ? "mutated" : "allowed";
  logDecision(logger, endpoint.name, admissionRequest, decision, outcome);
  return { status: 200, body: admissionReviewJson(review as { apiVersion?: unknown }, admissionRequest.uid, decision), outcome, operation };
}

async function serveConversion(request: IncomingMessage, response: ServerResponse, handle: ConversionHandler, deps: Deps): Promise<void> {
  const call: ReviewCall = { response, metrics: deps.metrics, started: process.hrtime.bigint(), webhook: "convert", operation: "CONVERT" };
  const parsed = await parseJsonBody(request, deps.maxConversionBodyBytes);
  if (!parsed.ok) return finish(call, parsed.status, { error: parsed.reason }, "bad-request");
  try {
    const result = handle(parsed.value);
    if (result.convertedCount) deps.metrics.convertedObjects.inc(result.convertedCount);
    finish(call, result.status, result.body, result.status === 200 ? "converted" : "bad-request");
  } catch (error) {
    deps.logger.error({ err: error }, "Failed to convert objects");
    finish(call, 500, { error: "internal error" }, "error");
  }
}

/**
 * Writes the answer and counts it. A module-level function rather than a closure per review: tsx
 * (esbuild's keepNames) names every named closure with a property definition when it is created.
 */
function finish(call: ReviewCall, status: number, body: object | string, outcome: string): void {
  send(call.response, status, body);
  const labels = { webhook: call.webhook, operation: call.operation, outcome };
  call.metrics.requests.inc(labels);
  call.metrics.duration.observe(labels, Number(process.hrtime.bigint() - call.started) / 1e9);
}

type Parsed = { ok: true; value: unknown } | { ok: false; status: number; reason: string };

async function parseJsonBody(request: IncomingMessage, limitBytes: number): Promise<Parsed> {
  let body: Buffer;
  try {
    body = await readBody(request, limitBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { ok: false, status: 413, reason: `${error.message}; objects are limited by etcd to about 1.5 MiB` };
    return { ok: false, status: 400, reason: `could not read the request body: ${(error as Error).message}` };
  }
  try {
    return { ok: true, value: JSON.parse(body.toString("utf8")) };
  } catch (error) {
    return { ok: false, status: 400, reason: `request body is not valid JSON: ${(error as Error).message}` };
  }
}

const OPERATIONS = new Set(["CREATE", "UPDATE", "DELETE", "CONNECT"]);

/** What the API server always sends, checked before any decision looks at the request. */
function malformedRequestReason(request: AdmissionRequest): string | undefined {
  const kind = request.kind as unknown as Record<string, unknown> | null;
  if (!kind || typeof kind !== "object" || typeof kind.group !== "string" || typeof kind.version !== "string" || typeof kind.kind !== "string") {
    return "request.kind must be {group, version, kind} strings";
  }
  const resource = request.resource as unknown as Record<string, unknown> | null;
  if (!resource || typeof resource !== "object" || typeof resource.group !== "string" || typeof resource.version !== "string" || typeof resource.resource !== "string") {
    return "request.resource must be {group, version, resource} strings";
  }
  if (typeof request.operation !== "string" || !OPERATIONS.has(request.operation)) return "request.operation must be CREATE, UPDATE, DELETE or CONNECT";
  for (const field of ["namespace", "name", "subResource"] as const) {
    const value = request[field];
    if (value !== undefined && value !== null && typeof value !== "string") return `request.${field} must be a string`;
  }
  if (request.dryRun !== undefined && request.dryRun !== null && typeof request.dryRun !== "boolean") return "request.dryRun must be a boolean";
  return undefined;
}

/**
 * The answer as JSON text. The patch goes in as the last member, spliced in rather than
 * stringified again: its base64 needs no escaping, and `JSON.stringify` would scan all of it
 * (8 µs for the 8.7 KB patch of a defaulted order with cloud-init).
 */
export function admissionReviewJson(review: { apiVersion?: unknown }, uid: string, decision: AdmissionDecision): string {
  const head = JSON.stringify({
    apiVersion: typeof review.apiVersion === "string" ? review.apiVersion : "admission.k8s.io/v1",
    kind: "AdmissionReview",
    response: {
      uid,
      allowed: decision.allowed,
      ...(decision.warnings.length > 0 ? { warnings: decision.warnings } : {}),
      ...(decision.status ? { status: decision.status } : {}),
    },
  });
  if (!decision.patch || decision.patch.length === 0) return head;
  // head ends with the two braces that close `response` and the review.
  return `${head.slice(0, -2)},"patchType":"JSONPatch","patch":"${base64Patch(decision.patch)}"}}`;
}

/** base64 of the patch's UTF-8 JSON; `btoa` (native, 4× faster than Buffer here) when the JSON is ASCII. */
function base64Patch(patch: readonly JsonPatchOperation[]): string {
  const json = jsonPatchText(patch);
  return Buffer.byteLength(json, "utf8") === json.length ? btoa(json) : Buffer.from(json, "utf8").toString("base64");
}

function logDecision(logger: Logger, webhook: string, request: AdmissionRequest, decision: AdmissionDecision, outcome: string): void {
  const level = outcome === "allowed" ? "debug" : "info";
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      uid: request.uid,
      webhook,
      kind: request.kind?.kind,
      operation: request.operation,
      namespace: request.namespace,
      name: request.name,
      dryRun: request.dryRun === true,
      decision: outcome,
      ...(decision.status ? { reason: decision.status.reason } : {}),
      ...(decision.warnings.length > 0 ? { warnings: decision.warnings.length } : {}),
    },
    outcome === "denied" ? "Denied admission review" : outcome === "mutated" ? "Mutated admission review" : "Allowed admission review",
  );
}

/**
 * Answers up to this size that are ASCII go to node:http as a string; larger ones (ConversionReviews
 * of a whole LIST) as a Buffer, so that no second copy of them is made as a string on the V8 heap.
 */
const STRING_ANSWER_MAX_CHARS = 64 * 1024;

function send(response: ServerResponse, status: number, body: object | string): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const ascii = Buffer.byteLength(text, "utf8") === text.length;
  if (ascii && text.length <= STRING_ANSWER_MAX_CHARS) {
    // One byte per character: the length is known, and node:http sends the headers and a string
    // body in one write (a Buffer body goes as a second buffer that TLS copies into the first).
    response.writeHead(status, { "content-type": "application/json", "content-length": text.length });
    response.end(text, "latin1");
    return;
  }
  const bytes = Buffer.from(text, ascii ? "latin1" : "utf8");
  response.writeHead(status, { "content-type": "application/json", "content-length": bytes.length });
  response.end(bytes);
}

function pathOf(url: string | undefined): string {
  if (!url) return "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}
