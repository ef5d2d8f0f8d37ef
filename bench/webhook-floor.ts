/**
 * The floor for the webhook benchmark (bench/webhook.ts): a bare node:https server that does the
 * least any webhook must do per review — read the body, JSON.parse it, answer.
 *
 *  - any admission path: `{apiVersion, kind: AdmissionReview, response: {uid, allowed: true}}`;
 *  - /convert: the objects back with `apiVersion` set to `request.desiredAPIVersion` (a shallow
 *    copy each, nothing else converted) and `result: Success`.
 *
 * No routing table, no metrics, no logging, no validation beyond "has request.uid".
 *
 * With `--same-answer` (the bench's "floor, same answer" server) a mutating CREATE is answered
 * with the patch ours sends for it, worked out once (by ours' `mutateOrder`) and then reused: the
 * floor's work plus the cost of carrying an answer that size, which JSON Patch makes ~8 KB for a
 * defaulted storage class, since the patch must replace the whole parameters string.
 *
 *   node --import tsx bench/webhook-floor.ts --port 0 --cert tls.crt --key tls.key [--same-answer]
 *
 * Prints `listening on port N` on stdout; stops on SIGTERM/SIGINT.
 */
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { mutateOrder } from "../src/webhook/admission/index.ts";
import type { AdmissionRequest } from "../src/webhook/admission/types.ts";
import { serverArgs } from "./support/server-args.ts";
import { BENCH_ADMISSION_DEPS } from "./support/webhook-deps.ts";

const args = serverArgs("webhook-floor", ["same-answer"]);
const sameAnswer = args.switches.has("same-answer");

const LIMIT = 8 * 1024 * 1024;

interface Review {
  apiVersion?: string;
  request?: { uid?: string; operation?: string; desiredAPIVersion?: string; objects?: Record<string, unknown>[] };
}

/** `--same-answer`: the base64 patch of the first mutating CREATE, sent for every one after it. */
let mutateCreatePatch: string | undefined;

function patchFor(path: string, review: Review): string | undefined {
  if (!sameAnswer || path !== "/mutate/virtualmachines" || review.request?.operation !== "CREATE") return undefined;
  mutateCreatePatch ??= Buffer.from(
    JSON.stringify(
      mutateOrder(review.request as AdmissionRequest, BENCH_ADMISSION_DEPS).patch,
    ),
  ).toString("base64");
  return mutateCreatePatch;
}

function answer(path: string, review: Review): object {
  const request = review.request ?? {};
  if (path === "/convert") {
    const to = request.desiredAPIVersion;
    return {
      apiVersion: review.apiVersion ?? "apiextensions.k8s.io/v1",
      kind: "ConversionReview",
      response: { uid: request.uid, convertedObjects: (request.objects ?? []).map((object) => ({ ...object, apiVersion: to })), result: { status: "Success" } },
    };
  }
  const patch = patchFor(path, review);
  return {
    apiVersion: review.apiVersion ?? "admission.k8s.io/v1",
    kind: "AdmissionReview",
    response: { uid: request.uid, allowed: true, ...(patch ? { patchType: "JSONPatch", patch } : {}) },
  };
}

function reply(response: import("node:http").ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

const server = createServer({ cert: args.cert, key: args.key, minVersion: "TLSv1.2" }, (request, response) => {
  if (request.method !== "POST") return reply(response, 404, { error: "not found" });
  const chunks: Buffer[] = [];
  let size = 0;
  request.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= LIMIT) chunks.push(chunk);
  });
  request.on("end", () => {
    if (size > LIMIT) return reply(response, 413, { error: "too large" });
    let review: Review;
    try {
      review = JSON.parse(Buffer.concat(chunks, size).toString("utf8")) as Review;
    } catch {
      return reply(response, 400, { error: "not JSON" });
    }
    if (typeof review?.request?.uid !== "string") return reply(response, 400, { error: "no request.uid" });
    const query = request.url?.indexOf("?") ?? -1;
    reply(response, 200, answer(query === -1 ? (request.url ?? "/") : request.url!.slice(0, query), review));
  });
});

server.listen(args.port, args.bindAddress, () => {
  process.stdout.write(`webhook-floor: listening on port ${(server.address() as AddressInfo).port}\n`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
