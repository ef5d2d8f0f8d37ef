// The SSVirt controller's parts without I/O: the database gate, the VDC directory, the cache
// projections and the configuration.
import { describe, expect, it, vi } from "vitest";
import { pino } from "pino";
import { parseSsvirtControllerConfig, describeSsvirtControllerConfigErrors } from "../../../src/ssvirt/controller/config.ts";
import { DatabaseGate } from "../../../src/ssvirt/controller/database-gate.ts";
import { slimService, slimVirtualMachine, slimVirtualMachineInstance } from "../../../src/ssvirt/controller/projections.ts";
import { VdcDirectory } from "../../../src/ssvirt/controller/vdc-directory.ts";
import { view } from "./support.ts";

const logger = pino({ level: "silent" });

describe("The database gate", () => {
  it("GIVEN writes that failed WHEN the probe fails, then succeeds THEN the gate opens once and hands every waiting key back once", async () => {
    vi.useFakeTimers();
    try {
      let up = false;
      const probes: boolean[] = [];
      const released: string[][] = [];
      const changes: [boolean, number][] = [];
      const gate = new DatabaseGate({
        probe: async () => {
          probes.push(up);
          if (!up) throw new Error("ECONNREFUSED");
        },
        release: (keys) => released.push([...keys]),
        logger,
        onChange: (open, waiting) => changes.push([open, waiting]),
        initialDelayMs: 100,
        maxDelayMs: 400,
      });
      expect(gate.open).toBe(true);
      gate.hold("ns/a", new Error("down"));
      gate.hold("ns/b");
      gate.hold("ns/a");
      expect(gate.open).toBe(false);
      expect(gate.waitingCount).toBe(2);
      await vi.advanceTimersByTimeAsync(100 + 200 + 400);
      expect(probes).toEqual([false, false, false]);
      up = true;
      await vi.advanceTimersByTimeAsync(400);
      expect(gate.open).toBe(true);
      expect(released).toEqual([["ns/a", "ns/b"]]);
      expect(changes.at(-1)).toEqual([true, 0]);
      await vi.advanceTimersByTimeAsync(5_000);
      expect(probes).toHaveLength(4);
      gate.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("The VDC directory", () => {
  it("GIVEN successive readings THEN it names the namespaces that appeared, changed or went, and knows deleted ones", () => {
    const directory = new VdcDirectory();
    expect(directory.isLoaded).toBe(false);
    const a = view({ id: "urn:vcloud:vdc:a", namespace: "vdc-a" });
    const b = view({ id: "urn:vcloud:vdc:b", namespace: "vdc-b" });
    expect(directory.update([a, b]).changed).toEqual(["vdc-a", "vdc-b"]);
    expect(directory.update([a, b]).changed).toEqual([]);
    const disabled = view({ id: "urn:vcloud:vdc:a", namespace: "vdc-a", isEnabled: false });
    const deleted = view({ id: "urn:vcloud:vdc:b", namespace: "vdc-b", deletedAt: new Date("2025-01-01T00:00:00Z") });
    expect(directory.update([disabled, deleted]).changed).toEqual(["vdc-a", "vdc-b"]);
    expect(directory.entry("vdc-b")).toMatchObject({ kind: "deleted", vdcIds: ["b"] });
    expect(directory.has("vdc-b")).toBe(true);
    expect(directory.counts()).toEqual({ enabled: 0, disabled: 1, deleted: 1 });
    expect(directory.update([disabled]).changed).toEqual(["vdc-b"]);
    expect(directory.has("vdc-b")).toBe(false);
    const broken = view({ id: "urn:vcloud:vdc:c", namespace: "" });
    expect(directory.update([disabled, broken]).problemsChanged).toBe(true);
    expect(directory.problems).toHaveLength(1);
  });
});

describe("What the caches keep", () => {
  const managedFields = [{ manager: "kubectl" }];
  it("GIVEN a KubeVirt VM THEN only its labels, OS annotation, run intent, CPU and memory, and printableStatus are kept", () => {
    const slim = slimVirtualMachine({
      apiVersion: "kubevirt.io/v1",
      kind: "VirtualMachine",
      metadata: { name: "vm", namespace: "ns", uid: "u", resourceVersion: "7", labels: { a: "b" }, annotations: { "vm.kubevirt.io/os": "rhel9", huge: "x".repeat(1000) }, managedFields } as never,
      spec: { runStrategy: "Always", template: { spec: { domain: { cpu: { cores: 2 }, memory: { guest: "2Gi" }, devices: { disks: [{ name: "root" }] } }, volumes: [{ name: "root" }] } } },
      status: { printableStatus: "Running", conditions: [{ type: "Ready" }] },
    });
    expect(slim).toEqual({
      apiVersion: "kubevirt.io/v1",
      kind: "VirtualMachine",
      metadata: { name: "vm", namespace: "ns", uid: "u", resourceVersion: "7", labels: { a: "b" }, annotations: { "vm.kubevirt.io/os": "rhel9" } },
      spec: { runStrategy: "Always", template: { spec: { domain: { cpu: { cores: 2 }, memory: { guest: "2Gi" }, resources: { requests: { memory: undefined } } } } } },
      status: { printableStatus: "Running" },
    });
  });

  it("GIVEN a VMI and Services THEN the VMI keeps its data and owner, a LoadBalancer its ports, any other Service only its type", () => {
    const vmi = slimVirtualMachineInstance({
      apiVersion: "kubevirt.io/v1",
      kind: "VirtualMachineInstance",
      metadata: { name: "vm", namespace: "ns", ownerReferences: [{ apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", name: "vm", uid: "u" }] } as never,
      status: { phase: "Running", currentCPUTopology: { cores: 1 }, memory: { guestCurrent: "1Gi" }, guestOSInfo: { id: "fedora" }, interfaces: [{ ipAddress: "10.0.0.1" }] },
    });
    expect(vmi.status).toEqual({ currentCPUTopology: { cores: 1 }, memory: { guestCurrent: "1Gi" }, guestOSInfo: { id: "fedora" } });
    expect(vmi.metadata.ownerReferences).toHaveLength(1);
    const lb = slimService({ apiVersion: "v1", kind: "Service", metadata: { name: "s", namespace: "ns" }, spec: { type: "LoadBalancer", selector: { a: "b" }, ports: [{ name: "ssh", port: 22, targetPort: 22, protocol: "TCP", nodePort: 30001 }] } });
    expect(lb.spec).toEqual({ type: "LoadBalancer", ports: [{ port: 22, targetPort: 22, protocol: "TCP" }] });
    expect(slimService({ apiVersion: "v1", kind: "Service", metadata: { name: "s", namespace: "ns" }, spec: { type: "ClusterIP", ports: [{ port: 80 }] } }).spec).toEqual({ type: "ClusterIP" });
  });
});

describe("The SSVirt controller's configuration", () => {
  it("GIVEN no flags THEN the defaults: embedded database, 1 s polls, 5 min resync, both parts, Lease osac-vm-ssvirt", () => {
    const parsed = parseSsvirtControllerConfig({}, { POD_NAME: "pod-1", POD_NAMESPACE: "ops" });
    expect(parsed.success).toBe(true);
    expect(parsed.data).toMatchObject({
      dataDir: ".data-ssvirt",
      pollIntervalMs: 1000,
      resyncIntervalMs: 300000,
      applyNamespaces: true,
      vmStatus: true,
      metricsPort: 8081,
      leaderElection: { enabled: true, namespace: "ops", name: "osac-vm-ssvirt", identity: "pod-1" },
    });
    expect(parsed.data).not.toHaveProperty("databaseUrl");
  });

  it("GIVEN bad settings THEN each is named with what is accepted", () => {
    const parsed = parseSsvirtControllerConfig({ "poll-interval-ms": "120000", "metrics-port": "x", "apply-namespaces": false, "vm-status": false }, { SSVIRT_DATABASE_URL: "mysql://db" });
    expect(parsed.success).toBe(false);
    const lines = describeSsvirtControllerConfigErrors(parsed.error!);
    expect(lines.join("\n")).toMatch(/SSVIRT_DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(lines.join("\n")).toMatch(/--poll-interval-ms: must be at most 60000 ms/);
    expect(lines.join("\n")).toMatch(/--metrics-port/);
  });

  it("GIVEN --no-apply-namespaces and --no-vm-status together THEN it refuses: nothing would be left to do", () => {
    const parsed = parseSsvirtControllerConfig({ "apply-namespaces": false, "vm-status": false }, {});
    expect(parsed.success).toBe(false);
    expect(describeSsvirtControllerConfigErrors(parsed.error!)).toEqual(["--no-apply-namespaces / --no-vm-status: --no-apply-namespaces and --no-vm-status together leave nothing to do"]);
  });
});
