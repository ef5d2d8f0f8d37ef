import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { TemplateCatalog } from "../../src/domain/catalog-order/index.ts";
import { templateCatalog, type TemplateDescription } from "../../src/domain/templates/index.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { createOperationsApp } from "../../src/webhook/http/operations-app.ts";
import { WebhookMetrics } from "../../src/webhook/metrics.ts";

/** Every line the logger wrote, as text. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString("utf8").split("\n").filter((line) => line !== ""));
    done();
  }
  text(): string {
    return this.lines.join("\n");
  }
}

export interface OperationsServer {
  readonly port: number;
  readonly logs: LogCapture;
  close(): Promise<void>;
}

/**
 * The webhook's operations app (template API, probes, metrics) on a loopback HTTP port, in-process,
 * logging at trace level into `logs`: the logic of every endpoint without TLS (server.test.ts
 * covers the TLS wiring).
 */
export async function startOperationsServer(
  options: { catalog?: readonly TemplateDescription[]; imageSourceDefault?: string; openshift?: { catalog: () => TemplateCatalog; catalogId: string } } = {},
): Promise<OperationsServer> {
  const logs = new LogCapture();
  const logger = createLogger({ name: "test", level: "trace", destination: logs });
  const app = createOperationsApp({
    metrics: new WebhookMetrics(),
    readiness: { notReadyReason: () => undefined, notes: () => [] },
    logger,
    catalog: options.catalog ?? templateCatalog(options.imageSourceDefault === undefined ? {} : { imageSourceDefault: options.imageSourceDefault }),
    ...(options.imageSourceDefault === undefined ? {} : { imageSourceDefault: options.imageSourceDefault }),
    ...(options.openshift === undefined ? {} : { openshift: options.openshift }),
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        logger.flush();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: unknown;
}

/** One request; `body` goes with Content-Type application/json unless `headers` say otherwise ("" leaves a header out). */
export function send(port: number, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const bodyHeaders = body === undefined ? {} : { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
  // A header given as "" is left out (e.g. no Content-Type at all).
  const sent = Object.fromEntries(Object.entries({ ...bodyHeaders, ...headers }).filter(([, value]) => value !== ""));
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers: sent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
