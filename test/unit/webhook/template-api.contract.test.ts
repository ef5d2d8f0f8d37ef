import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { templateCatalog } from "../../../src/domain/templates/index.ts";
import { fixtureCatalog } from "../../support/catalog.ts";
import { OPENAPI_DOCUMENT } from "../../../src/webhook/http/template-api/openapi-document.ts";
import { OpenApiContract } from "../../support/openapi-contract.ts";
import { send, startOperationsServer, type HttpAnswer, type OperationsServer } from "../../support/operations-server.ts";

const ROLE_TEMPLATE = "cloudkit.templates.ocp_virt_vm";
const ALIAS = "osac.templates.ocp_virt_vm";
const VALIDATE = `/api/v1/templates/${ROLE_TEMPLATE}:validate`;
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly user@example";
const SECRET_PASSWORD = "Tr0ub4dor-3-correct-horse";
const SECRET = Buffer.from(`#cloud-config\npassword: ${SECRET_PASSWORD}\n`).toString("base64");
/** The password, and base64 from the middle and the end of the secret (its start is the default's: `#cloud-config`). */
const SECRET_FRAGMENTS = [SECRET_PASSWORD, SECRET.slice(20, 40), SECRET.slice(-24), "h4rd-t0-gu3ss-p4ssw0rd"];

function expectNoSecretIn(text: string): void {
  for (const fragment of SECRET_FRAGMENTS) expect(text).not.toContain(fragment);
}

let server: OperationsServer;
const contract = new OpenApiContract(OPENAPI_DOCUMENT as never);
const answers: HttpAnswer[] = [];

/** One request, checked against the document; every answer is kept for the secret checks. */
async function call(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, on: OperationsServer = server): Promise<HttpAnswer> {
  const answer = await send(on.port, method, path, body, headers);
  answers.push(answer);
  if (method !== "HEAD") expect(contract.check(method, path, answer)).toEqual([]);
  return answer;
}

function json(answer: HttpAnswer): any {
  return answer.json;
}

const CATALOG_ID = "urn:vcloud:catalog:3f1c9a52-8d0e-4b7a-9c61-2e5d4f8a7b10";
const ITEM_ID = "urn:vcloud:catalogitem:3f1c9a52-8d0e-4b7a-9c61-2e5d4f8a7b10:tiny-server";
const CATALOG_PASSWORD = "h4rd-t0-gu3ss-p4ssw0rd";

beforeAll(async () => {
  const catalog = fixtureCatalog();
  server = await startOperationsServer({ openshift: { catalog: () => catalog, catalogId: CATALOG_ID } });
});
afterAll(async () => {
  await server.close();
});

