/**
 * The express variant for the webhook benchmark: the same answers, metrics and decision logging
 * as src/webhook/http/review-endpoints.ts (its `answerAdmissionReview`), but routed by express 5 and parsed by
 * `express.json({ limit: "8mb" })` — the design ADR 0009 decided against, measured in the same run.
 *
 *   node --import tsx bench/support/webhook-express.ts --port 0 --cert tls.crt --key tls.key
 *
 * Environment as the real webhook: CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS, LOG_LEVEL (default info).
 * Prints `listening on port N` on stdout; logs (pino, JSON) also go to stdout, as in the real one.
 */
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { serverArgs } from "./server-args.ts";
import express, { type Request, type Response } from "express";
import { createLogger } from "../../src/platform/logger.ts";
import { mutateDataVolume, mutateOrder, validateOrderAdmission } from "../../src/webhook/admission/index.ts";
import type { AdmissionDeps } from "../../src/webhook/admission/types.ts";
import { reviewConversion } from "../../src/webhook/conversion/review.ts";
import { answerAdmissionReview, type AdmissionEndpoint } from "../../src/webhook/http/review-endpoints.ts";
import { WebhookMetrics } from "../../src/webhook/metrics.ts";
import { standaloneStorageClasses } from "../../src/webhook/storage-class-source.ts";

const args = serverArgs("webhook-express");

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

const admission: Record<string, AdmissionEndpoint> = {
  "/mutate/virtualmachines": { name: "mutate-virtualmachines", handle: (request) => mutateOrder(request, deps) },
  "/validate/virtualmachines": { name: "validate-virtualmachines", handle: (request) => validateOrderAdmission(request, deps) },
  "/mutate/datavolumes": { name: "mutate-datavolumes", handle: (request) => mutateDataVolume(request, deps) },
};

for (const [path, endpoint] of Object.entries(admission)) {
  app.post(path, (request: Request, response: Response) => {
    const started = process.hrtime.bigint();
    const answer = answerAdmissionReview(request.body, endpoint, logger);
    response
      .status(answer.status)
      .type("application/json")
      .send(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
    const labels = { webhook: endpoint.name, operation: answer.operation, outcome: answer.outcome };
    metrics.requests.inc(labels);
    metrics.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
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

const server = createServer({ cert: args.cert, key: args.key, minVersion: "TLSv1.2" }, app);
server.listen(args.port, args.bindAddress, () => {
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
