import { describe, expect, it } from "vitest";
import {
  PRINTABLE_STATUSES,
  computeOrderStatus,
  findCondition,
  fulfillmentStateFor,
  mapPrintableStatus,
  operatorPhaseFor,
  powerStatusFor,
  toDatabaseRow,
  type OrderStatusInput,
} from "../../../src/controller/status/index.ts";

const VERSION = "1235a48e65b9b809";
const NOW = new Date("2025-12-01T10:00:00Z");

/** A fully reconciled order whose KubeVirt VM reports `printableStatus`. */
function reconciled(printableStatus: string, previousPhase?: "Ready" | "Progressing"): OrderStatusInput {
  return {
    order: { name: "vm-x7k2q", namespace: "cloudkit-vm-orders", uid: "uid-1", generation: 1, desiredConfigVersion: VERSION, tenant: "my-tenant" },
    acceptance: { accepted: true },
    children: ["Secret", "DataVolume", "VirtualMachine", "Service"].map((kind) => ({ kind, name: kind.toLowerCase(), exists: true, configVersion: VERSION })),
    virtualMachine: { printableStatus, ready: printableStatus === "Running" || printableStatus === "Migrating" },
    ...(previousPhase ? { previous: { phase: previousPhase } } : {}),
    now: NOW,
  };
}

// Written out by hand from PARITY.md ("Status mapping references") and ADR 0008, not derived from
// the implementation's table: a change to either must be deliberate.
// [printableStatus, operator phase, power status, order phase, fulfillment state, Degraded]
const TABLE: [string, string | undefined, string, string, string, string][] = [
  ["Stopped", "stopped", "POWERED_OFF", "Progressing", "PROGRESSING", "False"],
  ["Provisioning", "starting", "STARTING", "Progressing", "PROGRESSING", "False"],
  ["Starting", "starting", "POWERING_ON", "Progressing", "PROGRESSING", "False"],
  ["Running", "running", "POWERED_ON", "Ready", "READY", "False"],
  ["Paused", "paused", "SUSPENDED", "Progressing", "PROGRESSING", "False"],
  ["Stopping", "stopping", "POWERING_OFF", "Progressing", "PROGRESSING", "False"],
  ["Terminating", "failed", "POWERING_OFF", "Progressing", "PROGRESSING", "False"],
  ["CrashLoopBackOff", "failed", "ERROR", "Failed", "FAILED", "True"],
  ["Migrating", "running", "POWERED_ON", "Ready", "READY", "False"],
  ["Unknown", undefined, "UNKNOWN", "Progressing", "PROGRESSING", "False"],
  ["ErrorUnschedulable", "starting", "ERROR", "Failed", "FAILED", "True"],
  ["ErrImagePull", "failed", "ERROR", "Failed", "FAILED", "True"],
  ["ImagePullBackOff", "failed", "ERROR", "Failed", "FAILED", "True"],
  ["ErrorPvcNotFound", "failed", "ERROR", "Failed", "FAILED", "True"],
  ["DataVolumeError", "failed", "ERROR", "Failed", "FAILED", "True"],
  ["WaitingForVolumeBinding", "starting", "STARTING", "Progressing", "PROGRESSING", "False"],
  ["WaitingForReceiver", "running", "STARTING", "Progressing", "PROGRESSING", "False"],
];

describe("printableStatus mapping", () => {
  it("THEN the table covers every KubeVirt printableStatus", () => {
    expect(TABLE.map(([status]) => status).sort()).toEqual([...PRINTABLE_STATUSES].sort());
  });

  it.each(TABLE)(
    "GIVEN a reconciled order whose VM is %s THEN operator %s, power %s, phase %s, fulfillment %s, Degraded %s",
    (printable, operatorPhase, power, phase, state, degraded) => {
      expect(operatorPhaseFor(printable)).toBe(operatorPhase);
      expect(powerStatusFor(printable)).toBe(power);
      const input = reconciled(printable);
      const status = computeOrderStatus(input);
      expect(status.phase).toBe(phase);
      expect(fulfillmentStateFor(status.phase!)).toBe(state);
      expect(findCondition(status.conditions, "Degraded")?.status).toBe(degraded);
      const row = toDatabaseRow({ ...input.order, uid: "uid-1" }, status, { resourceVersion: "1", observedAt: NOW, virtualMachine: input.virtualMachine! });
      expect({ state: row.state, powerStatus: row.powerStatus }).toEqual({ state, powerStatus: power });
    },
  );

  it("GIVEN Running or Migrating but not yet ready THEN the order is still Progressing (Available=False VirtualMachineNotReady)", () => {
    for (const printable of ["Running", "Migrating"]) {
      const status = computeOrderStatus({ ...reconciled(printable), virtualMachine: { printableStatus: printable, ready: false } });
      expect(status.phase).toBe("Progressing");
      expect(findCondition(status.conditions, "Available")).toMatchObject({ status: "False", reason: "VirtualMachineNotReady" });
    }
  });

  it("GIVEN Unknown THEN the operator keeps its previous phase and a Ready order stays Ready with Available=Unknown", () => {
    expect(operatorPhaseFor("Unknown", "running")).toBe("running");
    expect(operatorPhaseFor("", "paused")).toBe("paused");
    expect(operatorPhaseFor(undefined)).toBeUndefined();
    const status = computeOrderStatus(reconciled("Unknown", "Ready"));
    expect(status.phase).toBe("Ready");
    expect(findCondition(status.conditions, "Available")).toMatchObject({ status: "Unknown", reason: "StatusUnknown" });
    expect(computeOrderStatus(reconciled("Unknown", "Progressing")).phase).toBe("Progressing");
  });

  it("GIVEN a printableStatus newer than the table THEN it is an error, as the operator treats it", () => {
    expect(mapPrintableStatus("ErrorSomethingNew")).toEqual({ operatorPhase: "failed", powerStatus: "ERROR", orderPhase: "Failed", fault: true });
    const status = computeOrderStatus(reconciled("ErrorSomethingNew"));
    expect(status.phase).toBe("Failed");
    expect(findCondition(status.conditions, "Degraded")).toMatchObject({ status: "True", reason: "ErrorSomethingNew" });
  });

  it("GIVEN a VM without status yet THEN power STARTING, operator phase kept, order Progressing (StatusNotReported)", () => {
    expect(mapPrintableStatus(undefined)).toMatchObject({ operatorPhase: "keep", powerStatus: "STARTING", fault: false });
    const status = computeOrderStatus({ ...reconciled("Running"), virtualMachine: {} });
    expect(status.phase).toBe("Progressing");
    expect(findCondition(status.conditions, "Progressing")).toMatchObject({ status: "True", reason: "StatusNotReported" });
  });

  it("THEN fulfillment states follow the phase; Deleting is still in progress", () => {
    expect(["Progressing", "Ready", "Failed", "Deleting"].map((phase) => fulfillmentStateFor(phase as never))).toEqual([
      "PROGRESSING",
      "READY",
      "FAILED",
      "PROGRESSING",
    ]);
  });
});