describe("the template API against its OpenAPI document", () => {
  it("GIVEN GET /api/v1/openapi.json THEN the document is served, OpenAPI 3.1, and equal to the project's own", async () => {
    const answer = await call("GET", "/api/v1/openapi.json");
    expect(answer.status).toBe(200);
    expect(json(answer).openapi).toBe("3.1.0");
    expect(answer.json).toEqual(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
  });

  it("GIVEN GET /api/v1/templates THEN every template with its parameters, snake_case, aliases naming their template", async () => {
    const answer = await call("GET", "/api/v1/templates");
    expect(answer.status).toBe(200);
    const items = json(answer).items;
    expect(items.map((item: { id: string; source: string; alias_of?: string }) => [item.id, item.source, item.alias_of])).toEqual([
      [ROLE_TEMPLATE, "builtin", undefined],
      [ALIAS, "builtin", ROLE_TEMPLATE],
      ["osac.massopencloud.ocp_virt_vm", "builtin", ROLE_TEMPLATE],
      ["openshift.templates.openshift.tiny_server", "openshift", undefined],
    ]);
    expect(items[0].parameters.find((parameter: { name: string }) => parameter.name === "cloud_init_config")).toMatchObject({ type: "string", required: false, secret: true });
    expect(items[0].parameters.find((parameter: { name: string }) => parameter.name === "cpu_cores")).toMatchObject({ type: "integer", default: 2 });
  });

  it("GIVEN HEAD /api/v1/templates THEN the headers of the GET, without a body", async () => {
    const answer = await call("HEAD", "/api/v1/templates");
    expect(answer.status).toBe(200);
    expect(answer.text).toBe("");
    expect(Number(answer.headers["content-length"])).toBeGreaterThan(0);
  });

  it.each(templateCatalog().map((template) => [template.id]))("GIVEN GET /api/v1/templates/%s THEN that template, as in the list", async (id) => {
    const answer = await call("GET", `/api/v1/templates/${id}`);
    expect(answer.status).toBe(200);
    const list = json(await call("GET", "/api/v1/templates")).items;
    expect(answer.json).toEqual(list.find((item: { id: string }) => item.id === id));
  });

  it("GIVEN GET of an unknown template THEN 404 in the error shape, listing the known ids", async () => {
    const answer = await call("GET", "/api/v1/templates/cloudkit.templates.nope");
    expect(answer.json).toEqual({
      status: 404,
      reason: "NotFound",
      message:
        "template 'cloudkit.templates.nope' does not exist; known templates are 'cloudkit.templates.ocp_virt_vm', 'osac.templates.ocp_virt_vm', 'osac.massopencloud.ocp_virt_vm' and 'openshift.templates.openshift.tiny_server'",
      errors: [],
    });
  });

  it("GIVEN a template id that is not valid percent-encoding THEN 400 in the error shape", async () => {
    const answer = await call("GET", "/api/v1/templates/%E0%A4%A");
    expect([answer.status, json(answer).reason]).toEqual([400, "BadRequest"]);
  });
});

describe("catalog templates (OpenShift Templates) beside the built-in one", () => {
  const PATH = "/api/v1/templates/openshift.templates.openshift.tiny_server";

  it("GIVEN GET of a catalog template THEN its parameters with description, required flag, default, display name and generator; as in the list", async () => {
    const answer = await call("GET", PATH);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      id: "openshift.templates.openshift.tiny_server",
      title: "Tiny server",
      description: "A tiny server VM for tests.",
      source: "openshift",
      parameters: [
        { name: "NAME", description: "VM name", type: "string", required: false, secret: false, generator: { type: "expression", from: "tiny-[a-z0-9]{8}" } },
        { name: "DATA_SOURCE_NAME", description: "Name of the DataSource to clone", type: "string", required: true, secret: false },
        { name: "CPU_CORES", description: "Cores of the VM", type: "string", required: false, secret: false, default: "1", display_name: "CPU cores" },
        { name: "MEMORY", description: "Guest memory", type: "string", required: false, secret: false, default: "2Gi" },
        { name: "DISK_SIZE", description: "Root disk size", type: "string", required: false, secret: false, default: "20Gi" },
        {
          name: "CLOUD_USER_PASSWORD",
          description: "Randomized password for the cloud-init user fedora",
          type: "string",
          required: false,
          secret: true,
          generator: { type: "expression", from: "[a-z0-9]{4}-[a-z0-9]{4}" },
        },
      ],
    });
    const list = json(await call("GET", "/api/v1/templates")).items;
    expect(list.find((item: { id: string }) => item.id === "openshift.templates.openshift.tiny_server")).toEqual(answer.json);
  });

  it("GIVEN good values THEN valid, normalized with the Template's defaults, a given secret redacted, nothing generated", async () => {
    const answer = await call("POST", `${PATH}:validate`, JSON.stringify({ DATA_SOURCE_NAME: "fedora", CPU_CORES: "4", CLOUD_USER_PASSWORD: CATALOG_PASSWORD, MEMORY: null }));
    expect(answer.json).toEqual({
      valid: true,
      errors: [],
      warnings: [],
      normalized: { DATA_SOURCE_NAME: "fedora", CPU_CORES: "4", MEMORY: "2Gi", DISK_SIZE: "20Gi", CLOUD_USER_PASSWORD: `<redacted, ${CATALOG_PASSWORD.length} chars>` },
    });
    expect(answer.text).not.toContain(CATALOG_PASSWORD);
  });

  it("GIVEN an unknown parameter, a number and a missing required one THEN not valid, each error's field the parameter's name", async () => {
    const answer = await call("POST", `${PATH}:validate`, JSON.stringify({ cpu_cores: "4", CPU_CORES: 4 }));
    expect(json(answer).valid).toBe(false);
    expect(json(answer).errors.map((error: { field: string; value?: string }) => [error.field, error.value])).toEqual([
      ["CPU_CORES", "<redacted number>"],
      ["DATA_SOURCE_NAME", undefined],
      ["cpu_cores", "<redacted, 1 char>"],
    ]);
    expect(json(answer).errors[1].message).toBe("parameter DATA_SOURCE_NAME is required and must be specified");
  });
});

