import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { templateCatalog } from "../../../src/domain/templates/index.ts";
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
const SECRET_FRAGMENTS = [SECRET_PASSWORD, SECRET.slice(20, 40), SECRET.slice(-24)];

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

beforeAll(async () => {
  server = await startOperationsServer();
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
        "template 'cloudkit.templates.nope' does not exist; known templates are 'cloudkit.templates.ocp_virt_vm', 'osac.templates.ocp_virt_vm' and 'osac.massopencloud.ocp_virt_vm'",
      errors: [],
    });
  });

  it("GIVEN a template id that is not valid percent-encoding THEN 400 in the error shape", async () => {
    const answer = await call("GET", "/api/v1/templates/%E0%A4%A");
    expect([answer.status, json(answer).reason]).toEqual([400, "BadRequest"]);
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
  ])("GIVEN %s %s THEN 405 with Allow: %s", async (method, path, allow) => {
    const answer = await call(method, path, method === "GET" ? undefined : "{}");
    expect([answer.status, answer.headers["allow"], json(answer).reason]).toEqual([405, allow, "MethodNotAllowed"]);
  });

  it.each(["/api/v1", "/api/v1/", "/api/v1/nope", "/api/v1/templates/", `/api/v1/templates/${ROLE_TEMPLATE}:frobnicate`, `/api/v1/templates/${ROLE_TEMPLATE}/x`, "/nope"])(
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
    const failing = await startOperationsServer({ catalog: [broken] });
    try {
      const list = await call("GET", "/api/v1/templates", undefined, {}, failing);
      const one = await call("GET", `/api/v1/templates/${ROLE_TEMPLATE}`, undefined, {}, failing);
      const validation = await call("POST", VALIDATE, JSON.stringify({ cloud_init_config: SECRET }), {}, failing);
      for (const answer of [list, one, validation]) expect(answer.json).toEqual({ status: 500, reason: "InternalError", message: "internal error; the failure was logged on the webhook", errors: [] });
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
