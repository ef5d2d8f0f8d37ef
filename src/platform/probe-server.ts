import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

/** `/healthz`, `/readyz` (503 with the reason while `ready` names one) and `/metrics` of a registry. */
export function probeServer(deps: { metrics: { readonly registry: Registry }; ready: () => string | undefined }): Server {
  return createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/healthz") return void response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    if (path === "/readyz") {
      const reason = deps.ready();
      return void response.writeHead(reason ? 503 : 200, { "content-type": "text/plain" }).end(reason ? `not ready: ${reason}` : "ok");
    }
    if (path === "/metrics") {
      deps.metrics.registry.metrics().then(
        (text) => response.writeHead(200, { "content-type": deps.metrics.registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
}
