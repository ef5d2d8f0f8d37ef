import express, { type Express, type NextFunction, type Request, type Response } from "express";
import type { TemplateCatalog } from "../../domain/catalog-order/index.ts";
import type { TemplateDescription } from "../../domain/templates/index.ts";
import type { Logger } from "../../platform/logger.ts";
import type { WebhookMetrics } from "../metrics.ts";
import { ApiError, internalError, notFound } from "./template-api/api-error.ts";
import { sendError } from "./template-api/respond.ts";
import { createTemplateApi } from "./template-api/template-api.ts";

export interface Readiness {
  /** Undefined when ready; otherwise why not. */
  notReadyReason(): string | undefined;
  /** Facts shown on /readyz (e.g. standalone mode). */
  notes(): string[];
}

export interface OperationsDeps {
  readonly metrics: WebhookMetrics;
  readonly readiness: Readiness;
  readonly logger: Logger;
  /** The templates the API serves, as this deployment describes them. */
  readonly catalog: readonly TemplateDescription[];
  /** The pinned image the webhook gives new orders that name none; undefined: the role's default. */
  readonly imageSourceDefault?: string;
  /** Catalog templates (OpenShift Templates) served beside the built-in ones, and the SSVirt catalog URN. */
  readonly openshift?: { readonly catalog: () => TemplateCatalog; readonly catalogId: string };
}

/**
 * Everything but the review hot path: the template API for fulfillment-service (its own router,
 * docs/adr/0015-template-api-contract.md), probes and metrics. Any other path gets 404 in the
 * template API's error shape.
 */
export function createOperationsApp(deps: OperationsDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  const templateApi = createTemplateApi({
    catalog: deps.catalog,
    logger: deps.logger,
    ...(deps.imageSourceDefault === undefined ? {} : { imageSourceDefault: deps.imageSourceDefault }),
    ...(deps.openshift === undefined ? {} : { openshift: deps.openshift }),
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (!templateApi(request, response)) next();
  });

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

  app.use((_request, response) => {
    sendError(response, notFound("no such path; see GET /api/v1/openapi.json for the template API, /healthz, /readyz and /metrics for operations"));
  });
  app.use((error: Error & { status?: number }, _request: Request, response: Response, _next: NextFunction) => {
    if (!(error instanceof ApiError)) deps.logger.error({ err: error }, "Failed to answer an operations request");
    sendError(response, error instanceof ApiError ? error : internalError());
  });
  return app;
}
