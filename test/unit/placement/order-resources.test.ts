import { describe, expect, it } from "vitest";
import { orderResources, orderResourcesOrDefault } from "../../../src/domain/placement/order-resources.ts";
import { formatQuantity, quantityValue } from "../../../src/domain/placement/quantity-bytes.ts";

const TEMPLATE = "cloudkit.templates.ocp_virt_vm";
const GiB = 1024 ** 3;

describe("quantityValue", () => {
  it.each([
    ["2Gi", 2 * GiB],
    ["1536Mi", 1.5 * GiB],
    ["0.5Gi", 0.5 * GiB],
    ["1G", 1e9],
    ["512M", 512e6],
    ["3e9", 3e9],
    ["1E3", 1000],
    ["100m", 1],
    ["4Ti", 4 * 1024 ** 4],
    [" 2Gi ", 2 * GiB],
    ["0", 0],
  ])("GIVEN %j THEN it is %d", (text, expected) => {
    expect(quantityValue(text)).toBe(expected);
  });

  it.each(["", "Gi", "-1Gi", "2GB", "two"])("GIVEN %j THEN it is not a quantity", (text) => {
    expect(quantityValue(text)).toBeUndefined();
  });
});

describe("formatQuantity", () => {
  it.each([
    [0, "0"],
    [1000, "1000"],
    [2 * GiB, "2Gi"],
    [1.5 * GiB, "1536Mi"],
    [96 * GiB, "96Gi"],
    [4 * 1024 ** 4, "4Ti"],
  ])("GIVEN %d bytes THEN %s, which reads back to the same value", (bytes, text) => {
    expect(formatQuantity(bytes)).toBe(text);
    expect(quantityValue(text)).toBe(bytes);
  });
});

describe("orderResources", () => {
  it("GIVEN no parameters THEN the role's defaults: 2 vCPUs, 2Gi", () => {
    expect(orderResources(TEMPLATE, undefined)).toEqual({ vcpus: 2, memoryBytes: 2 * GiB });
  });

  it("GIVEN cpu_cores as a number or digits and a memory quantity THEN both are read", () => {
    expect(orderResources(TEMPLATE, '{"cpu_cores":8,"memory":"16Gi"}')).toEqual({ vcpus: 8, memoryBytes: 16 * GiB });
    expect(orderResources(TEMPLATE, '{"cpu_cores":"4","memory":"4096Mi"}')).toEqual({ vcpus: 4, memoryBytes: 4 * GiB });
  });

  it.each([
    ["an unknown template", "example.unknown", "{}"],
    ["parameters that are not an object", TEMPLATE, "[1]"],
    ["an invalid cpu_cores", TEMPLATE, '{"cpu_cores":"0"}'],
    ["an invalid memory", TEMPLATE, '{"memory":"lots"}'],
  ])("GIVEN %s THEN nothing can be told (validation denies the order)", (_what, template, text) => {
    expect(orderResources(template, text)).toBeUndefined();
  });

  it("GIVEN a stored order whose parameters cannot be read THEN the tally counts it at the defaults", () => {
    expect(orderResourcesOrDefault(TEMPLATE, '{"cpu_cores":"x"}')).toEqual({ vcpus: 2, memoryBytes: 2 * GiB });
  });
});