describe("GET /api/v1/catalog-items: the catalog templates as SSVirt CatalogItems", () => {
  it("GIVEN the list THEN one CatalogItem per catalog template, with SSVirt's URN and its defaults for templates without CPU/MEMORY/STORAGE parameters", async () => {
    const answer = await call("GET", "/api/v1/catalog-items");
    expect(answer.status).toBe(200);
    expect(json(answer).items).toEqual([
      {
        id: ITEM_ID,
        name: "tiny-server",
        description: "A tiny server VM for tests.",
        catalogId: CATALOG_ID,
        isPublished: false,
        isExpired: false,
        creationDate: "0001-01-01T00:00:00Z",
        size: 2147483648,
        status: "AVAILABLE",
        entity: { name: "tiny-server", description: "A tiny server VM for tests.", type: "application/vnd.vmware.vcloud.vAppTemplate+xml", numberOfVMs: 1, numberOfCpus: 1, memoryAllocation: 1073741824, storageAllocation: 10737418240 },
        owner: { name: "System", id: "" },
        catalog: { name: "Templates", id: CATALOG_ID },
      },
    ]);
  });

  it.each([ITEM_ID, encodeURIComponent(ITEM_ID)])("GIVEN GET of one by its id (%s) THEN that item, as in the list", async (id) => {
    const answer = await call("GET", `/api/v1/catalog-items/${id}`);
    expect(answer.status).toBe(200);
    expect(json(answer).id).toBe(ITEM_ID);
  });

  it("GIVEN an unknown id or bad percent-encoding THEN 404 and 400 in the error shape", async () => {
    const missing = await call("GET", "/api/v1/catalog-items/urn:vcloud:catalogitem:x:nope");
    expect([missing.status, json(missing).message]).toEqual([404, "catalog item 'urn:vcloud:catalogitem:x:nope' does not exist; GET /api/v1/catalog-items lists them"]);
    const bad = await call("GET", "/api/v1/catalog-items/%E0%A4%A");
    expect([bad.status, json(bad).reason]).toEqual([400, "BadRequest"]);
  });
});

