import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { createReviewDispatcher } from "../../../src/webhook/http/review-endpoints.ts";
import { WebhookMetrics } from "../../../src/webhook/metrics.ts";
import type { AdmissionRequest } from "../../../src/webhook/admission/types.ts";

const metrics = new WebhookMetrics();
const UNICODE_TEXT = '{"cloud_init_config":"I2Nsb3VkLWNvbmZpZw==","motd":"héllo 😀 \\"quoted\\" \u2028 \u0000 end"}';
let server: Server;
let port: number;
let lastRequest: AdmissionRequest | undefined;

beforeAll(async () => {
  const dispatch = createReviewDispatcher(
    {
      admission: {
        "/mutate": {
          name: "mutate",
          handle: (request) => {
            lastRequest = request;
            return { allowed: true, warnings: ["looked at it"], patch: [{ op: "add", path: "/metadata/labels", value: { a: "b" } }] };
          },
        },
        "/mutate-unicode": {
          name: "mutate-unicode",
          handle: () => ({ allowed: true, warnings: [], patch: [{ op: "replace", path: "/spec/templateParameters", value: UNICODE_TEXT }] }),
        },
        "/deny": { name: "deny", handle: () => ({ allowed: false, warnings: [], status: { code: 422, reason: "Invalid", message: "spec.x: bad" } }) },
        "/deny-unicode": {
          name: "deny-unicode",
          handle: () => ({ allowed: false, warnings: [], status: { code: 422, reason: "Invalid", message: 'spec.motd: "héllo 😀" is not accepted' } }),
        },
        "/allow": { name: "allow", handle: () => ({ allowed: true, warnings: [] }) },
        "/boom": {
          name: "boom",
          handle: () => {
            throw new Error("bug");
          },
        },
      },
      conversion: { path: "/convert", handle: (body) => ({ status: 200, body: { echoed: body }, convertedCount: 1 }) },
    },
    { logger: pino({ level: "silent" }), metrics, maxBodyBytes: 1024, maxConversionBodyBytes: 4096 },
  );
  server = createServer((request, response) => {
    if (!dispatch(request, response)) {
      response.writeHead(404);
      response.end("fallthrough");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function post(path: string, body: string | Buffer, method = "POST"): Promise<{ status: number; body: any; text: string; bytes: number; contentLength: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method, headers: { "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const raw = Buffer.concat(chunks);
        const text = raw.toString("utf8");
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text, bytes: raw.length, contentLength: Number(res.headers["content-length"]) });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

const review = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: "705ab4f5-6393-11e8-b7cc-42010a800002",
      kind: { group: "cloudkit.openshift.io", version: "v1alpha1", kind: "VirtualMachine" },
      resource: { group: "cloudkit.openshift.io", version: "v1alpha1", resource: "virtualmachines" },
      operation: "CREATE",
      namespace: "orders",
      object: { metadata: { name: "vm" } },
      ...overrides,
    },
  });

describe("admission endpoints", () => {
  it("GIVEN a review THEN the response echoes the uid and apiVersion and carries a base64 JSONPatch and warnings", async () => {
    const response = await post("/mutate", review());
    expect(response.status).toBe(200);
    expect(response.body.apiVersion).toBe("admission.k8s.io/v1");
    expect(response.body.kind).toBe("AdmissionReview");
    expect(response.body.response.uid).toBe("705ab4f5-6393-11e8-b7cc-42010a800002");
    expect(response.body.response.allowed).toBe(true);
    expect(response.body.response.patchType).toBe("JSONPatch");
    expect(JSON.parse(Buffer.from(response.body.response.patch, "base64").toString())).toEqual([{ op: "add", path: "/metadata/labels", value: { a: "b" } }]);
    expect(response.body.response.warnings).toEqual(["looked at it"]);
    expect(lastRequest?.operation).toBe("CREATE");
  });

  it("GIVEN a patch with non-ASCII and escaped text THEN its base64 decodes, as UTF-8, to exactly that patch", async () => {
    const response = await post("/mutate-unicode", review());
    expect(response.status).toBe(200);
    expect(response.body.response.allowed).toBe(true);
    const decoded = JSON.parse(Buffer.from(response.body.response.patch, "base64").toString("utf8"));
    expect(decoded).toStrictEqual([{ op: "replace", path: "/spec/templateParameters", value: UNICODE_TEXT }]);
  });

  it.each(["/mutate", "/mutate-unicode", "/deny", "/allow"])("GIVEN the ASCII answer of %s THEN content-length counts its bytes", async (path) => {
    const response = await post(path, review());
    expect(response.status).toBe(200);
    expect(response.contentLength).toBe(response.bytes);
    expect(response.text).toMatch(/^[\x20-\x7e]+$/);
  });

  it("GIVEN an answer with non-ASCII text THEN it is sent as UTF-8, content-length counts bytes, and the text arrives exactly", async () => {
    const response = await post("/deny-unicode", review());
    expect(response.status).toBe(200);
    expect(response.contentLength).toBe(response.bytes);
    expect(response.bytes).toBeGreaterThan(response.text.length);
    expect(response.body.response.status.message).toBe('spec.motd: "héllo 😀" is not accepted');
  });

  it("GIVEN nothing to change THEN there is no patch and no patchType", async () => {
    const response = await post("/allow", review());
    expect(response.body.response).toEqual({ uid: "705ab4f5-6393-11e8-b7cc-42010a800002", allowed: true });
  });

  it("GIVEN a denial THEN status carries code, reason and message", async () => {
    const response = await post("/deny", review());
    expect(response.status).toBe(200);
    expect(response.body.response).toMatchObject({ allowed: false, status: { code: 422, reason: "Invalid", message: "spec.x: bad" } });
  });

  it.each([
    ["not JSON", "{not json", 400, /not valid JSON/],
    ["no request", JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" }), 400, /request\.uid/],
    ["request without uid", JSON.stringify({ request: { operation: "CREATE" } }), 400, /request\.uid/],
    ["null", "null", 400, /request\.uid/],
    ["a JSON array", "[]", 400, /request\.uid/],
    ["request.kind null", review({ kind: null }), 400, /request\.kind must be/],
    ["an unknown operation", review({ operation: "PATCH" }), 400, /request\.operation must be/],
    ["a numeric namespace", review({ namespace: 7 }), 400, /request\.namespace must be a string/],
  ])("GIVEN %s THEN HTTP %i with a reason", async (_name, body, status, reason) => {
    const response = await post("/mutate", body);
    expect(response.status).toBe(status);
    expect(response.body.error).toMatch(reason);
  });

  it("GIVEN a body over the limit THEN HTTP 413", async () => {
    const response = await post("/mutate", review({ padding: "x".repeat(2048) }));
    expect(response.status).toBe(413);
    expect(response.body.error).toContain("exceeds 1024 bytes");
  });

  it("GIVEN a ConversionReview over the admission limit but within the conversion limit THEN it is converted; beyond that, 413", async () => {
    const list = JSON.stringify({ kind: "ConversionReview", padding: "x".repeat(2048) });
    expect((await post("/convert", list)).status).toBe(200);
    const tooLarge = await post("/convert", JSON.stringify({ kind: "ConversionReview", padding: "x".repeat(5000) }));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toContain("exceeds 4096 bytes");
  });

  it("GIVEN a handler that throws THEN HTTP 500 so the API server applies the failure policy", async () => {
    const response = await post("/boom", review());
    expect(response.status).toBe(500);
    expect(response.text).not.toContain("bug");
  });

  it("GIVEN another path or method THEN the dispatcher leaves it to the next handler", async () => {
    expect((await post("/other", review())).text).toBe("fallthrough");
    expect((await post("/mutate", "", "GET")).text).toBe("fallthrough");
  });

  it("GIVEN a conversion review THEN it is handed to the conversion handler and counted", async () => {
    const response = await post("/convert", JSON.stringify({ hello: 1 }));
    expect(response.body).toEqual({ echoed: { hello: 1 } });
    const exported = await metrics.registry.metrics();
    expect(exported).toMatch(/osac_vm_webhook_converted_objects_total \d+/);
    expect(exported).toContain('osac_vm_webhook_requests_total{webhook="mutate",operation="CREATE",outcome="mutated"}');
  });
});
