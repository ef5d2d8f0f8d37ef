import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as https from "node:https";
import fc from "fast-check";
import type { RunningWebhook } from "../../../src/webhook/server.ts";
import { orderCreateReview, request, startTestWebhook } from "../../support/webhook-server.ts";

/**
 * Bodies per run: 20,000 in `npm test` (about 10 s of CPU), 100,000 in CI (.ci/run sets
 * OSAC_FUZZ_BODIES=100000), so a local run stays short and CI keeps the full depth.
 */
const BODIES = fuzzBodies(process.env.OSAC_FUZZ_BODIES);

function fuzzBodies(text: string | undefined): number {
  if (text === undefined) return 20_000;
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1) throw new Error(`OSAC_FUZZ_BODIES=${text}: must be a positive integer`);
  return count;
}
const IN_FLIGHT = 16;
const PATHS = ["/mutate/virtualmachines", "/validate/virtualmachines", "/mutate/datavolumes", "/convert"];

let webhook: RunningWebhook;
let agent: https.Agent;

beforeAll(async () => {
  ({ webhook, agent } = await startTestWebhook());
});
afterAll(async () => {
  agent.destroy();
  await webhook.close();
});

/** Deterministic generator of hostile bodies: random bytes, truncations, random JSON, mutated reviews. */
function* bodies(count: number): Generator<{ path: string; body: Buffer }> {
  const valid = Buffer.from(JSON.stringify(orderCreateReview({ cpu_cores: "4", cloud_init_config: "I2Nsb3VkLWNvbmZpZw==", exposed_ports: "22/tcp,80/tcp" })));
  const conversion = Buffer.from(
    JSON.stringify({ apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview", request: { uid: "u", desiredAPIVersion: "cloudkit.openshift.io/v1beta1", objects: [orderCreateReview().request.object] } }),
  );
  const randomJson = fc.sample(fc.jsonValue({ maxDepth: 4 }), { numRuns: 2_000, seed: 42 });
  const mutations = fc.sample(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })), { numRuns: 2_000, seed: 7 });
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < count; i++) {
    const path = PATHS[i % PATHS.length]!;
    const template = path === "/convert" ? conversion : valid;
    switch (i % 5) {
      case 0: {
        const bytes = Buffer.alloc(Math.floor(random() * 512));
        for (let b = 0; b < bytes.length; b++) bytes[b] = Math.floor(random() * 256);
        yield { path, body: bytes };
        break;
      }
      case 1:
        yield { path, body: template.subarray(0, Math.floor(random() * template.length)) };
        break;
      case 2:
        yield { path, body: Buffer.from(JSON.stringify(randomJson[i % randomJson.length]) ?? "null") };
        break;
      default: {
        const review = JSON.parse(template.toString());
        const [index, value] = mutations[i % mutations.length]!;
        mutateAt(review, index, value);
        yield { path, body: Buffer.from(JSON.stringify(review)) };
      }
    }
  }
}

/** Replaces the value at the index-th node (depth-first) of a JSON document. */
function mutateAt(document: unknown, index: number, value: unknown): void {
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown) => {
    if (node === null || typeof node !== "object") return;
    for (const [key, child] of Object.entries(node)) {
      nodes.push({ parent: node as Record<string, unknown>, key: Array.isArray(node) ? Number(key) : key });
      walk(child);
    }
  };
  walk(document);
  const target = nodes[index % Math.max(nodes.length, 1)];
  if (target) (target.parent as Record<string | number, unknown>)[target.key] = value;
}

describe("fuzzing the review endpoints", () => {
  it(`GIVEN ${BODIES} random, truncated and mutated bodies THEN no 500 and the server keeps answering`, async () => {
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const iterator = bodies(BODIES);
    const worker = async () => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        const { path, body } = next.value;
        const response = await request(webhook, agent, "POST", path, body);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500 && failures.length < 5) failures.push(`${path} ${response.status} for ${body.subarray(0, 200).toString("base64")}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(failures).toEqual([]);
    expect(answered).toBe(BODIES);
    expect([...statuses.keys()].every((status) => status === 200 || status === 400)).toBe(true);
    expect((await request(webhook, agent, "GET", "/healthz")).text).toBe("ok");
  }, 300_000);
});
