import { describe, expect, it } from "vitest";
import { planApply, specContains } from "../../../src/controller/plan/apply-plan.ts";
import { nextDeletionStep } from "../../../src/controller/plan/deletion-plan.ts";
import type { LiveChild } from "../../../src/controller/plan/children.ts";
import { renderOrder } from "../../../src/render/render-order.ts";
import { PARITY_PARAMETERS, validOrder } from "../../support/orders.ts";

const order = validOrder({ ...PARITY_PARAMETERS, storage_class: "standard" });
const desired = renderOrder(order, { profile: "gitops", allowPlainSecrets: true });
const version = order.desiredConfigVersion;

function liveFrom(objects = desired, configVersion = version): LiveChild[] {
  return objects
    .filter((o) => o.kind !== "Namespace")
    .map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace!, name: o.metadata.name, configVersion, deleting: false, spec: o.spec }));
}

describe("planApply", () => {
  it("GIVEN nothing live THEN every rendered object is applied in the role's order", () => {
    const plan = planApply(desired, [], version);
    expect(plan.apply.map((o) => o.kind)).toEqual(["Secret", "Secret", "DataVolume", "VirtualMachine", "Service"]);
    expect(plan.remove).toEqual([]);
    expect(plan.blocked).toBeUndefined();
  });

  it("GIVEN every child live with the desired config version THEN nothing is applied", () => {
    expect(planApply(desired, liveFrom(), version).apply).toEqual([]);
  });

  it("GIVEN children of an older config version THEN everything is applied again", () => {
    expect(planApply(desired, liveFrom(desired, "0000000000000000"), version).apply).toHaveLength(5);
  });

  it("GIVEN the SSH key was dropped THEN the key Secret is removed", () => {
    const withoutKey = validOrder({ ...PARITY_PARAMETERS, ssh_public_key: undefined, storage_class: "standard" });
    const next = renderOrder(withoutKey, { profile: "gitops", allowPlainSecrets: true });
    const plan = planApply(next, liveFrom(), withoutKey.desiredConfigVersion);
    expect(plan.remove.map((c) => `${c.kind}/${c.name}`)).toEqual(["Secret/vm-x7k2q-ssh-public-key"]);
    expect(plan.apply.map((o) => o.kind)).toEqual(["Secret", "DataVolume", "VirtualMachine", "Service"]);
  });

  it("GIVEN a bigger disk THEN the DataVolume is not applied and the change is reported as blocked", () => {
    const bigger = validOrder({ ...PARITY_PARAMETERS, disk_size: "50Gi", storage_class: "standard" });
    const next = renderOrder(bigger, { profile: "gitops", allowPlainSecrets: true });
    const plan = planApply(next, liveFrom(), bigger.desiredConfigVersion);
    expect(plan.apply.map((o) => o.kind)).toEqual(["Secret", "Secret", "VirtualMachine", "Service"]);
    expect(plan.blocked?.reason).toBe("DataVolumeSpecImmutable");
  });

  it("GIVEN a live DataVolume with fields set by others (webhook, CDI) THEN it is not blocked", () => {
    const live = liveFrom().map((child) =>
      child.kind === "DataVolume" ? { ...child, spec: { ...(child.spec as object), storage: { volumeMode: "Block" } }, configVersion: "old" } : child,
    );
    const plan = planApply(desired, live, version);
    expect(plan.blocked).toBeUndefined();
    expect(plan.apply).toHaveLength(5);
  });
});

describe("specContains", () => {
  it.each([
    [{ a: 1, b: { c: [1, 2] } }, { a: 1 }, true],
    [{ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] } }, true],
    [{ a: 1, b: { c: [1, 2] } }, { b: { c: [1] } }, false],
    [{ a: 1 }, { a: 2 }, false],
    [undefined, { a: 1 }, false],
  ])("GIVEN %j and %j THEN %s", (actual, wanted, expected) => {
    expect(specContains(actual, wanted)).toBe(expected);
  });
});

describe("nextDeletionStep", () => {
  it("GIVEN all children THEN the VM goes first", () => {
    const step = nextDeletionStep(liveFrom());
    expect(step.kind).toBe("delete");
    expect(step.kind === "delete" && step.objects.map((o) => o.kind)).toEqual(["VirtualMachine"]);
  });

  it("GIVEN the VM is deleting THEN wait for it before the Service", () => {
    const live = liveFrom().map((child) => (child.kind === "VirtualMachine" ? { ...child, deleting: true } : child));
    expect(nextDeletionStep(live).kind).toBe("wait");
  });

  it("GIVEN only Secrets left THEN both Secrets are deleted together; GIVEN nothing THEN done", () => {
    const secrets = liveFrom().filter((child) => child.kind === "Secret");
    const step = nextDeletionStep(secrets);
    expect(step.kind === "delete" && step.objects).toHaveLength(2);
    expect(nextDeletionStep([])).toEqual({ kind: "done" });
  });

  it("GIVEN the role's order THEN Service before DataVolume before Secret", () => {
    const rest = liveFrom().filter((child) => child.kind !== "VirtualMachine");
    expect(nextDeletionStep(rest).kind === "delete" && (nextDeletionStep(rest) as { objects: LiveChild[] }).objects[0]!.kind).toBe("Service");
    const noService = rest.filter((child) => child.kind !== "Service");
    expect((nextDeletionStep(noService) as { objects: LiveChild[] }).objects[0]!.kind).toBe("DataVolume");
  });
});
