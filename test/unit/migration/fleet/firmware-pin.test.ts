import { describe, expect, it } from "vitest";
import { Annotations } from "../../../../src/api/well-known.ts";
import { diffFleet } from "../../../../src/migration/diff/fleet-diff.ts";
import { expectedChildren } from "../../../../src/migration/diff/expected-children.ts";
import { preflightOutcome } from "../../../../src/migration/fleet/preflight.ts";
import { firmwarePinToAdd, pinWrittenBy } from "../../../../src/migration/fleet/firmware-pin.ts";
import { MIGRATION_FIELD_MANAGER } from "../../../../src/migration/fleet-controller/adopt-step.ts";
import type { LiveObject } from "../../../../src/migration/live-object.ts";
import { instanceFor, runningInstanceStatus, runningVmStatus, withKubeVirtDefaults, withServerBookkeeping } from "../../../support/live-children.ts";
import { orderDocument, validOrder } from "../../../support/orders.ts";

type Json = Record<string, any>;
const PARAMETERS = { cpu_cores: "2", storage_class: "standard" };
const KUBEVIRT_UUID = "3f9d2a6e-7c41-4b8e-a0d5-9e1f2c3b4a57";

/** A running VM the role made, whose firmware UUID KubeVirt (≥ 1.6) wrote at random. */
function roleMadeVm(annotations: Record<string, string> = {}) {
  const order = orderDocument(PARAMETERS, { name: "vm-a", annotations }) as unknown as LiveObject;
  const children = (expectedChildren(validOrder(PARAMETERS, { name: "vm-a" }), "aap-parity", "standard") as Json[]).map((object) => {
    if (object.kind !== "VirtualMachine") return withServerBookkeeping(object);
    return { ...withKubeVirtDefaults(withServerBookkeeping(object), { firmwareUuid: KUBEVIRT_UUID }), status: runningVmStatus() };
  }) as LiveObject[];
  const vm = children.find((object) => object.kind === "VirtualMachine")!;
  return { order, children, instances: [{ ...instanceFor(vm as Json), status: runningInstanceStatus() }] as LiveObject[] };
}

describe("the firmware UUID pin adoption writes (ADR 32)", () => {
  it("GIVEN an order without a pin THEN adoption pins the live VM's UUID; with one, or without a live UUID, nothing", () => {
    const { order, children } = roleMadeVm();
    expect(firmwarePinToAdd(order, children)).toBe(KUBEVIRT_UUID);
    expect(firmwarePinToAdd(roleMadeVm({ [Annotations.firmwareUuid]: KUBEVIRT_UUID }).order, children)).toBeUndefined();
    const noUuid = children.map((child) => (child.kind === "VirtualMachine" ? { ...child, spec: { ...child.spec, template: { ...child.spec.template, spec: { ...child.spec.template.spec, domain: {} } } } } : child));
    expect(firmwarePinToAdd(order, noUuid)).toBeUndefined();
    expect(firmwarePinToAdd(order, [])).toBeUndefined();
  });

  it("GIVEN managedFields THEN the pin is the migration's only when its own entry holds the annotation", () => {
    const entry = (manager: string, keys: string[], subresource?: string) => ({
      manager,
      operation: "Update",
      ...(subresource ? { subresource } : {}),
      fieldsV1: { "f:metadata": { "f:annotations": Object.fromEntries(keys.map((key) => [`f:${key}`, {}])) } },
    });
    const order = (managedFields: unknown[]) => ({ metadata: { name: "vm-a", managedFields } }) as LiveObject;
    expect(pinWrittenBy(order([entry(MIGRATION_FIELD_MANAGER, [Annotations.managedBy, Annotations.firmwareUuid])]), MIGRATION_FIELD_MANAGER)).toBe(true);
    expect(pinWrittenBy(order([entry(MIGRATION_FIELD_MANAGER, [Annotations.managedBy]), entry("kubectl", [Annotations.firmwareUuid])]), MIGRATION_FIELD_MANAGER)).toBe(false);
    expect(pinWrittenBy(order([entry(MIGRATION_FIELD_MANAGER, [Annotations.firmwareUuid], "status")]), MIGRATION_FIELD_MANAGER)).toBe(false);
    expect(pinWrittenBy(order([]), MIGRATION_FIELD_MANAGER)).toBe(false);
  });

  it("GIVEN a running VM whose only template difference from the gitops rendering is KubeVirt's UUID THEN Preflight predicts no restart and accepts it", () => {
    const member = roleMadeVm();
    const input = { orders: [member.order], children: member.children, instances: member.instances, profile: "aap-parity" as const, strategy: "Stage" as const, roleStorageClass: "standard" };
    const [withPin] = diffFleet({ ...input, restartAfterAdoption: true });
    expect(withPin!.restart).toMatchObject({ running: true, restartRequired: false });
    expect(preflightOutcome([withPin!]).accepted).toEqual(["vm-a"]);
    // The same comparison without the pin: the gitops rendering's derived UUID would restart the VM.
    const [unpinned] = diffFleet({ ...input, profile: "gitops" });
    expect(unpinned!.restart).toMatchObject({ restartRequired: true, changes: [{ path: "spec.template.spec.domain.firmware.uuid", restarts: true }] });
  });

  it("GIVEN a VM with no firmware UUID in its spec (KubeVirt < 1.6) THEN nothing is pinned and Preflight refuses it: ours would be added", () => {
    const member = roleMadeVm();
    const vm = member.children.find((child) => child.kind === "VirtualMachine") as Json;
    delete vm.spec.template.spec.domain.firmware;
    for (const instance of member.instances as Json[]) delete instance.spec?.domain?.firmware;
    expect(firmwarePinToAdd(member.order, member.children)).toBeUndefined();
    const [diff] = diffFleet({ orders: [member.order], children: member.children, instances: member.instances, profile: "aap-parity", strategy: "Stage", roleStorageClass: "standard", restartAfterAdoption: true });
    expect(preflightOutcome([diff!]).refused).toMatchObject([{ name: "vm-a", reason: "RestartPredicted" }]);
  });

  it("GIVEN a hand-edited template (cpu cores) THEN Preflight still predicts the restart against the adopted rendering", () => {
    const member = roleMadeVm();
    const vm = member.children.find((child) => child.kind === "VirtualMachine") as Json;
    vm.spec.template.spec.domain.cpu = { ...vm.spec.template.spec.domain.cpu, cores: 8 };
    const [diff] = diffFleet({ orders: [member.order], children: member.children, instances: member.instances, profile: "aap-parity", strategy: "Stage", roleStorageClass: "standard", restartAfterAdoption: true });
    expect(preflightOutcome([diff!]).refused).toMatchObject([{ name: "vm-a", reason: "RestartPredicted" }]);
  });
});
