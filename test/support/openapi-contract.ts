import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";

/**
 * Checks a server's answers against its own OpenAPI 3.1 document and records which documented
 * operations and statuses the tests exercised. Object schemas are closed here (no member beyond
 * those documented) although the document leaves them open for clients: the server must not send
 * what the document does not name.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
  readonly components: { schemas: Record<string, object> };
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly json: unknown;
}

const DOCUMENT_ID = "https://osac-vm-gitops.invalid/api/v1/openapi.json";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A copy in which every object schema with `properties` and no `additionalProperties` is closed. */
export function closeObjectSchemas(value: Json): Json {
  if (Array.isArray(value)) return value.map(closeObjectSchemas);
  if (!isObject(value)) return value;
  const copy: JsonObject = {};
  for (const [key, member] of Object.entries(value)) copy[key] = key === "examples" || key === "example" ? member : closeObjectSchemas(member);
  if (isObject(copy["properties"]) && copy["additionalProperties"] === undefined) copy["additionalProperties"] = false;
  return copy;
}

function pointer(...parts: string[]): string {
  return `#/${parts.map((part) => part.replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`;
}

/** `/api/v1/templates/{id}:validate` → a regex over a raw request path; more literal text wins. */
function pathMatcher(template: string): { template: string; regex: RegExp; literalLength: number } {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? "([^/]+?)" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return { template, regex: new RegExp(`^${source}$`), literalLength: template.replace(/\{[^}]+\}/g, "").length };
}

export class OpenApiContract {
  private readonly ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  private readonly matchers;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly seen = new Set<string>();

  constructor(readonly document: OpenApiDocument) {
    this.ajv.addVocabulary(["openapi", "info", "paths", "components", "operationId", "summary", "parameters", "requestBody", "responses", "content", "in", "name", "schemas"]);
    const closed = closeObjectSchemas(JSON.parse(JSON.stringify(document)) as Json) as JsonObject;
    this.ajv.addSchema({ ...closed, $id: DOCUMENT_ID });
    this.matchers = Object.keys(document.paths)
      .map(pathMatcher)
      .sort((a, b) => b.literalLength - a.literalLength);
  }

  /** Every documented `METHOD path status`. */
  documented(): string[] {
    const keys: string[] = [];
    for (const [path, item] of Object.entries(this.document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        for (const status of Object.keys(operation.responses)) keys.push(`${method.toUpperCase()} ${path} ${status}`);
      }
    }
    return keys.sort();
  }

  /** The documented ones no `check` has seen yet. */
  unexercised(): string[] {
    return this.documented().filter((key) => !this.seen.has(key));
  }

  /** The methods the document names for the path a request path matches, upper case; undefined when none matches. */
  documentedMethods(requestPath: string): string[] | undefined {
    const matched = this.matchers.find((matcher) => matcher.regex.test(requestPath));
    if (!matched) return undefined;
    return Object.keys(this.document.paths[matched.template] ?? {}).filter((method) => METHODS.includes(method)).map((method) => method.toUpperCase());
  }

  /**
   * Validates one answer: against the documented response of its operation and status, or, for a
   * method or path the document does not name, against the Error schema (405 with an `Allow`
   * header listing exactly the documented methods, and HEAD with GET; 404 elsewhere). Returns the
   * problems, [] when it conforms.
   */
  check(method: string, requestPath: string, answer: Answer): string[] {
    const path = requestPath.split("?")[0] ?? requestPath;
    const matched = this.matchers.find((matcher) => matcher.regex.test(path));
    const operation = matched ? this.document.paths[matched.template]?.[method.toLowerCase()] : undefined;
    if (!matched || !operation) return this.checkUndocumented(method, path, answer, matched?.template);
    const status = String(answer.status);
    const response = operation.responses[status];
    if (!response) return [`${method} ${matched.template} answered ${status}, which the document does not list (${Object.keys(operation.responses).join(", ")})`];
    this.seen.add(`${method.toUpperCase()} ${matched.template} ${status}`);
    const contentType = String(answer.headers["content-type"] ?? "");
    if (!response.content) return [];
    if (!contentType.startsWith("application/json")) return [`${method} ${path} ${status}: content-type ${contentType}, documented application/json`];
    const location = pointer("paths", matched.template, method.toLowerCase(), "responses", status, "content", "application/json", "schema");
    return this.validate(location, answer.json, `${method} ${path} ${status}`);
  }

  private checkUndocumented(method: string, path: string, answer: Answer, template: string | undefined): string[] {
    const problems = this.validate(pointer("components", "schemas", "Error"), answer.json, `${method} ${path} ${answer.status}`);
    if (template === undefined) return answer.status === 404 ? problems : [...problems, `${method} ${path}: undocumented path answered ${answer.status}, expected 404`];
    if (answer.status !== 405) return [...problems, `${method} ${template}: undocumented method answered ${answer.status}, expected 405`];
    const methods = this.documentedMethods(path) ?? [];
    const expected = [...methods, ...(methods.includes("GET") ? ["HEAD"] : [])].join(", ");
    if (answer.headers["allow"] !== expected) problems.push(`${method} ${template}: Allow is ${String(answer.headers["allow"])}, expected ${expected}`);
    return problems;
  }

  private validate(location: string, value: unknown, what: string): string[] {
    let validator = this.validators.get(location);
    if (!validator) {
      validator = this.ajv.getSchema(`${DOCUMENT_ID}${location}`);
      if (!validator) return [`${what}: no schema at ${location}`];
      this.validators.set(location, validator);
    }
    return validator(value) ? [] : (validator.errors ?? []).map((error) => `${what}: ${error.instancePath || "(body)"} ${error.message ?? ""} ${JSON.stringify(error.params)}`);
  }
}
