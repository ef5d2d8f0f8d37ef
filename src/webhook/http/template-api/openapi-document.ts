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
    "A template id from the catalog, e.g. `cloudkit.templates.ocp_virt_vm`, or `openshift.templates.openshift.fedora_server_small` for the catalog template `fedora-server-small` in namespace `openshift` (`openshift.templates.<namespace>.<name>`, every '-' written as '_', as the order CRD's templateID pattern requires), percent-encoded as one path segment (a ':' in an id is sent as %3A: a literal ':' starts a custom method such as `:validate`).",
  schema: { type: "string", minLength: 1 },
};

const CATALOG_ITEM_ID_PARAMETER = {
  name: "id",
  in: "path",
  required: true,
  description: "A CatalogItem id, `urn:vcloud:catalogitem:<catalog uuid>:<template name>`; its ':' may be sent as is (catalog items have no custom methods) or as %3A.",
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
      description:
        "Where the template comes from: `builtin` for this project's own templates, `openshift` for catalog templates (OpenShift Templates discovered as SSVirt discovers them; their parameters are strings, with `display_name` and `generator` where the Template has them, and no `default` for secret ones). More sources may be added: clients must accept unknown values.",
      examples: ["builtin", "openshift"],
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
        "Present when valid: the effective parameters of the VM, keyed by the parameters' own names, defaults applied, each in its canonical form and its own type (`cpu_cores` a number, `image_source` without `docker://`, `exposed_ports` as `22/tcp,80/tcp`, `ssh_public_key` one key per line), so that sending them back means the same VM. Parameters without a value (no SSH key; `storage_class` when the cluster's default applies; a catalog template's parameters that would be generated) are absent. Secret parameters are never returned: `cloud_init_config` is `<redacted, N chars>`.",
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
    "The template parameters, exactly the JSON object an order carries as the string `spec.templateParameters`: parameter names to values (strings for catalog templates). A null value means absent. Unknown names and invalid values are not refused here: `:validate` answers 200 with `valid: false` and every problem.",
  additionalProperties: { type: ["string", "integer", "null"] },
  examples: [{ cpu_cores: "4", memory: "4Gi", exposed_ports: "22/tcp,80/tcp" }],
};

const ENTITY_REF = { type: "object", required: ["name", "id"], properties: { name: { type: "string" }, id: { type: "string" } } };

const CATALOG_ITEM_ENTITY = {
  type: "object",
  required: ["name", "description", "type", "numberOfVMs", "numberOfCpus", "memoryAllocation", "storageAllocation"],
  properties: {
    name: { type: "string" },
    description: { type: "string" },
    type: { type: "string", examples: ["application/vnd.vmware.vcloud.vAppTemplate+xml"] },
    numberOfVMs: { type: "integer", description: "VirtualMachine and VirtualMachineInstance objects of the Template, at least 1." },
    numberOfCpus: { type: "integer", description: "From a parameter named cpu, cpus, vcpu or vcpus (any case); 1 without one." },
    memoryAllocation: { type: "integer", description: "Bytes, from a parameter named memory or ram; 1 GiB without one." },
    storageAllocation: { type: "integer", description: "Bytes, from a parameter named storage, disk or disksize; 10 GiB without one." },
  },
};

const CATALOG_ITEM = {
  type: "object",
  description:
    "SSVirt's CatalogItem for a catalog template, computed as SSVirt's template service computes it, in SSVirt's own JSON (camelCase, the one exception to this API's snake_case: it is SSVirt's shape, for SSVirt clients).",
  required: ["id", "name", "description", "catalogId", "isPublished", "isExpired", "creationDate", "size", "status", "entity", "owner", "catalog"],
  properties: {
    id: { type: "string", examples: ["urn:vcloud:catalogitem:0b5e6f0c-7f7d-5c43-9d2a-6b1a3c4d5e6f:fedora-server-small"] },
    name: { type: "string" },
    description: { type: "string" },
    catalogId: { type: "string", description: "The SSVirt catalog's URN (OSAC_VM_SSVIRT_CATALOG_ID, else derived from the template namespace)." },
    isPublished: { type: "boolean", description: "The Template's label catalog.ssvirt.io/published is \"true\"." },
    isExpired: { type: "boolean" },
    creationDate: { type: "string", description: "RFC 3339 in UTC; 0001-01-01T00:00:00Z for a Template read from a file." },
    size: { type: "integer", description: "Bytes: 2 GiB per VM, SSVirt's estimate." },
    status: { type: "string", examples: ["AVAILABLE"] },
    entity: ref("CatalogItemEntity"),
    owner: ref("EntityRef"),
    catalog: ref("EntityRef"),
  },
};

export const OPENAPI_DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "osac-vm-gitops template API",
    version: "1.0.0",
    description:
      "The VM templates this webhook renders (the built-in template and the catalog's OpenShift Templates), a dry validation of an order's template parameters, for fulfillment-service, and the catalog templates as SSVirt CatalogItems. Served by `osac-vm webhook` over HTTPS. Every answer is JSON. A method a path does not take gets 405 with an `Allow` header; any other path under /api/v1 gets 404; both in the `Error` shape. Responses may gain members within v1: ignore members you do not know. See docs/adr/0015-template-api-contract.md.",
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
    "/api/v1/catalog-items": {
      get: {
        operationId: "listCatalogItems",
        summary: "The catalog templates as SSVirt CatalogItems, sorted by name.",
        responses: {
          "200": { description: "The CatalogItems.", content: json(ref("CatalogItemList")) },
          "500": errorResponse("Internal error."),
        },
      },
    },
    "/api/v1/catalog-items/{id}": {
      get: {
        operationId: "getCatalogItem",
        summary: "One CatalogItem.",
        parameters: [CATALOG_ITEM_ID_PARAMETER],
        responses: {
          "200": { description: "The CatalogItem.", content: json(ref("CatalogItem")) },
          "400": errorResponse("The id is not valid percent-encoding."),
          "404": errorResponse("No CatalogItem has this id."),
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
      CatalogItemList: { type: "object", required: ["items"], properties: { items: { type: "array", items: ref("CatalogItem") } } },
      CatalogItem: CATALOG_ITEM,
      CatalogItemEntity: CATALOG_ITEM_ENTITY,
      EntityRef: ENTITY_REF,
    },
  },
} as const;
