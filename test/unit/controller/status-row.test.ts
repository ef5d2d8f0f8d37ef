import { describe, expect, it } from "vitest";
import {
  computeOrderStatus,
  powerStatusOf,
  statusEqual,
  toConditionReason,
  toDatabaseRow,
  type OrderStatus,
  type OrderStatusInput,
} from "../../../src/controller/status/index.ts";

const V1 = "1235a48e65b9b809";
const NOW = new Date("2025-12-01T10:00:00Z");
const order = {
  name: "vm-x7k2q",
  namespace: "cloudkit-vm-orders",
  uid: "7d1c1a9e-0b7f-4a59-9a53-3f0f0d2a5b11",
  generation: 2,
  desiredConfigVersion: V1,
  tenant: "my-tenant",
  orderUuid: "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11",
};
const input: OrderStatusInput = {
  order,
  acceptance: { accepted: true },
  children: [{ kind: "VirtualMachine", name: "vm-x7k2q", exists: true, configVersion: V1 }],
  virtualMachine: { printableStatus: "Running", ready: true },
  service: { loadBalancer: { ingress: [{ ip: "192.0.2.10" }] } },
  now: NOW,
};

describe("statusEqual", () => {
  const status = computeOrderStatus(input);

  it("GIVEN the same status with conditions reordered, undefined fields and empty addresses THEN equal", () => {
    const shuffled: OrderStatus = { ...status, conditions: [...status.conditions!].reverse(), reconciledConfigVersion: status.reconciledConfigVersion };
    expect(statusEqual(status, shuffled)).toBe(true);
    expect(statusEqual({ phase: "Ready", ipAddresses: [] }, { phase: "Ready", desiredConfigVersion: undefined })).toBe(true);
    expect(statusEqual(undefined, {})).toBe(true);
  });

  it.each<[string, (s: OrderStatus) => OrderStatus]>([
    ["a condition message", (s) => ({ ...s, conditions: s.conditions!.map((c, i) => (i === 0 ? { ...c, message: "other" } : c)) })],
    ["a lastTransitionTime", (s) => ({ ...s, conditions: s.conditions!.map((c, i) => (i === 1 ? { ...c, lastTransitionTime: "2030-01-01T00:00:00Z" } : c)) })],
    ["a condition dropped", (s) => ({ ...s, conditions: s.conditions!.slice(1) })],
    ["the address order", (s) => ({ ...s, ipAddresses: ["203.0.113.1", ...(s.ipAddresses ?? [])] })],
    ["the phase", (s) => ({ ...s, phase: "Failed" })],
    ["a reference", (s) => ({ ...s, virtualMachineReference: { namespace: "x", kubeVirtVirtualMachineName: "vm-x7k2q" } })],
  ])("GIVEN %s changed THEN not equal", (_what, change) => {
    expect(statusEqual(status, change(status))).toBe(false);
  });
});

describe("toDatabaseRow", () => {
  it("GIVEN a Ready order THEN the row carries uid, fulfillment id, READY, POWERED_ON, addresses, conditions, versions and the ordering key", () => {
    const status = computeOrderStatus(input);
    const observedAt = new Date("2025-12-01T10:00:00.123Z");
    expect(toDatabaseRow(order, status, { resourceVersion: "48213", observedAt, virtualMachine: input.virtualMachine! })).toEqual({
      orderUid: order.uid,
      virtualMachineUuid: order.orderUuid,
      namespace: "cloudkit-vm-orders",
      name: "vm-x7k2q",
      state: "READY",
      powerStatus: "POWERED_ON",
      ipAddresses: ["192.0.2.10"],
      conditions: status.conditions,
      desiredConfigVersion: V1,
      reconciledConfigVersion: V1,
      resourceVersion: "48213",
      observedGeneration: 2,
      observedAt,
    });
  });

  it("GIVEN an order without fulfillment id, versions or addresses THEN nulls and an empty list", () => {
    const { orderUuid: _none, desiredConfigVersion: _no, ...bare } = order;
    const status = computeOrderStatus({ ...input, order: bare, children: [], service: {} });
    const row = toDatabaseRow(bare, status, { resourceVersion: "1", observedAt: NOW });
    expect(row).toMatchObject({ virtualMachineUuid: null, desiredConfigVersion: null, reconciledConfigVersion: null, ipAddresses: [], powerStatus: "STARTING" });
  });

  it.each<[string, string | undefined, boolean, boolean, string]>([
    ["deleting, VM still there", "2025-12-01T11:00:00Z", true, true, "DELETING"],
    ["deleting, VM gone", "2025-12-01T11:00:00Z", true, false, "DELETED"],
    ["accepted, VM not created yet", undefined, true, false, "STARTING"],
    ["refused, no VM", undefined, false, false, "POWERED_OFF"],
    ["VM Paused", undefined, true, true, "SUSPENDED"],
  ])("power status: %s → %s", (_what, deletionTimestamp, accepted, vmExists, expected) => {
    const vm = vmExists ? { printableStatus: "Paused" } : undefined;
    expect(powerStatusOf(deletionTimestamp ? { deletionTimestamp } : {}, accepted, vm)).toBe(expected);
  });
});

describe("toConditionReason", () => {
  it.each([
    ["DataVolumeFailed", "DataVolumeFailed"],
    ["invalid template parameters", "InvalidTemplateParameters"],
    ["cdi: spec-immutable!", "CdiSpecImmutable"],
    ["404 not found", "Reason404NotFound"],
  ])("%j → %j", (text, reason) => {
    expect(toConditionReason(text)).toBe(reason);
  });
});
