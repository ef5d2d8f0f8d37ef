import { describe, expect, it } from "vitest";
import { KnownNamespaces } from "../../../src/controller/known-namespaces.ts";
import { decideApplyPass } from "../../../src/controller/plan/apply-pass.ts";
import { applyWaves } from "../../../src/controller/plan/apply-waves.ts";
import { RecentApplies } from "../../../src/controller/recent-applies.ts";
import { renderOrder, renderTenantNamespace } from "../../../src/render/render-order.ts";
import { tenantNamespaceObject } from "../../../src/render/tenant-namespace-object.ts";
import { PARITY_PARAMETERS, validOrder } from "../../support/orders.ts";

const order = validOrder({ ...PARITY_PARAMETERS, storage_class: "standard" });
const namespaceInput = { name: order.tenantNamespace, tenant: order.tenant, orderNamespace: order.namespace };

describe("applyWaves", () => {
  it("GIVEN the tenant Namespace and an order's objects THEN Namespace, then both Secrets, then DataVolume + VM + Service", () => {
    const waves = applyWaves([tenantNamespaceObject(namespaceInput), ...renderOrder(order, { profile: "gitops", allowPlainSecrets: true })]);
    expect(waves.map((wave) => wave.map((object) => object.kind))).toEqual([["Namespace"], ["Secret", "Secret"], ["DataVolume", "VirtualMachine", "Service"]]);
  });

  it("GIVEN objects without a sync wave (aap-parity) THEN each is applied on its own, in order", () => {
    const waves = applyWaves(renderOrder(order, { profile: "aap-parity", allowPlainSecrets: false }));
    expect(waves.every((wave) => wave.length === 1)).toBe(true);
    expect(waves.map((wave) => wave[0]!.kind)).toEqual(["Secret", "Secret", "DataVolume", "VirtualMachine", "Service"]);
  });

  it("GIVEN a wave that comes back later THEN it is a new group (the renderer's order is kept)", () => {
    const objects = renderOrder(order, { profile: "gitops", allowPlainSecrets: true });
    const [secret, , dataVolume] = objects;
    expect(applyWaves([secret!, dataVolume!, secret!]).map((wave) => wave.length)).toEqual([1, 1, 1]);
  });
});

describe("tenantNamespaceObject", () => {
  it("GIVEN a tenant THEN the plain object equals what cdk8s renders", () => {
    expect(tenantNamespaceObject(namespaceInput)).toEqual(renderTenantNamespace(namespaceInput));
  });
});

describe("decideApplyPass", () => {
  it("GIVEN converged children THEN nothing is applied, the status is written and the record dropped", () => {
    expect(decideApplyPass(true, { kind: "pending", remainingMs: 10 }, 5000)).toEqual({ apply: false, deferStatus: false, forgetApply: true });
  });

  it("GIVEN children not converged and no recent apply THEN apply and hold the status back for the grace period", () => {
    expect(decideApplyPass(false, { kind: "none" }, 5000)).toEqual({ apply: true, deferStatus: true, requeueAfterMs: 5000, forgetApply: false });
  });

  it("GIVEN an apply moments ago THEN do not apply again; wait for the rest of the grace period", () => {
    expect(decideApplyPass(false, { kind: "pending", remainingMs: 1200 }, 5000)).toEqual({ apply: false, deferStatus: true, requeueAfterMs: 1200, forgetApply: false });
  });

  it("GIVEN the grace period ran out THEN the status is written as it is and the next event applies again", () => {
    expect(decideApplyPass(false, { kind: "expired" }, 5000)).toEqual({ apply: false, deferStatus: false, forgetApply: true });
  });
});

describe("RecentApplies", () => {
  it("GIVEN an apply THEN pending for the grace period, expired after it, none for another version or once forgotten", () => {
    let now = 1000;
    const recent = new RecentApplies(5000, () => now);
    expect(recent.state("u", "v1")).toEqual({ kind: "none" });
    recent.record("u", "v1");
    now = 2000;
    expect(recent.state("u", "v1")).toEqual({ kind: "pending", remainingMs: 4000 });
    expect(recent.state("u", "v2")).toEqual({ kind: "none" });
    expect(recent.state("other", "v1")).toEqual({ kind: "none" });
    now = 6000;
    expect(recent.state("u", "v1")).toEqual({ kind: "expired" });
    recent.forget("u");
    expect(recent.state("u", "v1")).toEqual({ kind: "none" });
    expect(recent.size).toBe(0);
  });
});

describe("KnownNamespaces", () => {
  it("GIVEN a namespace added THEN known until forgotten", () => {
    const known = new KnownNamespaces();
    expect(known.has("t-1")).toBe(false);
    known.add("t-1");
    expect(known.has("t-1")).toBe(true);
    known.forget("t-1");
    expect(known.has("t-1")).toBe(false);
  });
});
