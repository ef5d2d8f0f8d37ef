import express, { type Express, type Request, type Response } from "express";
import { parseTemplateParameters, templateCatalog, KNOWN_TEMPLATE_IDS } from "../../domain/templates/index.ts";
import type { WebhookMetrics } from "../metrics.ts";

export interface Readiness {
  /** Undefined when ready; otherwise why not. */
  notReadyReason(): string | undefined;
  /** Facts shown on /readyz (e.g. standalone mode). */
  notes(): string[];
}

/**
 * Everything but the review hot path: the template API for fulfillment-service, probes and metrics.
 */
export function createOperationsApp(deps: { metrics: WebhookMetrics; readiness: Readiness }): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "2mb" }));

  app.get("/healthz", (_request, response) => {
    response.type("text/plain").send("ok");
  });
  app.get("/readyz", (_request, response) => {
    const reason = deps.readiness.notReadyReason();
    const notes = deps.readiness.notes().map((note) => `\n${note}`).join("");
    response.status(reason ? 503 : 200).type("text/plain").send(reason ? `not ready: ${reason}${notes}` : `ok${notes}`);
  });
  app.get("/metrics", async (_request, response) => {
    response.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.get("/api/v1/templates", (_request, response) => {
    response.json({ items: templateCatalog() });
  });
  app.post("/api/v1/templates/:action", (request: Request, response: Response) => {
    const action = String(request.params.action);
    const match = /^(.+):validate$/.exec(action);
    if (!match) return void response.status(404).json({ error: `unknown action '${action}'; use POST /api/v1/templates/{templateID}:validate` });
    const templateId = match[1]!;
    if (!KNOWN_TEMPLATE_IDS.includes(templateId)) {
      return void response.status(404).json({
        valid: false,
        errors: [{ field: "templateID", value: templateId, message: `unknown template; valid values are ${KNOWN_TEMPLATE_IDS.map((id) => `'${id}'`).join(", ")}` }],
        warnings: [],
      });
    }
    const body: unknown = request.body;
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return void response.status(400).json({ valid: false, errors: [{ field: "(body)", message: "must be a JSON object of template parameters" }], warnings: [] });
    }
    const result = parseTemplateParameters(templateId, JSON.stringify(body));
    response.json({
      valid: result.errors.length === 0,
      errors: result.errors,
      warnings: result.warnings,
      ...(result.value ? { normalized: result.value } : {}),
    });
  });

  app.use((_request, response) => {
    response.status(404).json({ error: "not found" });
  });
  app.use((error: Error & { status?: number; type?: string }, _request: Request, response: Response, _next: unknown) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    response.status(status).json({ error: status === 500 ? "internal error" : error.message });
  });
  return app;
}
