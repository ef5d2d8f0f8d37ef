import { describe, expect, it } from "vitest";
import { hubUnreachableStatus, withHubReachable } from "../../../../src/controller/hubs/hub-order-status.ts";
import type { OrderStatus } from "../../../../src/controller/status/index.ts";

const T0 = new Date("2026-01-01T10:00:00Z");
const T1 = new Date("2026-01-01T10:05:00Z");
const READY: OrderStatus = {
  phase: "Ready",
  ipAddresses: ["10.0.0.7"],
  desiredConfigVersion: "abc",
  reconciledConfigVersion: "abc",
  conditions: [
    { type: "Accepted", status: "True", reason: "Valid", message: "", lastTransitionTime: "2026-01-01T09:00:00Z", observedGeneration: 1 },
    { type: "Available", status: "True", reason: "Running", message: "", lastTransitionTime: "2026-01-01T09:00:00Z", observedGeneration: 1 },
  ],
};

describe("HubReachable", () => {
  it("GIVEN a Ready order whose hub goes away THEN phase Unknown, HubReachable=False appended, every other field kept", () => {
    const status = hubUnreachableStatus(READY, { status: "False", reason: "HubUnreachable", message: "hub 'b' is not reachable (Unreachable: ECONNREFUSED)" }, 1, T0);
    expect(status).toEqual({
      ...READY,
      phase: "Unknown",
      conditions: [
        ...READY.conditions!,
        { type: "HubReachable", status: "False", reason: "HubUnreachable", message: "hub 'b' is not reachable (Unreachable: ECONNREFUSED)", lastTransitionTime: "2026-01-01T10:00:00Z", observedGeneration: 1 },
      ],
    });
  });

  it("GIVEN the condition already False THEN a later write keeps its lastTransitionTime; True again moves it, in place", () => {
    const down = hubUnreachableStatus(READY, { status: "False", reason: "HubUnreachable", message: "x" }, 1, T0);
    expect(hubUnreachableStatus(down, { status: "False", reason: "HubUnreachable", message: "x" }, 1, T1)).toEqual(down);
    const up = withHubReachable({ ...down, phase: "Ready" }, { status: "True", reason: "Watching", message: "watching hub 'b'" }, 2, T1);
    expect(up.conditions!.map((c) => c.type)).toEqual(["Accepted", "Available", "HubReachable"]);
    expect(up.conditions![2]).toMatchObject({ status: "True", lastTransitionTime: "2026-01-01T10:05:00Z", observedGeneration: 2 });
  });

  it("GIVEN an order never observed THEN the unreachable status holds just the phase and the condition", () => {
    expect(hubUnreachableStatus(undefined, { status: "False", reason: "HubNotRegistered", message: "hub 'z' is not registered" }, 1, T0)).toEqual({
      phase: "Unknown",
      conditions: [{ type: "HubReachable", status: "False", reason: "HubNotRegistered", message: "hub 'z' is not registered", lastTransitionTime: "2026-01-01T10:00:00Z", observedGeneration: 1 }],
    });
  });
});
