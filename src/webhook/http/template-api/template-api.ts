import type { IncomingMessage, ServerResponse } from "node:http";
import { showValue } from "../../../domain/field-error.ts";
import { checkParameterMap, describeJsonKind, normalizedParameters, type TemplateDescription } from "../../../domain/templates/index.ts";
import { quotedList } from "../../../domain/templates/wording.ts";
import type { Logger } from "../../../platform/logger.ts";
import { ApiError, badRequest, internalError, methodNotAllowed, notFound } from "./api-error.ts";
import { readJsonRequest } from "./json-request.ts";
import { OPENAPI_DOCUMENT } from "./openapi-document.ts";
import { templateResource, type TemplateResource } from "./representation.ts";
import { allowedMethods, matchRoute, pathOf, type Route } from "./routes.ts";
import { sendError, sendJson } from "./respond.ts";

/** Template parameters with cloud-init (at most 1 MiB decoded, ~1.4 MB as base64) fit with room to spare. */
export const TEMPLATE_API_MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface TemplateApiDeps {
  /** The templates served, as this deployment describes them (`templateCatalog(options)`). */
  readonly catalog: readonly TemplateDescription[];
  /** The pinned image the webhook gives new orders that name none; undefined: the role's default. */
  readonly imageSourceDefault?: string;
  readonly logger: Logger;
  /** @default TEMPLATE_API_MAX_BODY_BYTES */
  readonly maxBodyBytes?: number;
}

const PARAMETERS_EXAMPLE = '{"cpu_cores":"4","memory":"4Gi"}';

/**
 * The template API for fulfillment-service (docs/adr/0015-template-api-contract.md), described by
 * OPENAPI_DOCUMENT: the catalog, one template, and a dry validation of parameters. Returns a
 * handler that answers every request under /api/v1 and returns false for any other path.
 */
export function createTemplateApi(deps: TemplateApiDeps) {
  const limitBytes = deps.maxBodyBytes ?? TEMPLATE_API_MAX_BODY_BYTES;
  const byId = new Map(deps.catalog.map((template) => [template.id, template] as const));
  const known = quotedList(deps.catalog.map((template) => template.id));

  function findTemplate(id: string): TemplateDescription {
    const template = byId.get(id);
    if (template === undefined) throw notFound(`template '${showValue(id)}' does not exist; known templates are ${known}`);
    return template;
  }

  async function answer(route: Route, request: IncomingMessage, response: ServerResponse): Promise<void> {
    switch (route.kind) {
      case "openapi":
        return sendJson(response, 200, OPENAPI_DOCUMENT);
      case "list":
        return sendJson(response, 200, { items: deps.catalog.map(templateResource) satisfies TemplateResource[] });
      case "get":
        return sendJson(response, 200, templateResource(findTemplate(route.id)));
      case "validate":
        return validate(findTemplate(route.id), route.id, request, response);
    }
  }

  async function validate(template: TemplateDescription, requestedId: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readJsonRequest(request, limitBytes);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw badRequest(`the request body must be a JSON object of template parameters, e.g. ${PARAMETERS_EXAMPLE}, or {} for all defaults; got ${describeJsonKind(body)}`);
    }
    const checks = checkParameterMap(requestedId, body as Record<string, unknown>, {
      fieldOf: (name) => name,
      ...(deps.imageSourceDefault === undefined ? {} : { imageSourceDefault: deps.imageSourceDefault }),
      warnWhenDefaultImageFloats: true,
    });
    const valid = checks.errors.length === 0;
    deps.logger.debug({ template: template.id, valid, errors: checks.errors.length, warnings: checks.warnings.length }, "Validated template parameters");
    sendJson(response, 200, {
      valid,
      errors: checks.errors,
      warnings: checks.warnings,
      ...(checks.value === undefined ? {} : { normalized: normalizedParameters(checks.value, template.parameters) }),
    });
  }

  function fail(error: unknown, request: IncomingMessage, response: ServerResponse, route: string): void {
    const apiError = error instanceof ApiError ? error : internalError();
    if (error instanceof ApiError) {
      deps.logger.debug({ method: request.method, route, status: error.status, reason: error.reason }, "Refused a template API request");
    } else {
      deps.logger.error({ err: error, method: request.method, route }, "Failed to answer a template API request");
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    sendError(response, apiError);
  }

  return function handleTemplateApi(request: IncomingMessage, response: ServerResponse): boolean {
    const path = pathOf(request.url);
    const route = matchRoute(path);
    if (route === undefined) return false;
    if (route instanceof ApiError) {
      fail(route, request, response, "unknown");
      return true;
    }
    const method = request.method ?? "GET";
    const allowed = allowedMethods(route);
    if (!allowed.includes(method)) {
      fail(methodNotAllowed(method, route.path, allowed), request, response, route.path);
      return true;
    }
    answer(route, request, response).catch((error: unknown) => fail(error, request, response, route.path));
    return true;
  };
}
