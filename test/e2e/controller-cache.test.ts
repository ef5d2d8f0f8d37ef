// The controller's cache layer against the real API server: paginated LISTs (listAllPages) and the
// cache transform applied to what a supervised informer lists and watches.
import * as k8s from "@kubernetes/client-node";
import { afterAll, describe, expect, inject, it } from "vitest";
import { slimForCache } from "../../src/controller/cache/cache-transform.ts";
import type { RawObject } from "../../src/controller/cache/raw-object.ts";
import { listAllPages } from "../../src/platform/kube/list-pages.ts";
import { KubeApiError, KubeRestClient } from "../../src/platform/kube/rest-client.ts";
import { SupervisedInformer } from "../../src/platform/kube/supervised-informer.ts";
import { createLogger } from "../../src/platform/logger.ts";
import "./support/context.ts";
import { adminKubeConfig, createNamespace, deleteNamespaceNoWait, eventually, uniqueName } from "./support/kube.ts";

const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const rest = new KubeRestClient(admin);
const core = admin.makeApiClient(k8s.CoreV1Api);
const LABEL = "e2e.osac/list-pages";
const namespaces: string[] = [];

afterAll(async () => {
  rest.close();
  for (const namespace of namespaces) await deleteNamespaceNoWait(admin, namespace);
});

async function namespaceWithSecrets(count: number): Promise<string> {
  const namespace = uniqueName("cache");
  await createNamespace(admin, namespace);
  namespaces.push(namespace);
  for (let i = 0; i < count; i++) {
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: `s-${i}`, labels: { [LABEL]: namespace } }, stringData: { key: `secret-${i}` } } });
  }
  return namespace;
}

describe("listAllPages", () => {
  it("GIVEN 7 objects and pages of 2 THEN all 7 come back, transformed, with the snapshot's resourceVersion", async () => {
    const namespace = await namespaceWithSecrets(7);
    const seen: string[] = [];
    const list = await listAllPages<RawObject>(rest, `/api/v1/namespaces/${namespace}/secrets`, {
      labelSelector: LABEL,
      pageSize: 2,
      transform: (item) => {
        seen.push(item.metadata.name!);
        return slimForCache(item, "metadataOnly");
      },
    });
    expect(list.items.map((item) => item.metadata.name).sort()).toEqual(["s-0", "s-1", "s-2", "s-3", "s-4", "s-5", "s-6"]);
    expect(seen).toHaveLength(7);
    expect(list.items.every((item) => item.data === undefined && item.metadata.managedFields === undefined)).toBe(true);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
  });
});

describe("SupervisedInformer with a transform", () => {
  it("GIVEN listed and then watched Secrets THEN the cache holds them without data or managedFields", async () => {
    const namespace = await namespaceWithSecrets(3);
    const path = `/api/v1/namespaces/${namespace}/secrets`;
    const transform = (object: RawObject) => slimForCache(object, "metadataOnly");
    const informer = new SupervisedInformer<RawObject>({
      kubeConfig: admin,
      path,
      labelSelector: LABEL,
      list: () => listAllPages<RawObject>(rest, path, { labelSelector: LABEL, pageSize: 2, transform }),
      transform,
      logger: createLogger({ level: "silent", name: "e2e" }),
      onChange: () => {},
    });
    try {
      await informer.start();
      await eventually(async () => expect(informer.hasSynced && informer.list(namespace).length === 3).toBe(true));
      await core.createNamespacedSecret({ namespace, body: { metadata: { name: "s-watched", labels: { [LABEL]: namespace } }, stringData: { key: "secret" } } });
      const watched = await eventually(async () => {
        const object = informer.get("s-watched", namespace);
        expect(object).toBeDefined();
        return object!;
      });
      for (const object of informer.list(namespace)) {
        expect(object).not.toHaveProperty("data");
        expect(object.metadata.managedFields).toBeUndefined();
      }
      expect(watched.metadata.labels?.[LABEL]).toBe(namespace);
    } finally {
      await informer.stop();
    }
  });
});

describe("KubeRestClient discardBody", () => {
  it("GIVEN an apply with discardBody THEN it succeeds without a body; an error answer is still read", async () => {
    const namespace = await namespaceWithSecrets(0);
    const path = `/api/v1/namespaces/${namespace}/secrets/applied`;
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "applied", namespace }, stringData: { key: "secret" } };
    const answer = await rest.apply(path, secret, "e2e-manager", { discardBody: true });
    expect(answer.status).toBe(201);
    expect(answer.body).toBeUndefined();
    expect((await core.readNamespacedSecret({ name: "applied", namespace })).metadata?.managedFields?.[0]?.manager).toBe("e2e-manager");
    const invalid = rest.apply(path, { ...secret, unknownField: true }, "e2e-manager", { discardBody: true });
    await expect(invalid).rejects.toBeInstanceOf(KubeApiError);
    await expect(invalid).rejects.toMatchObject({ status: expect.any(Number), message: expect.stringContaining("unknownField") });
  });
});
