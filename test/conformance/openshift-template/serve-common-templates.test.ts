import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogOfTemplates, catalogTemplateId } from "../../../src/domain/catalog-order/index.ts";
import { readTemplateFiles } from "../../../src/render/input/read-templates.ts";
import { OPENAPI_DOCUMENT } from "../../../src/webhook/http/template-api/openapi-document.ts";
import { OpenApiContract } from "../../support/openapi-contract.ts";
import { send, startOperationsServer, type HttpAnswer, type OperationsServer } from "../../support/operations-server.ts";
import { requireShared } from "../support/shared.ts";

/**
 * The KubeVirt common templates served by the webhook's template API (ADR 28) in both shapes: as
 * catalog templates beside the built-in one, and as SSVirt CatalogItems, every answer held to the
 * OpenAPI document.
 */
const NAMES = ["centos-stream9-server-small", "fedora-server-small", "rhel9-highperformance-small", "rhel9-server-small", "ubuntu-server-small"];
const CATALOG_ID = "urn:vcloud:catalog:9d7f4f0e-3b7a-4c1e-8f43-0c2a5b1d7e99";
const contract = new OpenApiContract(OPENAPI_DOCUMENT as never);
let server: OperationsServer;

/** One GET, checked against the OpenAPI document; its JSON body. */
async function get(path: string): Promise<{ json: any }> {
  const answer: HttpAnswer = await send(server.port, "GET", path);
  expect(contract.check("GET", path, answer)).toEqual([]);
  expect(answer.status).toBe(200);
  return { json: answer.json };
}

beforeAll(async () => {
  const loaded = readTemplateFiles([requireShared("reference/common-templates")]);
  expect(loaded.errors).toEqual([]);
  const built = catalogOfTemplates(loaded.templates.map((item) => item.template));
  expect(built.skipped).toEqual([]);
  server = await startOperationsServer({ openshift: { catalog: () => built.catalog, catalogId: CATALOG_ID } });
});
afterAll(async () => {
  await server?.close();
});

describe("the common templates through GET /api/v1/templates", () => {
  it("THEN all five are listed after the built-in ids, under the id an order names them by", async () => {
    const ids = (await get("/api/v1/templates")).json.items.map((item: { id: string }) => item.id);
    expect(ids.slice(-5)).toEqual(NAMES.map((name) => catalogTemplateId("openshift", name)));
  });

  it.each(NAMES)("%s: each parameter with description, required flag, default and generator; the password secret, with no default shown", async (name) => {
    const template = (await get(`/api/v1/templates/${catalogTemplateId("openshift", name)}`)).json;
    expect(template.source).toBe("openshift");
    expect(template.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(["NAME", "DATA_SOURCE_NAME", "DATA_SOURCE_NAMESPACE", "CLOUD_USER_PASSWORD"]);
    const byName = Object.fromEntries(template.parameters.map((parameter: { name: string }) => [parameter.name, parameter]));
    expect(byName.DATA_SOURCE_NAMESPACE).toMatchObject({ required: false, secret: false, default: "kubevirt-os-images" });
    expect(byName.CLOUD_USER_PASSWORD).toMatchObject({ secret: true, generator: { type: "expression", from: "[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}" } });
    expect(byName.CLOUD_USER_PASSWORD.default).toBeUndefined();
    for (const parameter of template.parameters) expect(parameter.description.length).toBeGreaterThan(0);
  });
});

describe("the common templates through GET /api/v1/catalog-items", () => {
  it("THEN five SSVirt CatalogItems, sorted by name, with SSVirt's URNs and its defaults (no CPU/MEMORY/STORAGE parameter)", async () => {
    const items = (await get("/api/v1/catalog-items")).json.items;
    expect(items.map((item: { id: string }) => item.id)).toEqual(NAMES.map((name) => `urn:vcloud:catalogitem:9d7f4f0e-3b7a-4c1e-8f43-0c2a5b1d7e99:${name}`));
    for (const item of items) {
      expect(item.entity).toMatchObject({ numberOfVMs: 1, numberOfCpus: 1, memoryAllocation: 1073741824, storageAllocation: 10737418240 });
      expect([item.size, item.status, item.catalogId]).toEqual([2147483648, "AVAILABLE", CATALOG_ID]);
    }
    const one = (await get(`/api/v1/catalog-items/${encodeURIComponent(items[1].id)}`)).json;
    expect(one).toEqual(items[1]);
  });
});
