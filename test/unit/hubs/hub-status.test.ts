import { describe, expect, it } from "vitest";
import { hubStatus, hubStatusEqual } from "../../../src/hubs/hub-status.ts";

const GiB = 1024 ** 3;
const probed = { reachable: true, reason: "Probed", message: "answered" } as const;
const down = { reachable: false, reason: "Unreachable", message: "refused the connection" } as const;

describe("hubStatus", () => {
  it("GIVEN a first probe THEN Reachable, lastProbeTime, allocated and observedGeneration are written", () => {
    const status = hubStatus({ generation: 3, previous: undefined, probe: { result: probed, at: "2026-01-01T00:00:00Z" }, allocated: { vms: 2, vcpus: 6, memoryBytes: 10 * GiB } });
    expect(status).toEqual({
      observedGeneration: 3,
      lastProbeTime: "2026-01-01T00:00:00Z",
      allocated: { vms: 2, vcpus: 6, memory: "10Gi" },
      conditions: [{ type: "Reachable", status: "True", reason: "Probed", message: "answered", lastTransitionTime: "2026-01-01T00:00:00Z", observedGeneration: 3 }],
    });
  });

  it("GIVEN the same status probed again later THEN lastTransitionTime stays, lastProbeTime moves", () => {
    const first = hubStatus({ generation: 1, previous: undefined, probe: { result: probed, at: "2026-01-01T00:00:00Z" }, allocated: { vms: 0, vcpus: 0, memoryBytes: 0 } });
    const second = hubStatus({ generation: 1, previous: first, probe: { result: { ...probed, message: "answered again" }, at: "2026-01-01T00:00:30Z" }, allocated: { vms: 0, vcpus: 0, memoryBytes: 0 } });
    expect(second.conditions![0]!.lastTransitionTime).toBe("2026-01-01T00:00:00Z");
    expect(second.lastProbeTime).toBe("2026-01-01T00:00:30Z");
    const third = hubStatus({ generation: 1, previous: second, probe: { result: down, at: "2026-01-01T00:01:00Z" }, allocated: { vms: 0, vcpus: 0, memoryBytes: 0 } });
    expect(third.conditions![0]).toMatchObject({ status: "False", reason: "Unreachable", lastTransitionTime: "2026-01-01T00:01:00Z" });
  });

  it("GIVEN no probe yet by this process THEN the previous condition and probe time are kept, the allocation updated", () => {
    const previous = hubStatus({ generation: 1, previous: undefined, probe: { result: down, at: "2026-01-01T00:00:00Z" }, allocated: { vms: 0, vcpus: 0, memoryBytes: 0 } });
    const status = hubStatus({ generation: 2, previous, probe: undefined, allocated: { vms: 1, vcpus: 2, memoryBytes: 2 * GiB } });
    expect(status.conditions).toEqual(previous.conditions);
    expect(status.lastProbeTime).toBe("2026-01-01T00:00:00Z");
    expect(status.allocated).toEqual({ vms: 1, vcpus: 2, memory: "2Gi" });
  });

  it("GIVEN statuses differing only in condition order or absent observedGeneration THEN they are equal; any value change is not", () => {
    const status = hubStatus({ generation: 1, previous: undefined, probe: { result: probed, at: "2026-01-01T00:00:00Z" }, allocated: { vms: 0, vcpus: 0, memoryBytes: 0 } });
    const other = { type: "Other", status: "True" as const, reason: "R", message: "m", lastTransitionTime: "2026-01-01T00:00:00Z" };
    expect(hubStatusEqual({ ...status, conditions: [other, ...status.conditions!] }, { ...status, conditions: [...status.conditions!, other] })).toBe(true);
    expect(hubStatusEqual(status, { ...status, allocated: { vms: 1, vcpus: 0, memory: "0" } })).toBe(false);
    expect(hubStatusEqual(undefined, status)).toBe(false);
  });
});
