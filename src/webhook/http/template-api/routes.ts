import { badRequest, notFound, type ApiError } from "./api-error.ts";

export const API_PREFIX = "/api/v1";
export const OPENAPI_PATH = `${API_PREFIX}/openapi.json`;
const TEMPLATES_PATH = `${API_PREFIX}/templates`;
const CATALOG_ITEMS_PATH = `${API_PREFIX}/catalog-items`;
const VALIDATE_SUFFIX = ":validate";

/** One endpoint of the template API, as the OpenAPI document names its path. */
export type Route =
  | { readonly kind: "openapi"; readonly path: "/api/v1/openapi.json" }
  | { readonly kind: "list"; readonly path: "/api/v1/templates" }
  | { readonly kind: "get"; readonly path: "/api/v1/templates/{id}"; readonly id: string }
  | { readonly kind: "validate"; readonly path: "/api/v1/templates/{id}:validate"; readonly id: string }
  | { readonly kind: "catalogItems"; readonly path: "/api/v1/catalog-items" }
  | { readonly kind: "catalogItem"; readonly path: "/api/v1/catalog-items/{id}"; readonly id: string };

const READ_METHODS: readonly string[] = ["GET", "HEAD"];
const VALIDATE_METHODS: readonly string[] = ["POST"];

/** The methods a route answers (the `Allow` header of a 405); HEAD goes with GET. */
export function allowedMethods(route: Route): readonly string[] {
  return route.kind === "validate" ? VALIDATE_METHODS : READ_METHODS;
}

export const ENDPOINTS_HELP =
  "the template API has GET /api/v1/templates, GET /api/v1/templates/{id}, POST /api/v1/templates/{id}:validate, GET /api/v1/catalog-items, GET /api/v1/catalog-items/{id} and GET /api/v1/openapi.json";

function decodedId(segment: string): string | ApiError {
  try {
    return decodeURIComponent(segment);
  } catch {
    return badRequest("the id in the path is not valid percent-encoding");
  }
}

/**
 * The route of a request path (query string removed), or the error to answer when the path is
 * under /api/v1 but names nothing. Undefined for paths outside the API. A template id is one path
 * segment, percent-decoded; a literal ':' in the segment starts a custom method (`:validate`), as
 * in Google's API design, so an id holding ':' must send it as %3A.
 */
export function matchRoute(path: string): Route | ApiError | undefined {
  if (path !== API_PREFIX && !path.startsWith(`${API_PREFIX}/`)) return undefined;
  if (path === OPENAPI_PATH) return { kind: "openapi", path: OPENAPI_PATH };
  if (path === TEMPLATES_PATH) return { kind: "list", path: TEMPLATES_PATH };
  if (path === CATALOG_ITEMS_PATH) return { kind: "catalogItems", path: CATALOG_ITEMS_PATH };
  if (path.startsWith(`${CATALOG_ITEMS_PATH}/`)) {
    // A CatalogItem id is a URN (`urn:vcloud:catalogitem:<uuid>:<name>`): ':' is part of it here, no custom method.
    const item = path.slice(CATALOG_ITEMS_PATH.length + 1);
    if (item === "" || item.includes("/")) return notFound(`no such path; ${ENDPOINTS_HELP}`);
    const id = decodedId(item);
    return typeof id === "string" ? { kind: "catalogItem", path: "/api/v1/catalog-items/{id}", id } : id;
  }
  const segment = path.startsWith(`${TEMPLATES_PATH}/`) ? path.slice(TEMPLATES_PATH.length + 1) : undefined;
  if (segment === undefined || segment === "" || segment.includes("/")) return notFound(`no such path; ${ENDPOINTS_HELP}`);
  const colon = segment.indexOf(":");
  if (colon === -1) {
    const id = decodedId(segment);
    return typeof id === "string" ? { kind: "get", path: "/api/v1/templates/{id}", id } : id;
  }
  if (segment.slice(colon) !== VALIDATE_SUFFIX || colon === 0) {
    return notFound(`no such path; the only custom method on a template is ${VALIDATE_SUFFIX}: ${ENDPOINTS_HELP}`);
  }
  const id = decodedId(segment.slice(0, colon));
  return typeof id === "string" ? { kind: "validate", path: "/api/v1/templates/{id}:validate", id } : id;
}

export function pathOf(url: string | undefined): string {
  if (!url) return "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}
