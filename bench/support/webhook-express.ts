/**
 * The express variant for the webhook benchmark: the same decisions, metrics and decision logging
 * as src/webhook/http/review-endpoints.ts, but routed by express 5 and parsed by
 * `express.json({ limit: "8mb" })` — the design ADR 0009 decided against, measured in the same run.
 *
 *   node --import tsx bench/support/webhook-express.ts --port 0 --cert tls.crt --key tls.key
 *
 * Environment as the real webhook: CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS, LOG_LEVEL (default info).
 * Prints `listening on port N` on stdout; logs (pino, JSON) also go to stdout, as in the real one.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import express, { type Request, type Response } from "express";
import { createLogger } from "../../src/platform/logger.ts";
import { mutateDataVolume, mutateOrder, validateOrderAdmission } from "../../src/webhook/admission/index.ts";
import type { AdmissionDecision, AdmissionDeps, AdmissionRequest } from "../../src/webhook/admission/types.ts";
import { reviewConversion } from "../../src/webhook/conversion/review.ts";
import { WebhookMetrics } from "../../src/webhook/metrics.ts";
import { standaloneStorageClasses } from "../../src/webhook/storage-class-source.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    "bind-address": { type: "string", default: "127.0.0.1" },
    cert: { type: "string" },
    key: { type: "string" },
  },
});
if (!values.cert || !values.key) {
  process.stderr.write("usage: webhook-express --cert <file> --key <file> [--port 0]\n");
  process.exit(2);
}

const logger = createLogger({ name: "osac-vm-webhook-express", level: (process.env.LOG_LEVEL ?? "info") as "info" });
const metrics = new WebhookMetrics();
const envStorageClass = process.env.CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS;
const deps: AdmissionDeps = {
  storageClasses: standaloneStorageClasses(),
  managedBy: { defaultMode: "aap" },
  ...(envStorageClass ? { envStorageClass } : {}),
};

const app = express();
app.disable("x-powered-by");
app.use(express.json({ limit: "8mb" }));

const admission: Record<string, { name: string; handle: (request: AdmissionRequest) => AdmissionDecision }> = {
  "/mutate/virtualmachines": { name: "mutate-virtualmachines", handle: (request) => mutateOrder(request, deps) },
  "/validate/virtualmachines": { name: "validate-virtualmachines", handle: (request) => validateOrderAdmission(request, deps) },
  "/mutate/datavolumes": { name: "mutate-datavolumes", handle: (request) => mutateDataVolume(request, deps) },
};

for (const [path, endpoint] of Object.entries(admission)) {
  app.post(path, (request: Request, response: Response) => {
    const started = process.hrtime.bigint();
    let operation = "unknown";
    const finish = (status: number, body: object, outcome: string) => {
      response.status(status).json(body);
      const labels = { webhook: endpoint.name, operation, outcome };
      metrics.requests.inc(labels);
      metrics.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    };
    const review = request.body as { apiVersion?: unknown; request?: AdmissionRequest } | undefined;
    const admissionRequest = review && typeof review === "object" ? review.request : undefined;
    if (!admissionRequest || typeof admissionRequest !== "object" || typeof admissionRequest.uid !== "string") {
      return finish(400, { error: "body is not an AdmissionReview: it needs request.uid (a string)" }, "bad-request");
    }
    operation = typeof admissionRequest.operation === "string" ? admissionRequest.operation : "unknown";
    let decision: AdmissionDecision;
    try {
      decision = endpoint.handle(admissionRequest);
    } catch (error) {
      logger.error({ err: error, uid: admissionRequest.uid, webhook: endpoint.name }, "Failed to decide an admission review");
      return finish(500, { error: "internal error" }, "error");
    }
    const outcome = !decision.allowed ? "denied" : decision.patch && decision.patch.length > 0 ? "mutated" : "allowed";
    const level = outcome === "allowed" ? "debug" : "info";
    if (logger.isLevelEnabled(level)) {
      logger[level](
        {
          uid: admissionRequest.uid,
          webhook: endpoint.name,
          kind: admissionRequest.kind?.kind,
          operation: admissionRequest.operation,
          namespace: admissionRequest.namespace,
          name: admissionRequest.name,
          dryRun: admissionRequest.dryRun === true,
          decision: outcome,
          ...(decision.status ? { reason: decision.status.reason } : {}),
          ...(decision.warnings.length > 0 ? { warnings: decision.warnings.length } : {}),
        },
        outcome === "denied" ? "Denied admission review" : outcome === "mutated" ? "Mutated admission review" : "Allowed admission review",
      );
    }
    const patch = decision.patch && decision.patch.length > 0 ? decision.patch : undefined;
    finish(
      200,
      {
        apiVersion: typeof review!.apiVersion === "string" ? review!.apiVersion : "admission.k8s.io/v1",
        kind: "AdmissionReview",
        response: {
          uid: admissionRequest.uid,
          allowed: decision.allowed,
          ...(patch ? { patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(patch)).toString("base64") } : {}),
          ...(decision.warnings.length > 0 ? { warnings: decision.warnings } : {}),
          ...(decision.status ? { status: decision.status } : {}),
        },
      },
      outcome,
    );
  });
}

app.post("/convert", (request: Request, response: Response) => {
  const started = process.hrtime.bigint();
  const result = reviewConversion(request.body);
  if (result.convertedCount) metrics.convertedObjects.inc(result.convertedCount);
  response.status(result.status).json(result.body);
  const labels = { webhook: "convert", operation: "CONVERT", outcome: result.status === 200 ? "converted" : "bad-request" };
  metrics.requests.inc(labels);
  metrics.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
});

const server = createServer({ cert: readFileSync(values.cert), key: readFileSync(values.key), minVersion: "TLSv1.2" }, app);
server.listen(Number(values.port), values["bind-address"], () => {
  process.stdout.write(`webhook-express: listening on port ${(server.address() as AddressInfo).port}\n`);
});
const stop = () => {
  server.close(() => {
    logger.flush();
    process.exit(0);
  });
  server.closeAllConnections();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
