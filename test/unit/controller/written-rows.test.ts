import { describe, expect, it } from "vitest";
import { WrittenRows, fingerprint } from "../../../src/controller/written-rows.ts";
import type { VmStateRow } from "../../../src/platform/database/vm-state.ts";

const row: VmStateRow = {
  orderUid: "u-1",
  virtualMachineUuid: null,
  namespace: "orders",
  name: "vm-1",
  state: "PROGRESSING",
  powerStatus: "STARTING",
  ipAddresses: [],
  conditions: [],
  desiredConfigVersion: "v1",
  reconciledConfigVersion: null,
  resourceVersion: "10",
  observedGeneration: 1,
  observedAt: new Date("2026-01-01T00:00:00Z"),
};

describe("WrittenRows", () => {
  it("GIVEN a row remembered THEN the same content at another time is unchanged; other content, another order or a forgotten one is not", () => {
    const written = new WrittenRows();
    expect(written.unchanged(row)).toBe(false);
    written.remember(row);
    expect(written.unchanged({ ...row, observedAt: new Date("2026-01-01T00:01:00Z") })).toBe(true);
    expect(written.unchanged({ ...row, resourceVersion: "11" })).toBe(false);
    expect(written.unchanged({ ...row, state: "READY" })).toBe(false);
    expect(written.unchanged({ ...row, orderUid: "u-2" })).toBe(false);
    written.forget("u-1");
    expect(written.unchanged(row)).toBe(false);
    written.remember(row);
    written.clear();
    expect(written.unchanged(row)).toBe(false);
  });

  it("GIVEN two rows THEN the fingerprint ignores only the observation time", () => {
    expect(fingerprint(row)).toBe(fingerprint({ ...row, observedAt: new Date(0) }));
    expect(fingerprint(row)).not.toBe(fingerprint({ ...row, ipAddresses: ["10.0.0.1"] }));
  });
});
