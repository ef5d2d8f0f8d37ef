/**
 * The template API's contract, served at GET /api/v1/openapi.json (OpenAPI 3.1, whose schemas are
 * JSON Schema 2020-12). The unit tests check every answer of the server against it and exercise
 * every path and method it names (test/unit/webhook/template-api.contract.test.ts).
 *
 * Response objects are open (no `additionalProperties: false`): members may be added within v1
 * and clients must ignore members they do not know, as Kubernetes API conventions ask. The tests
 * close every object so that the server sends nothing undocumented.
 */

const json = (schema: object) => ({ "application/json": { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorResponse = (description: string) => ({ description, content: json(ref("Error")) });

const TEMPLATE_ID_PARAMETER = {
  name: "id",
  in: "path",
  required: true,
  description:
    "A template id from the catalog, e.g. `cloudkit.templates.ocp_virt_vm`, percent-encoded as one path segment (a ':' in an id is sent as %3A: a literal ':' starts a custom method such as `:validate`).",
  schema: { type: "string", minLength: 1 },
};

const ISSUE = {
  type: "object",
  description:
    "One problem (in `errors`) or caution (in `warnings`) about what was sent. Values of secret parameters (and of unknown ones, which may be misspelt secrets) are redacted as `<redacted, N chars>`, or `<redacted number>` etc. for other JSON types.",
  required: ["message"],
  properties: {
    field: {
      type: "string",
      description:
        "Where in the request body: a parameter's own name (e.g. `cpu_cores`) for the parameters of `:validate`. Absent when the problem is the request as a whole.",
    },
    value: { type: "string", description: "The offending value as sent, shortened to 80 characters, or the part of it at fault (one port entry, the start of one SSH key); redacted where secret." },
    message: { type: "string", description: "What is wrong and what would be accepted." },
  },
};

const PARAMETER = {
  type: "object",
  required: ["name", "description", "type", "required", "secret"],
  properties: {
    name: { type: "string", description: "The name to send, e.g. `cpu_cores`." },
    description: { type: "string" },
    type: { type: "string", enum: ["string", "integer"], description: "The JSON type of the value. `integer` parameters also accept a string of digits." },
    required: { type: "boolean" },
    secret: { type: "boolean", description: "The value is never returned, logged or shown in a message (cloud-init user data)." },
    default: { type: ["string", "integer"], description: "The value used when the parameter is absent or null. Absent when there is none." },
    display_name: { type: "string", description: "A human-readable name, where the template has one (OpenShift Templates)." },
    generator: {
      type: "object",
      description: "How a value is generated when none is given, where the template says so (OpenShift Templates: `generate: expression`).",
      required: ["type", "from"],
      properties: {
        type: { type: "string", description: "The generator, e.g. `expression`." },
        from: { type: "string", description: "The generator's input, e.g. the expression `[a-z0-9]{8}`." },
      },
    },
  },
};

const TEMPLATE = {
  type: "object",
  required: ["id", "title", "description", "source", "parameters"],
  properties: {
    id: { type: "string", examples: ["cloudkit.templates.ocp_virt_vm"] },
    title: { type: "string" },
    description: { type: "string" },
    source: {
      type: "string",
      description: "Where the template comes from: `builtin` for this project's own templates. More sources may be added (OpenShift Templates): clients must accept unknown values.",
      examples: ["builtin"],
    },
    alias_of: { type: "string", description: "For an alias: the id of the template it stands for (same parameters, same VM)." },
    parameters: { type: "array", items: ref("Parameter") },
  },
};

const VALIDATION_RESULT = {
  type: "object",
  required: ["valid", "errors", "warnings"],
  properties: {
    valid: { type: "boolean", description: "True exactly when `errors` is empty: an order with these parameters would be admitted." },
    errors: { type: "array", items: ref("Issue"), description: "Every problem, sorted by parameter name, then by entry within a parameter." },
    warnings: { type: "array", items: ref("Issue") },
    normalized: {
      type: "object",
      description:
        "Present when valid: the effective parameters of the VM, keyed by the parameters' own names, defaults applied, each in its canonical form and its own type (`cpu_cores` a number, `image_source` without `docker://`, `exposed_ports` as `22/tcp,80/tcp`, `ssh_public_key` one key per line), so that sending them back means the same VM. Parameters without a value (no SSH key; `storage_class` when the cluster's default applies) are absent. Secret parameters are never returned: `cloud_init_config` is `<redacted, N chars>`.",
      additionalProperties: { type: ["string", "integer"] },
    },
  },
};

const ERROR = {
  type: "object",
  description: "The one error shape, for every status other than 200 (and on any path under /api/v1, including 404, 405, 413 and 415).",
  required: ["status", "reason", "message", "errors"],
  properties: {
    status: { type: "integer", description: "The HTTP status, repeated." },
    reason: {
      type: "string",
      description: "A Kubernetes StatusReason, stable for programs: BadRequest, NotFound, MethodNotAllowed, RequestEntityTooLarge, UnsupportedMediaType, InternalError.",
      examples: ["NotFound"],
    },
    message: { type: "string", description: "For people: what is wrong and what is accepted. Never quotes the request body." },
    errors: { type: "array", items: ref("Issue"), description: "Field problems, where there are any." },
  },
};

const PARAMETERS_BODY = {
  type: "object",
  description:
    "The template parameters, exactly the JSON object an order carries as the string `spec.templateParameters`: parameter names to values. A null value means absent. Unknown names and invalid values are not refused here: `:validate` answers 200 with `valid: false` and every problem.",
  additionalProperties: { type: ["string", "integer", "null"] },
  examples: [{ cpu_cores: "4", memory: "4Gi", exposed_ports: "22/tcp,80/tcp" }],
};

export const OPENAPI_DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "osac-vm-gitops template API",
    version: "1.0.0",
    description:
      "The VM templates this webhook renders, and a dry validation of an order's template parameters, for fulfillment-service. Served by `osac-vm webhook` over HTTPS. Every answer is JSON. A method a path does not take gets 405 with an `Allow` header; any other path under /api/v1 gets 404; both in the `Error` shape. Responses may gain members within v1: ignore members you do not know. See docs/adr/0015-template-api-contract.md.",
  },
  paths: {
    "/api/v1/templates": {
      get: {
        operationId: "listTemplates",
        summary: "List the templates and their parameters.",
        responses: {
          "200": { description: "The catalog.", content: json(ref("TemplateList")) },
          "500": errorResponse("Internal error."),
        },
      },
    },
    "/api/v1/templates/{id}": {
      get: {
        operationId: "getTemplate",
        summary: "One template and its parameters.",
        parameters: [TEMPLATE_ID_PARAMETER],
        responses: {
          "200": { description: "The template.", content: json(ref("Template")) },
          "400": errorResponse("The id is not valid percent-encoding."),
          "404": errorResponse("No template has this id."),
          "500": errorResponse("Internal error."),
        },
      },
    },
    "/api/v1/templates/{id}:validate": {
      post: {
        operationId: "validateTemplateParameters",
        summary: "Check template parameters as the admission webhook would, without creating anything.",
        parameters: [TEMPLATE_ID_PARAMETER],
        requestBody: { required: true, description: "Content-Type: application/json (UTF-8), at most 2 MiB.", content: json(ref("TemplateParameters")) },
        responses: {
          "200": { description: "The verdict: valid or not, with every error and warning.", content: json(ref("ValidationResult")) },
          "400": errorResponse("The body is empty, not valid JSON (the message gives line, column and position), or not a JSON object."),
          "404": errorResponse("No template has this id."),
          "413": errorResponse("The body is larger than 2 MiB."),
          "415": errorResponse("The body is not sent as Content-Type: application/json in UTF-8, or is compressed."),
          "500": errorResponse("Internal error."),
        },
      },
    },
    "/api/v1/openapi.json": {
      get: {
        operationId: "getOpenApiDocument",
        summary: "This document.",
        responses: {
          "200": { description: "The OpenAPI 3.1 document of the template API.", content: json({
            type: "object",
            required: ["openapi", "info", "paths"],
            properties: { openapi: { type: "string", const: "3.1.0" }, info: { type: "object" }, paths: { type: "object" } },
            additionalProperties: true,
          }),
        },
        },
      },
    },
  },
  components: {
    schemas: {
      TemplateList: { type: "object", required: ["items"], properties: { items: { type: "array", items: ref("Template") } } },
      Template: TEMPLATE,
      Parameter: PARAMETER,
      TemplateParameters: PARAMETERS_BODY,
      ValidationResult: VALIDATION_RESULT,
      Issue: ISSUE,
      Error: ERROR,
    },
  },
} as const;
