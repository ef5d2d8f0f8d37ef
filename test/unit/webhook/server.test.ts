import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as https from "node:https";
import { Agent, request as httpsRequest } from "node:https";
import type { RunningWebhook } from "../../../src/webhook/server.ts";
import { OPENAPI_DOCUMENT } from "../../../src/webhook/http/template-api/openapi-document.ts";
import { OpenApiContract } from "../../support/openapi-contract.ts";
import { orderCreateReview, request, startTestWebhook } from "../../support/webhook-server.ts";

const contract = new OpenApiContract(OPENAPI_DOCUMENT as never);

/** A template API request over TLS, its answer checked against the OpenAPI document. */
async function apiRequest(on: RunningWebhook, over: https.Agent, method: string, path: string, body?: string) {
  const answer = await request(on, over, method, path, body);
  expect(contract.check(method, path, { status: answer.status, headers: answer.headers, json: answer.json })).toEqual([]);
  return answer;
}

let webhook: RunningWebhook;
let agent: https.Agent;

beforeAll(async () => {
  ({ webhook, agent } = await startTestWebhook());
});
afterAll(async () => {
  agent.destroy();
  await webhook.close();
});

describe("the webhook server over a real TLS socket (standalone)", () => {
  it("GIVEN no cluster access THEN it serves, and /readyz says where storage classes come from", async () => {
    expect(webhook.standalone).toBe(true);
    const ready = await request(webhook, agent, "GET", "/readyz");
    expect(ready.status).toBe(200);
    expect(ready.text).toContain("standalone");
    expect((await request(webhook, agent, "GET", "/healthz")).text).toBe("ok");
  });

  it("GIVEN an order CREATE THEN the mutating endpoint sets managed-by and storage_class by JSON Patch", async () => {
    const response = await request(webhook, agent, "POST", "/mutate/virtualmachines", JSON.stringify(orderCreateReview()));
    expect(response.status).toBe(200);
    expect(response.json.response.uid).toBe("b6c2d9a6-0f6d-4f1e-9a7e-3c1d2e4f5a6b");
    const patch = JSON.parse(Buffer.from(response.json.response.patch, "base64").toString());
    expect(patch).toEqual(
      expect.arrayContaining([
        { op: "add", path: "/metadata/annotations/cloudkit.openshift.io~1managed-by", value: "aap" },
        { op: "replace", path: "/spec/templateParameters", value: '{"cpu_cores":"4","memory":"4Gi","storage_class":"standard"}' },
      ]),
    );
  });

  it("GIVEN an invalid order THEN the validating endpoint denies with every error in one message", async () => {
    const response = await request(webhook, agent, "POST", "/validate/virtualmachines", JSON.stringify(orderCreateReview({ cpu_cores: "0", memory: "lots" })));
    expect(response.json.response.allowed).toBe(false);
    expect(response.json.response.status.code).toBe(422);
    expect(response.json.response.status.message).toMatch(/cpu_cores.*memory|memory.*cpu_cores/s);
  });

  it("GIVEN the template API over TLS THEN the catalog, one template and :validate answer (the contract is tested in template-api.contract.test.ts)", async () => {
    const catalog = await apiRequest(webhook, agent, "GET", "/api/v1/templates");
    expect(catalog.json.items.map((t: { id: string }) => t.id)).toEqual(["cloudkit.templates.ocp_virt_vm", "osac.templates.ocp_virt_vm", "osac.massopencloud.ocp_virt_vm"]);
    expect((await apiRequest(webhook, agent, "GET", "/api/v1/templates/osac.templates.ocp_virt_vm")).json.alias_of).toBe("cloudkit.templates.ocp_virt_vm");
    const valid = await apiRequest(webhook, agent, "POST", "/api/v1/templates/osac.templates.ocp_virt_vm:validate", JSON.stringify({ cpu_cores: 4 }));
    expect(valid.json).toMatchObject({ valid: true, errors: [], normalized: { cpu_cores: 4, memory: "2Gi" } });
    const wrongMethod = await apiRequest(webhook, agent, "GET", "/api/v1/templates/osac.templates.ocp_virt_vm:validate");
    expect([wrongMethod.status, wrongMethod.json.reason]).toEqual([405, "MethodNotAllowed"]);
  });

  it("GIVEN a kept-alive connection idle for longer than Node's default 5 s THEN the server has not closed it (the API server reuses idle connections for 90 s)", async () => {
    const localPort = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpsRequest({ host: "127.0.0.1", port: webhook.port, path, method: "GET", agent: idleAgent }, (res) => {
          res.resume();
          res.on("end", () => resolve(req.socket!.localPort!));
        });
        req.on("error", reject);
        req.end();
      });
    const idleAgent = new Agent({ keepAlive: true, maxSockets: 1, ca: webhook.devCaPem });
    try {
      const first = await localPort("/healthz");
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(await localPort("/healthz")).toBe(first);
    } finally {
      idleAgent.destroy();
    }
  }, 20_000);

  it("GIVEN a review larger than 8 MiB THEN 413", async () => {
    const huge = JSON.stringify(orderCreateReview({ padding: "x".repeat(9 * 1024 * 1024) }));
    const response = await request(webhook, agent, "POST", "/validate/virtualmachines", huge);
    expect(response.status).toBe(413);
  });

  it("GIVEN /metrics THEN request counts and latency histograms are exported by webhook, operation and outcome", async () => {
    const metrics = await request(webhook, agent, "GET", "/metrics");
    expect(metrics.text).toContain('osac_vm_webhook_requests_total{webhook="mutate-virtualmachines",operation="CREATE",outcome="mutated"}');
    expect(metrics.text).toContain("osac_vm_webhook_request_duration_seconds_bucket");
  });

  it("GIVEN OSAC_VM_DEFAULT_IMAGE_SOURCE THEN new orders get the pinned image, and the template API says so", async () => {
    const pinned = await startTestWebhook({ CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS: "standard", OSAC_VM_DEFAULT_IMAGE_SOURCE: "quay.io/containerdisks/fedora:41" });
    try {
      const response = await request(pinned.webhook, pinned.agent, "POST", "/mutate/virtualmachines", JSON.stringify(orderCreateReview()));
      const patch = JSON.parse(Buffer.from(response.json.response.patch, "base64").toString());
      expect(patch).toContainEqual({
        op: "replace",
        path: "/spec/templateParameters",
        value: '{"cpu_cores":"4","memory":"4Gi","storage_class":"standard","image_source":"quay.io/containerdisks/fedora:41"}',
      });
      const template = await apiRequest(pinned.webhook, pinned.agent, "GET", "/api/v1/templates/cloudkit.templates.ocp_virt_vm");
      expect(template.json.parameters.find((parameter: { name: string }) => parameter.name === "image_source").default).toBe("quay.io/containerdisks/fedora:41");
      const validation = await apiRequest(pinned.webhook, pinned.agent, "POST", "/api/v1/templates/cloudkit.templates.ocp_virt_vm:validate", "{}");
      expect(validation.json).toMatchObject({ valid: true, warnings: [], normalized: { image_source: "quay.io/containerdisks/fedora:41" } });
    } finally {
      pinned.agent.destroy();
      await pinned.webhook.close();
    }
  });
});
