// The project's Argo CD health checks (examples/argocd/argocd-cm-health.yaml), state by state, in
// the reference Lua 5.1 interpreter: fast and exhaustive. health.test.ts proves them on Argo CD.
import { describe, expect, it } from "vitest";
import { projectHealthChecks } from "../../scripts/cluster/argocd.ts";
import { runHealthCheck } from "./support/lua.ts";

const checks = projectHealthChecks();
const VM = checks["resource.customizations.health.kubevirt.io_VirtualMachine"]!;
const DV = checks["resource.customizations.health.cdi.kubevirt.io_DataVolume"]!;
const ORDER = checks["resource.customizations.health.cloudkit.openshift.io_VirtualMachine"]!;

const vm = (spec: Record<string, unknown>, status?: Record<string, unknown>, generation = 1) => ({
  apiVersion: "kubevirt.io/v1",
  kind: "VirtualMachine",
  metadata: { name: "vm-a", namespace: "t", generation },
  spec: { template: { spec: {} }, ...spec },
  ...(status ? { status } : {}),
});
const ready = { type: "Ready", status: "True" };

describe("kubevirt.io/VirtualMachine", () => {
  it("GIVEN the three argocd-cm keys THEN each is a script", () => {
    expect(Object.keys(checks).sort()).toEqual([
      "resource.customizations.health.cdi.kubevirt.io_DataVolume",
      "resource.customizations.health.cloudkit.openshift.io_VirtualMachine",
      "resource.customizations.health.kubevirt.io_VirtualMachine",
    ]);
  });

  it.each(["ErrorUnschedulable", "CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff", "ErrorPvcNotFound", "DataVolumeError"])(
    "GIVEN printableStatus %s THEN Degraded with the printable status",
    (printable) => {
      expect(runHealthCheck(VM, vm({ runStrategy: "Always" }, { printableStatus: printable, created: true }))).toEqual({ status: "Degraded", message: printable });
    },
  );

  it("GIVEN ErrorUnschedulable with KubeVirt's PodScheduled message THEN the message names why", () => {
    const status = { printableStatus: "ErrorUnschedulable", conditions: [{ type: "Ready", status: "False", message: "" }, { type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes are available: 3 Insufficient memory." }] };
    expect(runHealthCheck(VM, vm({ runStrategy: "Always" }, status))).toEqual({ status: "Degraded", message: "ErrorUnschedulable: 0/3 nodes are available: 3 Insufficient memory." });
  });

  it.each([
    ["Always, no status yet", { runStrategy: "Always" }, undefined, "Progressing", "Waiting for KubeVirt to report the VirtualMachine's status"],
    ["Always, Starting", { runStrategy: "Always" }, { printableStatus: "Starting", created: true, conditions: [{ type: "Ready", status: "False" }] }, "Progressing", "Starting"],
    ["Always, Provisioning", { runStrategy: "Always" }, { printableStatus: "Provisioning" }, "Progressing", "Provisioning"],
    ["Always, WaitingForVolumeBinding", { runStrategy: "Always" }, { printableStatus: "WaitingForVolumeBinding" }, "Progressing", "WaitingForVolumeBinding"],
    ["Always, Stopped (about to start)", { runStrategy: "Always" }, { printableStatus: "Stopped" }, "Progressing", "Stopped"],
    ["Always, Running and Ready", { runStrategy: "Always" }, { printableStatus: "Running", ready: true, created: true, conditions: [ready] }, "Healthy", "Running"],
    ["Always, Migrating and Ready", { runStrategy: "Always" }, { printableStatus: "Migrating", created: true, conditions: [ready] }, "Healthy", "Migrating"],
    ["Halted, no status yet", { runStrategy: "Halted" }, undefined, "Healthy", "Stopped as declared (runStrategy Halted)"],
    ["Halted, Stopped", { runStrategy: "Halted" }, { printableStatus: "Stopped", conditions: [{ type: "Ready", status: "False" }] }, "Healthy", "Stopped as declared (runStrategy Halted)"],
    ["Halted, still Stopping", { runStrategy: "Halted" }, { printableStatus: "Stopping", created: true }, "Progressing", "Stopping (runStrategy Halted)"],
    ["running: false, Stopped", { running: false }, { printableStatus: "Stopped" }, "Healthy", "Stopped as declared (runStrategy Halted)"],
    ["Manual, Stopped", { runStrategy: "Manual" }, { printableStatus: "Stopped" }, "Healthy", "Stopped (runStrategy Manual: started on request)"],
    ["Manual, Running", { runStrategy: "Manual" }, { printableStatus: "Running", created: true, ready: true, conditions: [ready] }, "Healthy", "Running"],
    ["Manual, Starting", { runStrategy: "Manual" }, { printableStatus: "Starting", created: true }, "Progressing", "Starting"],
    ["Always, Paused", { runStrategy: "Always" }, { printableStatus: "Paused", created: true, conditions: [ready, { type: "Paused", status: "True" }] }, "Suspended", "Paused"],
  ] as const)("GIVEN %s THEN %s", (_name, spec, status, expected, message) => {
    expect(runHealthCheck(VM, vm(spec, status))).toEqual({ status: expected, message });
  });

  it("GIVEN KubeVirt has not observed the latest generation THEN Progressing, even if it was Ready or failing", () => {
    const stale = { printableStatus: "Running", ready: true, conditions: [ready], observedGeneration: 1, desiredGeneration: 2 };
    expect(runHealthCheck(VM, vm({ runStrategy: "Always" }, stale, 2))).toEqual({ status: "Progressing", message: "Waiting for KubeVirt to observe generation 2 (observed 1)" });
    expect(runHealthCheck(VM, vm({ runStrategy: "Always" }, { ...stale, printableStatus: "CrashLoopBackOff" }, 2)).status).toBe("Progressing");
    expect(runHealthCheck(VM, vm({ runStrategy: "Always" }, { ...stale, observedGeneration: 2 }, 2)).status).toBe("Healthy");
  });
});

const dv = (status?: Record<string, unknown>) => ({ apiVersion: "cdi.kubevirt.io/v1beta1", kind: "DataVolume", metadata: { name: "vm-a-root-disk" }, spec: {}, ...(status ? { status } : {}) });

describe("cdi.kubevirt.io/DataVolume", () => {
  it.each([
    ["no status yet", undefined, "Progressing", "Waiting for CDI to report the DataVolume's status"],
    ["Succeeded", { phase: "Succeeded", progress: "100.0%" }, "Healthy", "Succeeded"],
    ["WaitForFirstConsumer", { phase: "WaitForFirstConsumer", progress: "N/A" }, "Healthy", "WaitForFirstConsumer: binds when its VirtualMachine starts (WaitForFirstConsumer storage class)"],
    ["PendingPopulation (populators on a WaitForFirstConsumer class)", { phase: "PendingPopulation" }, "Healthy", "PendingPopulation: binds when its VirtualMachine starts (WaitForFirstConsumer storage class)"],
    ["ImportScheduled", { phase: "ImportScheduled", progress: "N/A" }, "Progressing", "ImportScheduled"],
    ["ImportInProgress", { phase: "ImportInProgress", progress: "45.00%" }, "Progressing", "ImportInProgress 45.00%"],
    ["Failed", { phase: "Failed" }, "Degraded", "Failed"],
    ["Unknown", { phase: "Unknown" }, "Degraded", "Unknown"],
    ["Paused", { phase: "Paused" }, "Suspended", "Paused"],
    [
      "an importer error (Running=False, reason Error)",
      { phase: "ImportInProgress", conditions: [{ type: "Running", status: "False", reason: "Error", message: "Unable to connect to http data source" }] },
      "Degraded",
      "ImportInProgress: Unable to connect to http data source",
    ],
  ] as const)("GIVEN %s THEN %s", (_name, status, expected, message) => {
    expect(runHealthCheck(DV, dv(status))).toEqual({ status: expected, message });
  });
});

const condition = (type: string, status: string, reason: string, message = "", observedGeneration = 1) => ({ type, status, reason, message, observedGeneration, lastTransitionTime: "2026-01-01T00:00:00Z" });
const order = (status?: Record<string, unknown>, generation = 1) => ({
  apiVersion: "cloudkit.openshift.io/v1alpha1",
  kind: "VirtualMachine",
  metadata: { name: "vm-x7k2q", namespace: "orders", generation },
  spec: { templateID: "cloudkit.templates.ocp_virt_vm" },
  ...(status ? { status } : {}),
});
const readyConditions = (generation = 1) => [
  condition("Accepted", "True", "Accepted", "", generation),
  condition("Progressing", "False", "Reconciled", "", generation),
  condition("Available", "True", "VirtualMachineReady", "The VirtualMachine runs and is ready", generation),
  condition("Degraded", "False", "AsExpected", "", generation),
  condition("Deleting", "False", "NotRequested", "", generation),
];

describe("cloudkit.openshift.io/VirtualMachine (the order)", () => {
  it.each([
    ["no status yet", undefined, 1, "Progressing", "Waiting for the controller to report the order's status"],
    ["Ready and Available", { phase: "Ready", conditions: readyConditions() }, 1, "Healthy", "VirtualMachineReady: The VirtualMachine runs and is ready"],
    ["Ready for an older generation", { phase: "Ready", conditions: readyConditions(1) }, 2, "Progressing", "Waiting for the controller to observe generation 2 (status is for 1)"],
    [
      "Failed with Degraded=True",
      { phase: "Failed", conditions: [condition("Accepted", "True", "Accepted"), condition("Progressing", "False", "ErrorUnschedulable", "0/3 nodes"), condition("Available", "False", "NotReady"), condition("Degraded", "True", "ErrorUnschedulable", "0/3 nodes are available")] },
      1,
      "Degraded",
      "ErrorUnschedulable: 0/3 nodes are available",
    ],
    [
      "not accepted",
      { phase: "Failed", conditions: [condition("Accepted", "False", "InvalidParameters", "spec.templateParameters.cpu_cores: must be 1-128"), condition("Degraded", "False", "AsExpected")] },
      1,
      "Degraded",
      "InvalidParameters: spec.templateParameters.cpu_cores: must be 1-128",
    ],
    ["Failed without conditions", { phase: "Failed" }, 1, "Degraded", "Failed"],
    [
      "Progressing while children are created",
      { phase: "Progressing", conditions: [condition("Accepted", "True", "Accepted"), condition("Progressing", "True", "ChildrenMissing", "Missing: VirtualMachine vm-x7k2q"), condition("Degraded", "False", "AsExpected")] },
      1,
      "Progressing",
      "ChildrenMissing: Missing: VirtualMachine vm-x7k2q",
    ],
    ["Deleting", { phase: "Deleting", conditions: [condition("Degraded", "False", "AsExpected")] }, 1, "Progressing", "Deleting"],
    [
      "Ready, with another writer's condition from an old generation",
      { phase: "Ready", conditions: [...readyConditions(3), { type: "ExternalCheck", status: "True", reason: "Fine", message: "", observedGeneration: 1 }] },
      3,
      "Healthy",
      "VirtualMachineReady: The VirtualMachine runs and is ready",
    ],
  ] as const)("GIVEN %s THEN %s", (_name, status, generation, expected, message) => {
    expect(runHealthCheck(ORDER, order(status, generation))).toEqual({ status: expected, message });
  });
});
