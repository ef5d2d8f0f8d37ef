import { describe, expect, it } from "vitest";
import { runStrategyConversion } from "../../../../src/migration/fleet/run-strategy.ts";
import type { LiveObject } from "../../../../src/migration/live-object.ts";

const vm = (spec: Record<string, unknown>, apiVersion = "kubevirt.io/v1", kind = "VirtualMachine"): LiveObject =>
  ({ apiVersion, kind, metadata: { name: "vm", namespace: "tenant" }, spec: { template: { spec: { domain: { cpu: { cores: 2 } } } }, ...spec } }) as LiveObject;

describe("runStrategyConversion (the role's spec.running into spec.runStrategy at adoption)", () => {
  it("GIVEN running: true THEN one guarded patch removes it and adds runStrategy Always, the template untouched", () => {
    const conversion = runStrategyConversion(vm({ running: true }))!;
    expect(conversion.patch).toEqual([
      { op: "test", path: "/spec/running", value: true },
      { op: "remove", path: "/spec/running" },
      { op: "add", path: "/spec/runStrategy", value: "Always" },
    ]);
    const spec = (conversion.converted as unknown as { spec: Record<string, unknown> }).spec;
    expect(spec).toEqual({ template: { spec: { domain: { cpu: { cores: 2 } } } }, runStrategy: "Always" });
  });

  it("GIVEN running: false THEN runStrategy Halted (a stopped VM stays stopped)", () => {
    expect(runStrategyConversion(vm({ running: false }))!.patch.at(-1)).toEqual({ op: "add", path: "/spec/runStrategy", value: "Halted" });
  });

  it("GIVEN both fields (already refused by KubeVirt) THEN only running is removed and runStrategy kept", () => {
    const conversion = runStrategyConversion(vm({ running: true, runStrategy: "Manual" }))!;
    expect(conversion.patch.map((operation) => operation.op)).toEqual(["test", "remove"]);
    expect((conversion.converted as unknown as { spec: Record<string, unknown> }).spec.runStrategy).toBe("Manual");
  });

  it("GIVEN runStrategy only, or another kind THEN nothing to convert", () => {
    expect(runStrategyConversion(vm({ runStrategy: "Always" }))).toBeUndefined();
    expect(runStrategyConversion(vm({ running: true }, "cdi.kubevirt.io/v1beta1", "DataVolume"))).toBeUndefined();
    expect(runStrategyConversion(vm({ running: true }, "cloudkit.openshift.io/v1alpha1"))).toBeUndefined();
  });
});
