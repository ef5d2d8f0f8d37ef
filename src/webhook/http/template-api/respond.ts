import type { ServerResponse } from "node:http";
import type { ApiError } from "./api-error.ts";

/** Writes a JSON answer with its length; HEAD requests get the headers only (node:http drops the body). */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

export function sendError(response: ServerResponse, error: ApiError): void {
  sendJson(response, error.status, error.body(), error.headers);
}
