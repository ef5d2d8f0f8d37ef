import { describe, expect, it } from "vitest";
import { predictRestart, type RestartInput } from "../../../src/migration/restart/restart-predictor.ts";
import { chooseRolloutStrategy } from "../../../src/migration/restart/rollout-strategy.ts";

/** The role's VM template spec (PARITY.md), with changes applied on top. */
function roleSpec(change: (spec: any) => void = () => {}): any {
  const spec: any = {
    domain: {
      cpu: { cores: 2 },
      memory: { guest: "2Gi" },
      devices: {
        disks: [
          { name: "root-disk", disk: { bus: "virtio" } },
          { name: "cloud-init-disk", disk: { bus: "virtio" }, serial: "cloud-init" },
        ],
        interfaces: [{ name: "default", masquerade: {} }],
        rng: {},
      },
      features: { smm: { enabled: true }, acpi: {}, apic: {}, hyperv: { relaxed: {}, vapic: {}, spinlocks: { spinlocks: 8191 } } },
    },
    networks: [{ name: "default", pod: {} }],
    volumes: [
      { name: "root-disk", dataVolume: { name: "vm-root-disk" } },
      { name: "cloud-init-disk", cloudInitNoCloud: { secretRef: { name: "vm-cloud-init" } } },
    ],
  };
  change(spec);
  return spec;
}

const hotplugVolume = { name: "data", dataVolume: { name: "vm-data", hotpluggable: true } };
const hotplugDisk = { name: "data", disk: { bus: "scsi" } };
const secondary = { name: "blue", bridge: {} };
const secondaryNetwork = { name: "blue", multus: { networkName: "blue-net" } };

type Row = [string, (spec: any) => void, RestartInput["strategy"], boolean, string[], RestartInput["instance"]?];

const ROWS: Row[] = [
  ["no change", () => {}, "Stage", false, []],
  ["cpu cores, LiveUpdate", (s) => (s.domain.cpu.cores = 4), "LiveUpdate", true, ["spec.template.spec.domain.cpu.cores"]],
  ["cpu cores, Stage", (s) => (s.domain.cpu.cores = 4), "Stage", true, ["spec.template.spec.domain.cpu.cores"]],
  ["cpu sockets, LiveUpdate", (s) => (s.domain.cpu.sockets = 2), "LiveUpdate", false, []],
  ["cpu sockets, Stage", (s) => (s.domain.cpu.sockets = 2), "Stage", true, ["spec.template.spec.domain.cpu.sockets"]],
  ["cpu sockets above maxSockets, LiveUpdate", (s) => (s.domain.cpu.sockets = 8), "LiveUpdate", true, ["spec.template.spec.domain.cpu.sockets"], { maxSockets: 4 }],
  ["memory growth, LiveUpdate, no VMI details", (s) => (s.domain.memory.guest = "4Gi"), "LiveUpdate", false, []],
  ["memory growth, LiveUpdate, within maxGuest", (s) => (s.domain.memory.guest = "4Gi"), "LiveUpdate", false, [], { maxGuest: "8Gi", liveMigratable: true }],
  ["memory growth, LiveUpdate, above maxGuest", (s) => (s.domain.memory.guest = "16Gi"), "LiveUpdate", true, ["spec.template.spec.domain.memory.guest"], { maxGuest: "8Gi", liveMigratable: true }],
  ["memory shrink below boot, LiveUpdate", (s) => (s.domain.memory.guest = "1Gi"), "LiveUpdate", true, ["spec.template.spec.domain.memory.guest"], { maxGuest: "8Gi", guestAtBoot: "2Gi", liveMigratable: true }],
  ["memory growth, LiveUpdate, VMI without maxGuest", (s) => (s.domain.memory.guest = "4Gi"), "LiveUpdate", true, ["spec.template.spec.domain.memory.guest"], { liveMigratable: true }],
  ["memory growth, LiveUpdate, VMI not migratable", (s) => (s.domain.memory.guest = "4Gi"), "LiveUpdate", true, ["spec.template.spec.domain.memory.guest"], { maxGuest: "8Gi", liveMigratable: false }],
  ["memory growth, Stage", (s) => (s.domain.memory.guest = "4Gi"), "Stage", true, ["spec.template.spec.domain.memory.guest"]],
  ["nodeSelector, LiveUpdate", (s) => (s.nodeSelector = { zone: "a" }), "LiveUpdate", false, []],
  ["tolerations and affinity, LiveUpdate", (s) => ((s.tolerations = [{ key: "k", operator: "Exists" }]), (s.affinity = { nodeAffinity: {} })), "LiveUpdate", false, []],
  ["nodeSelector, Stage", (s) => (s.nodeSelector = { zone: "a" }), "Stage", true, ['spec.template.spec.nodeSelector']],
  ["hotplug volume and disk added, Stage", (s) => (s.volumes.push(hotplugVolume), s.domain.devices.disks.push(hotplugDisk)), "Stage", false, []],
  ["root disk volume changed", (s) => (s.volumes[0].dataVolume.name = "other"), "LiveUpdate", true, ["spec.template.spec.volumes[0].dataVolume.name"]],
  ["cloud-init disk bus changed", (s) => (s.domain.devices.disks[1].disk.bus = "sata"), "LiveUpdate", true, ["spec.template.spec.domain.devices.disks[1].disk.bus"]],
  ["plain volume added", (s) => s.volumes.push({ name: "scratch", emptyDisk: { capacity: "1Gi" } }), "LiveUpdate", true, ["spec.template.spec.volumes[2]"]],
  ["secondary bridge interface plugged", (s) => (s.domain.devices.interfaces.push(secondary), s.networks.push(secondaryNetwork)), "LiveUpdate", false, []],
  ["pod network interface binding changed", (s) => (s.domain.devices.interfaces[0] = { name: "default", bridge: {} }), "LiveUpdate", true, ["spec.template.spec.domain.devices.interfaces[0].bridge", "spec.template.spec.domain.devices.interfaces[0].masquerade"]],
  ["features changed", (s) => (s.domain.features.smm.enabled = false), "LiveUpdate", true, ["spec.template.spec.domain.features.smm.enabled"]],
  ["firmware uuid set to the VMI's", (s) => (s.domain.firmware = { uuid: "11111111-2222-3333-4444-555555555555" }), "Stage", false, [], { firmwareUuid: "11111111-2222-3333-4444-555555555555" }],
  ["firmware uuid set to another", (s) => (s.domain.firmware = { uuid: "11111111-2222-3333-4444-555555555555" }), "Stage", true, ["spec.template.spec.domain.firmware"], { firmwareUuid: "99999999-2222-3333-4444-555555555555" }],
];