describe("POST /api/v1/templates/{id}:validate", () => {
  it("GIVEN valid parameters THEN 200 valid, with normalized keyed by the parameters' own names", async () => {
    const answer = await call("POST", `/api/v1/templates/${ALIAS}:validate`, JSON.stringify({ cpu_cores: "4", memory: "4Gi", image_source: "quay.io/containerdisks/fedora:41", ssh_public_key: `${KEY},${KEY} two`, exposed_ports: "22/tcp, 80/tcp" }));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      valid: true,
      errors: [],
      warnings: [],
      normalized: {
        cpu_cores: 4,
        memory: "4Gi",
        disk_size: "10Gi",
        image_source: "quay.io/containerdisks/fedora:41",
        cloud_init_config: "<redacted, 20 chars>",
        ssh_public_key: `${KEY}\n${KEY} two`,
        exposed_ports: "22/tcp,80/tcp",
      },
    });
  });

  it("GIVEN invalid parameters THEN 200 not valid; every error names the parameter as sent, a bare name, never spec.templateParameters", async () => {
    const answer = await call("POST", VALIDATE, JSON.stringify({ cpu_cores: 0, exposed_ports: "22/sctp", cpu: 3 }));
    expect(answer.status).toBe(200);
    const body = json(answer);
    expect(body.valid).toBe(false);
    expect(body.normalized).toBeUndefined();
    expect(body.errors.map((error: { field: string; value: string }) => [error.field, error.value])).toEqual([
      ["cpu", "<redacted number>"],
      ["cpu_cores", "0"],
      ["exposed_ports", "22/sctp"],
    ]);
  });

  it("GIVEN null values THEN they mean absent, not 'not valid JSON'", async () => {
    const answer = await call("POST", VALIDATE, JSON.stringify({ cpu_cores: null, storage_class: null, image_source: "quay.io/containerdisks/fedora:41" }));
    expect(json(answer)).toMatchObject({ valid: true, normalized: { cpu_cores: 2 } });
  });

  it("GIVEN a floating image, and no image THEN warnings are objects with the field, like errors", async () => {
    const explicit = await call("POST", VALIDATE, JSON.stringify({ image_source: "quay.io/containerdisks/fedora:latest" }));
    expect(json(explicit).warnings).toEqual([
      {
        field: "image_source",
        value: "quay.io/containerdisks/fedora:latest",
        message: "has no tag or digest, or the tag 'latest': the image can change under the same name; pin a tag or digest for reproducible VMs",
      },
    ]);
    const absent = await call("POST", VALIDATE, "{}");
    expect(json(absent)).toMatchObject({ valid: true, normalized: { image_source: "quay.io/containerdisks/fedora:latest" } });
    expect(json(absent).warnings).toEqual([{ field: "image_source", message: expect.stringContaining("the Ansible role's default \"quay.io/containerdisks/fedora:latest\"") }]);
  });

  it("GIVEN an unknown template THEN 404 in the error shape, before the body is read", async () => {
    const answer = await call("POST", "/api/v1/templates/nope:validate", "{}");
    expect([answer.status, json(answer).reason]).toEqual([404, "NotFound"]);
  });

  it.each([
    ["null", "null", "got null"],
    ["an array", '[{"cpu_cores":"4"}]', "got an array"],
    ["a string", JSON.stringify(SECRET), "got a string"],
    ["a number", "4", "got a number"],
  ])("GIVEN a body that is JSON but %s THEN 400 saying a JSON object is wanted and what came", async (_case, body, got) => {
    const answer = await call("POST", VALIDATE, body);
    expect(answer.status).toBe(400);
    expect(json(answer)).toEqual({
      status: 400,
      reason: "BadRequest",
      message: `the request body must be a JSON object of template parameters, e.g. {"cpu_cores":"4","memory":"4Gi"}, or {} for all defaults; ${got}`,
      errors: [],
    });
  });

  it("GIVEN a JSON syntax error after a secret THEN 400 with line, column and position, and nothing of the body", async () => {
    const body = `{\n  "cloud_init_config": "${SECRET}",\n  "cpu_cores": 4,,\n}`;
    const answer = await call("POST", VALIDATE, body);
    expect(answer.status).toBe(400);
    expect(json(answer).message).toBe(`the request body is not valid JSON: expected a property name in double quotes at line 3, column 18 (position ${body.indexOf(",,") + 1})`);
  });

  it.each([
    ["an empty body", "", {}, 400, "the request body is empty"],
    ["a body that is not UTF-8", Buffer.from([0x7b, 0xff, 0x7d]), {}, 400, "not valid UTF-8"],
    ["no Content-Type", "{}", { "content-type": "" }, 415, "got no Content-Type"],
    ["a form Content-Type", "cpu_cores=4", { "content-type": "application/x-www-form-urlencoded" }, 415, "Content-Type: application/json"],
    ["a Latin-1 charset", "{}", { "content-type": "application/json; charset=iso-8859-1" }, 415, "UTF-8"],
    ["a compressed body", "{}", { "content-encoding": "gzip" }, 415, "compressed"],
  ])("GIVEN %s THEN an answer in the error shape", async (_case, body, headers, status, message) => {
    const answer = await call("POST", VALIDATE, body, headers);
    expect(answer.status).toBe(status);
    expect(json(answer).message).toContain(message);
  });

  it("GIVEN Content-Type application/json with charset=UTF-8 THEN it is read", async () => {
    const answer = await call("POST", VALIDATE, '{"cpu_cores":"4"}', { "content-type": "Application/JSON; Charset=\"UTF-8\"" });
    expect(json(answer).valid).toBe(true);
  });

  it("GIVEN a body over 2 MiB THEN 413 in the error shape", async () => {
    const answer = await call("POST", VALIDATE, JSON.stringify({ cloud_init_config: SECRET, padding: "x".repeat(2 * 1024 * 1024) }));
    expect([answer.status, json(answer).reason]).toEqual([413, "RequestEntityTooLarge"]);
  });
});

describe("methods and paths the document does not name", () => {
  it.each([
    ["GET", VALIDATE, "POST"],
    ["PUT", VALIDATE, "POST"],
    ["POST", "/api/v1/templates", "GET, HEAD"],
    ["DELETE", `/api/v1/templates/${ROLE_TEMPLATE}`, "GET, HEAD"],
    ["POST", "/api/v1/openapi.json", "GET, HEAD"],
    ["POST", "/api/v1/catalog-items", "GET, HEAD"],
    ["DELETE", `/api/v1/catalog-items/${ITEM_ID}`, "GET, HEAD"],
  ])("GIVEN %s %s THEN 405 with Allow: %s", async (method, path, allow) => {
    const answer = await call(method, path, method === "GET" ? undefined : "{}");
    expect([answer.status, answer.headers["allow"], json(answer).reason]).toEqual([405, allow, "MethodNotAllowed"]);
  });

  it.each(["/api/v1", "/api/v1/", "/api/v1/nope", "/api/v1/templates/", "/api/v1/catalog-items/", `/api/v1/catalog-items/${ITEM_ID}/x`, `/api/v1/templates/${ROLE_TEMPLATE}:frobnicate`, `/api/v1/templates/${ROLE_TEMPLATE}/x`, "/nope"])(
    "GIVEN GET %s THEN 404 in the error shape",
    async (path) => {
      const answer = await call("GET", path);
      expect([answer.status, json(answer).reason]).toEqual([404, "NotFound"]);
    },
  );
});

