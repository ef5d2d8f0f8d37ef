import { describe, expect, it } from "vitest";
import { slimForCache } from "../../../src/controller/cache/cache-transform.ts";
import type { RawObject } from "../../../src/controller/cache/raw-object.ts";

const managedFields = [{ manager: "osac-vm-controller", operation: "Apply", fieldsV1: { "f:metadata": {} } }];
const metadata = {
  name: "vm-x7k2q",
  namespace: "orders-abc",
  uid: "u-1",
  resourceVersion: "42",
  labels: { "cloudkit.openshift.io/virtualmachine": "vm-x7k2q" },
  annotations: { "cloudkit.openshift.io/config-version": "v1", "kubectl.kubernetes.io/last-applied-configuration": "{...}" },
  deletionTimestamp: "2026-11-22T00:00:00Z",
  managedFields,
};

function object(extra: Record<string, unknown>): RawObject {
  return { apiVersion: "v1", kind: "Thing", metadata: structuredClone(metadata), ...extra } as unknown as RawObject;
}

describe("slimForCache", () => {
  it("GIVEN any projection THEN managedFields and the last-applied annotation are dropped, other metadata kept", () => {
    for (const projection of ["whole", "metadataAndStatus", "metadataStatusAndSpec", "metadataOnly"] as const) {
      const slim = slimForCache(object({ spec: { a: 1 }, status: { b: 2 } }), projection);
      expect(slim.metadata.managedFields).toBeUndefined();
      expect(slim.metadata.annotations).toEqual({ "cloudkit.openshift.io/config-version": "v1" });
      expect(slim.metadata).toMatchObject({ name: "vm-x7k2q", namespace: "orders-abc", uid: "u-1", resourceVersion: "42", deletionTimestamp: "2026-11-22T00:00:00Z" });
      expect(slim.metadata.labels).toEqual(metadata.labels);
      expect(slim).toMatchObject({ apiVersion: "v1", kind: "Thing" });
    }
  });

  it("GIVEN an order (whole) THEN spec, status and any other top-level field are kept", () => {
    const slim = slimForCache(object({ spec: { templateID: "t" }, status: { phase: "Ready" }, extra: true }), "whole");
    expect(slim).toMatchObject({ spec: { templateID: "t" }, status: { phase: "Ready" }, extra: true });
  });

  it("GIVEN a KubeVirt VM (metadataAndStatus) THEN its spec is dropped and its status kept", () => {
    const slim = slimForCache(object({ spec: { template: { big: true } }, status: { printableStatus: "Running" } }), "metadataAndStatus");
    expect(slim.spec).toBeUndefined();
    expect(slim.status).toEqual({ printableStatus: "Running" });
  });

  it("GIVEN a DataVolume (metadataStatusAndSpec) THEN spec and status are kept", () => {
    const slim = slimForCache(object({ spec: { source: {} }, status: { phase: "Succeeded" } }), "metadataStatusAndSpec");
    expect(slim).toMatchObject({ spec: { source: {} }, status: { phase: "Succeeded" } });
  });

  it("GIVEN a Secret (metadataOnly) THEN data and stringData never reach the cache, its type does", () => {
    const slim = slimForCache(object({ type: "Opaque", data: { userdata: "c2VjcmV0" }, stringData: { key: "secret" } }), "metadataOnly");
    expect(slim).not.toHaveProperty("data");
    expect(slim).not.toHaveProperty("stringData");
    expect(slim.type).toBe("Opaque");
  });

  it("GIVEN an object THEN the input is not changed", () => {
    const input = object({ data: { a: "b" } });
    const before = structuredClone(input);
    slimForCache(input, "metadataOnly");
    expect(input).toEqual(before);
  });

  it("GIVEN no annotations or fields to drop THEN nothing absent is added", () => {
    const slim = slimForCache({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" } } as RawObject, "metadataOnly");
    expect(slim).toEqual({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" } });
  });
});
