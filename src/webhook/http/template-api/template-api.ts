import type { IncomingMessage, ServerResponse } from "node:http";
import { showValue } from "../../../domain/field-error.ts";
import { checkParameterMap, describeJsonKind, normalizedParameters, type TemplateDescription } from "../../../domain/templates/index.ts";
import { quotedList } from "../../../domain/templates/wording.ts";
import { EMPTY_CATALOG, type TemplateCatalog } from "../../../domain/catalog-order/index.ts";
import type { OpenShiftTemplate } from "../../../domain/openshift-template/index.ts";
import { catalogItems, findCatalogItem } from "./catalog-items.ts";
import { openshiftTemplateResource, validateOpenShiftParameters } from "./openshift-templates.ts";
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
  /**
   * The catalog templates served beside the built-in ones (OpenShift Templates, ADR 28), read on
   * every request (a watch keeps it current), and the SSVirt catalog's URN for their CatalogItems.
   * @default no catalog templates
   */
  readonly openshift?: { readonly catalog: () => TemplateCatalog; readonly catalogId: string };
}

const MAX_LISTED_IDS = 20;

const PARAMETERS_EXAMPLE = '{"cpu_cores":"4","memory":"4Gi"}';

/**
 * The template API for fulfillment-service (docs/adr/0015-template-api-contract.md), described by
 * OPENAPI_DOCUMENT: the catalog, one template, and a dry validation of parameters. Returns a
 * handler that answers every request under /api/v1 and returns false for any other path.
 */
export function createTemplateApi(deps: TemplateApiDeps) {
  const limitBytes = deps.maxBodyBytes ?? TEMPLATE_API_MAX_BODY_BYTES;
  const byId = new Map(deps.catalog.map((template) => [template.id, template] as const));
  const openshift = () => deps.openshift?.catalog() ?? EMPTY_CATALOG;
  const catalogId = deps.openshift?.catalogId ?? "";

  function knownIds(catalog: TemplateCatalog): string {
    const ids = catalog.ids();
    const listed = [...deps.catalog.map((template) => template.id), ...ids.slice(0, MAX_LISTED_IDS)];
    return `${quotedList(listed)}${ids.length > MAX_LISTED_IDS ? ` (and ${ids.length - MAX_LISTED_IDS} more)` : ""}`;
  }

  type Found = { readonly builtin: TemplateDescription } | { readonly openshift: OpenShiftTemplate; readonly namespace: string };

  function findTemplate(id: string): Found {
    const builtin = byId.get(id);
    if (builtin !== undefined) return { builtin };
    const catalog = openshift();
    const template = catalog.get(id);
    if (template === undefined) throw notFound(`template '${showValue(id)}' does not exist; known templates are ${knownIds(catalog)}`);
    return { openshift: template, namespace: catalog.templateNamespace };
  }

  function resourceOf(found: Found): TemplateResource {
    return "builtin" in found ? templateResource(found.builtin) : openshiftTemplateResource(found.openshift, found.namespace);
  }

  async function answer(route: Route, request: IncomingMessage, response: ServerResponse): Promise<void> {
    switch (route.kind) {
      case "openapi":
        return sendJson(response, 200, OPENAPI_DOCUMENT);
      case "list": {
        const catalog = openshift();
        const items: TemplateResource[] = [...deps.catalog.map(templateResource), ...catalog.ids().map((id) => openshiftTemplateResource(catalog.get(id)!, catalog.templateNamespace))];
        return sendJson(response, 200, { items });
      }
      case "get":
        return sendJson(response, 200, resourceOf(findTemplate(route.id)));
      case "validate": {
        const found = findTemplate(route.id);
        return "builtin" in found ? validate(found.builtin, route.id, request, response) : validateCatalogTemplate(found.openshift, found.namespace, request, response);
      }
      case "catalogItems":
        return sendJson(response, 200, { items: catalogItems(openshift(), catalogId) });
      case "catalogItem": {
        const item = findCatalogItem(openshift(), catalogId, route.id);
        if (item === undefined) throw notFound(`catalog item '${showValue(route.id)}' does not exist; GET /api/v1/catalog-items lists them`);
        return sendJson(response, 200, item);
      }
    }
  }

  async function readParameterObject(request: IncomingMessage): Promise<Record<string, unknown>> {
    const body = await readJsonRequest(request, limitBytes);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw badRequest(`the request body must be a JSON object of template parameters, e.g. ${PARAMETERS_EXAMPLE}, or {} for all defaults; got ${describeJsonKind(body)}`);
    }
    return body as Record<string, unknown>;
  }

  async function validateCatalogTemplate(template: OpenShiftTemplate, namespace: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const result = validateOpenShiftParameters(template, await readParameterObject(request), namespace);
    deps.logger.debug({ template: `${namespace}/${template.metadata.name}`, valid: result.valid, errors: result.errors.length }, "Validated template parameters");
    sendJson(response, 200, result);
  }

  async function validate(template: TemplateDescription, requestedId: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readParameterObject(request);
    const checks = checkParameterMap(requestedId, body, {
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
