import { createSecretKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { computeOrderStatus, findCondition, type ChildObservation } from "../../../src/controller/status/index.ts";
import { translateKeyedVersions } from "../../../src/controller/status/keyed-versions.ts";
import { isKeyedConfigVersion, keyedConfigVersion } from "../../../src/domain/keyed-config-version.ts";

const key = createSecretKey(Buffer.from("0123456789abcdef0123456789abcdef-test-key"));
const otherKey = createSecretKey(Buffer.from("fedcba9876543210fedcba9876543210-other-key"));
const order = { namespace: "orders", name: "vm-a", desiredConfigVersion: "1235a48e65b9b809" };
const keyed = keyedConfigVersion(key, order);
const children = (version: string): ChildObservation[] => ["Secret", "DataVolume", "VirtualMachine", "Service"].map((kind) => ({ kind, name: `vm-a-${kind}`, exists: true, configVersion: version }));

describe("keyedConfigVersion", () => {
  it("GIVEN the same order and key THEN the same version; another key, place or version THEN another", () => {
    expect(keyed).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);
    expect(isKeyedConfigVersion(keyed)).toBe(true);
    expect(isKeyedConfigVersion(order.desiredConfigVersion)).toBe(false);
    expect(keyedConfigVersion(key, { ...order })).toBe(keyed);
    const others = [keyedConfigVersion(otherKey, order), keyedConfigVersion(key, { ...order, name: "vm-b" }), keyedConfigVersion(key, { ...order, desiredConfigVersion: "00000000000000ff" })];
    for (const other of others) expect(other).not.toBe(keyed);
  });
});

describe("translateKeyedVersions", () => {
  it("GIVEN the key and children at the keyed desired version THEN they count as carrying the desired version", () => {
    const translated = translateKeyedVersions(children(keyed), order, key);
    expect(translated.unverifiable).toBe(false);
    expect(translated.children.every((child) => child.configVersion === order.desiredConfigVersion)).toBe(true);
  });

  it("GIVEN another keyed version THEN it is dropped (not the desired one, nothing to report)", () => {
    const translated = translateKeyedVersions(children(keyedConfigVersion(key, { ...order, desiredConfigVersion: "00000000000000ff" })), order, key);
    expect(translated.children.every((child) => child.configVersion === undefined)).toBe(true);
  });

  it("GIVEN keyed versions and no key THEN the order says why its version cannot be told, and reports no reconciled version", () => {
    const translated = translateKeyedVersions(children(keyed), order, undefined);
    expect(translated.unverifiable).toBe(true);
    const status = computeOrderStatus({
      order: { name: "vm-a", namespace: "orders", generation: 1, desiredConfigVersion: order.desiredConfigVersion, tenant: "acme" },
      acceptance: { accepted: true },
      children: translated.children,
      configVersionsUnverifiable: true,
      virtualMachine: { printableStatus: "Running", ready: true },
      now: new Date("2026-01-01T00:00:00Z"),
    });
    expect(status.reconciledConfigVersion).toBeUndefined();
    expect(findCondition(status.conditions, "Progressing")).toMatchObject({ status: "True", reason: "ConfigVersionUnverifiable" });
    expect(findCondition(status.conditions, "Progressing")?.message).toContain("--config-version-key-file");
  });

  it("GIVEN plain versions THEN nothing changes", () => {
    expect(translateKeyedVersions(children("1235a48e65b9b809"), order, undefined)).toEqual({ children: children("1235a48e65b9b809"), unverifiable: false });
  });
});