describe("the secret parameter", () => {
  const variants: [string, string | Buffer, Record<string, string>][] = [
    ["valid", JSON.stringify({ cloud_init_config: SECRET }), {}],
    ["valid, pretty-printed", JSON.stringify({ cloud_init_config: SECRET, cpu_cores: "2" }, null, 2), {}],
    ["not padded", JSON.stringify({ cloud_init_config: SECRET.replace(/=+$/, "") }), {}],
    ["wrapped", JSON.stringify({ cloud_init_config: `${SECRET.slice(0, 30)}\n${SECRET.slice(30)}` }), {}],
    ["in plain text", JSON.stringify({ cloud_init_config: `#cloud-config\npassword: ${SECRET_PASSWORD}\n` }), {}],
    ["under a misspelt name", JSON.stringify({ cloud_init: SECRET }), {}],
    ["before a syntax error", `{"cloud_init_config":"${SECRET}" "x"}`, {}],
    ["as the whole body", JSON.stringify(SECRET), {}],
    ["with the wrong Content-Type", JSON.stringify({ cloud_init_config: SECRET }), { "content-type": "text/plain" }],
    ["in an unknown template's request", JSON.stringify({ cloud_init_config: SECRET }), {}],
  ];

  it.each(variants)("GIVEN cloud-init %s THEN the answer holds no part of it", async (variant, body, headers) => {
    const path = variant.includes("unknown template") ? "/api/v1/templates/nope:validate" : VALIDATE;
    const answer = await call("POST", path, body, headers);
    expectNoSecretIn(answer.text);
  });

  it("GIVEN a valid cloud-init THEN normalized gives it redacted, by length only", async () => {
    const answer = await call("POST", VALIDATE, JSON.stringify({ cloud_init_config: SECRET }));
    expect(json(answer).normalized.cloud_init_config).toBe(`<redacted, ${SECRET.length} chars>`);
  });

  it("GIVEN every request of this file THEN no answer and no log line (trace level) carried the secret, and the API did log", async () => {
    expect(answers.length).toBeGreaterThan(40);
    for (const answer of answers) expectNoSecretIn(answer.text);
    const logs = server.logs.text();
    expect(logs).toContain("Validated template parameters");
    expect(logs).toContain("Refused a template API request");
    expectNoSecretIn(logs);
  });
});

describe("internal errors", () => {
  it("GIVEN a catalog that fails THEN 500 in the error shape, logged with the error and without the request body", async () => {
    const [first] = templateCatalog();
    const broken = {
      ...first!,
      get parameters(): never {
        throw new Error("catalog unavailable");
      },
    };
    const unavailable = (): never => {
      throw new Error("catalog unavailable");
    };
    const failing = await startOperationsServer({ catalog: [broken], openshift: { catalog: unavailable, catalogId: CATALOG_ID } });
    try {
      const list = await call("GET", "/api/v1/templates", undefined, {}, failing);
      const one = await call("GET", `/api/v1/templates/${ROLE_TEMPLATE}`, undefined, {}, failing);
      const validation = await call("POST", VALIDATE, JSON.stringify({ cloud_init_config: SECRET }), {}, failing);
      const items = await call("GET", "/api/v1/catalog-items", undefined, {}, failing);
      const item = await call("GET", `/api/v1/catalog-items/${ITEM_ID}`, undefined, {}, failing);
      for (const answer of [list, one, validation, items, item]) expect(answer.json).toEqual({ status: 500, reason: "InternalError", message: "internal error; the failure was logged on the webhook", errors: [] });
      const logs = failing.logs.text();
      expect(logs).toContain("Failed to answer a template API request");
      expect(logs).toContain("catalog unavailable");
      expectNoSecretIn(logs);
    } finally {
      await failing.close();
    }
  });
});

describe("the contract as a whole", () => {
  it("GIVEN every test above THEN every documented path, method and status was exercised", () => {
    expect(contract.unexercised()).toEqual([]);
  });
});
