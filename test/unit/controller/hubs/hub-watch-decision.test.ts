import { describe, expect, it } from "vitest";
import type { Hub } from "../../../../src/api/gitops/v1alpha1/hub.ts";
import { notWatchedMessage, planWatchSets } from "../../../../src/controller/hubs/hub-watch-decision.ts";
import { hubModel, type HubModel } from "../../../../src/hubs/hub-model.ts";

function hub(name: string, reachable: "True" | "False" | undefined, capabilities: Hub["spec"]["capabilities"] = ["virtualmachines"]): HubModel {
  return hubModel({
    apiVersion: "gitops.cloudkit.openshift.io/v1alpha1",
    kind: "Hub",
    metadata: { name },
    spec: { capabilities, kubeconfigSecretRef: { name: `${name}-kubeconfig` } },
    ...(reachable ? { status: { conditions: [{ type: "Reachable", status: reachable, reason: reachable === "True" ? "Probed" : "Unreachable", message: reachable === "True" ? "" : "connection refused", lastTransitionTime: "2026-01-01T00:00:00Z" }] } } : {}),
  });
}

describe("planWatchSets", () => {
  const versions = new Map([["a", "1"], ["b", "1"], ["c", "1"], ["d", "1"]]);
  const versionOf = (h: HubModel) => versions.get(h.name);

  it("GIVEN reachable, unreachable, unprobed and clusters-only hubs THEN only the reachable virtualmachines hub is started", () => {
    const hubs = [hub("a", "True"), hub("b", "False"), hub("c", undefined), hub("d", "True", ["clusters"])];
    expect(planWatchSets(hubs, versionOf, new Map())).toEqual([{ action: "start", hub: "a" }]);
  });

  it("GIVEN running sets THEN an unreachable or removed hub is stopped, a new Secret restarts, an unchanged one is kept", () => {
    const running = new Map([["a", { secretVersion: "1" }], ["b", { secretVersion: "1" }], ["gone", { secretVersion: "1" }], ["c", { secretVersion: "0" }]]);
    const hubs = [hub("a", "True"), hub("b", "False"), hub("c", "True")];
    expect(planWatchSets(hubs, versionOf, running)).toEqual([
      { action: "stop", hub: "b" },
      { action: "restart", hub: "c" },
      { action: "stop", hub: "gone" },
    ]);
  });

  it("GIVEN a reachable hub whose Secret is missing THEN it is not watched", () => {
    expect(planWatchSets([hub("a", "True")], () => undefined, new Map([["a", { secretVersion: "1" }]]))).toEqual([{ action: "stop", hub: "a" }]);
  });

  it("GIVEN why a hub is not watched THEN the message says it, with the prober's reason", () => {
    expect(notWatchedMessage("b", hub("b", "False"))).toBe("hub 'b' is not reachable (Unreachable: connection refused)");
    expect(notWatchedMessage("z", undefined)).toBe("hub 'z' is not registered");
    expect(notWatchedMessage("c", hub("c", undefined))).toBe("hub 'c' has not been probed yet");
  });
});