describe("predictRestart (KubeVirt's syncRestartRequired)", () => {
  it.each(ROWS)("GIVEN %s THEN restart is as KubeVirt decides", (_name, change, strategy, restart, restartingPaths, instance) => {
    const prediction = predictRestart({ current: roleSpec(), next: roleSpec(change), strategy, ...(instance ? { instance } : {}) });
    expect(prediction.restartRequired).toBe(restart);
    expect(prediction.changes.filter((c) => c.restarts).map((c) => c.path)).toEqual(restartingPaths);
    if (!restart) expect(prediction.changes.every((c) => !c.restarts && c.rule.length > 0)).toBe(true);
  });

  it("names the rule of every change", () => {
    const prediction = predictRestart({ current: roleSpec(), next: roleSpec((s) => ((s.domain.cpu.cores = 4), (s.domain.memory.guest = "4Gi"))), strategy: "LiveUpdate" });
    expect(prediction.changes).toEqual([
      { path: "spec.template.spec.domain.cpu.cores", restarts: true, rule: "not live-updatable" },
      { path: "spec.template.spec.domain.memory.guest", restarts: false, rule: "memory hotplug (LiveUpdate)" },
    ]);
  });

  it("does not change its inputs", () => {
    const current = roleSpec();
    const next = roleSpec((s) => (s.domain.memory.guest = "4Gi"));
    const before = structuredClone([current, next]);
    predictRestart({ current, next, strategy: "LiveUpdate" });
    expect([current, next]).toEqual(before);
  });
});

describe("chooseRolloutStrategy", () => {
  it.each([
    ["the flag wins", "LiveUpdate", [{ spec: { configuration: { vmRolloutStrategy: "Stage" } } }], "LiveUpdate", "--rollout-strategy"],
    ["the CR's setting", undefined, [{ metadata: { namespace: "kubevirt", name: "kubevirt" }, spec: { configuration: { vmRolloutStrategy: "LiveUpdate" } } }], "LiveUpdate", "KubeVirt kubevirt/kubevirt spec.configuration.vmRolloutStrategy"],
    ["v1.6 default", undefined, [{ metadata: { namespace: "kubevirt", name: "kubevirt" }, status: { observedKubeVirtVersion: "v1.6.2" } }], "LiveUpdate", "KubeVirt kubevirt/kubevirt sets no vmRolloutStrategy: the default of KubeVirt v1.6.2"],
    ["v1.5 default", undefined, [{ metadata: { namespace: "kubevirt", name: "kubevirt" }, status: { observedKubeVirtVersion: "v1.5.0" } }], "Stage", "KubeVirt kubevirt/kubevirt sets no vmRolloutStrategy: the default of KubeVirt v1.5.0"],
    ["no CR", undefined, [], "Stage", "no KubeVirt CR on the cluster: assumed Stage (predicts the most restarts)"],
    ["no API", undefined, undefined, "Stage", "the cluster serves no KubeVirt API: assumed Stage (predicts the most restarts)"],
  ] as const)("GIVEN %s THEN the strategy and its source are reported", (_name, flag, kubevirts, strategy, source) => {
    expect(chooseRolloutStrategy(flag, kubevirts as never)).toEqual({ strategy, source });
  });
});
