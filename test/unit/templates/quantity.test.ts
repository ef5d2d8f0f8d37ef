import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkPositiveQuantity } from "../../../src/domain/templates/quantity.ts";

describe("checkPositiveQuantity", () => {
  it.each([
    ["2Gi", "2Gi"],
    [" 4Gi ", "4Gi"],
    ["1", "1"],
    ["+1Gi", "+1Gi"],
    ["0.5Gi", "0.5Gi"],
    [".5Gi", ".5Gi"],
    ["5.", "5."],
    ["2048Mi", "2048Mi"],
    ["1Ki", "1Ki"],
    ["1Ti", "1Ti"],
    ["1Pi", "1Pi"],
    ["1Ei", "1Ei"],
    ["500n", "500n"],
    ["500u", "500u"],
    ["500m", "500m"],
    ["1k", "1k"],
    ["129M", "129M"],
    ["1G", "1G"],
    ["1T", "1T"],
    ["1P", "1P"],
    ["1E", "1E"],
    ["129e6", "129e6"],
    ["1E3", "1E3"],
    ["1e-3", "1e-3"],
    ["1e+3", "1e+3"],
  ])("GIVEN %j WHEN checked THEN %j is accepted", (text, value) => {
    expect(checkPositiveQuantity(text)).toEqual({ ok: true, value });
  });

  it.each([
    ["", "must not be empty"],
    ["   ", "must not be empty"],
    ["0", "greater than zero"],
    ["0Gi", "greater than zero"],
    ["0.000Mi", "greater than zero"],
    ["-0", "greater than zero"],
    ["-1Gi", "greater than zero"],
    ["1.5.5Gi", "Kubernetes quantity"],
    ["10GB", "Kubernetes quantity"],
    ["1gi", "Kubernetes quantity"],
    ["1KI", "Kubernetes quantity"],
    ["1K", "Kubernetes quantity"],
    ["Gi", "Kubernetes quantity"],
    [".Gi", "Kubernetes quantity"],
    ["1 Gi", "Kubernetes quantity"],
    ["1e", "Kubernetes quantity"],
    ["1e1.5", "Kubernetes quantity"],
    ["1Gi1", "Kubernetes quantity"],
    ["0x10", "Kubernetes quantity"],
    ["++1", "Kubernetes quantity"],
  ])("GIVEN %j WHEN checked THEN it is rejected, saying %j", (text, message) => {
    const result = checkPositiveQuantity(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.problems[0]?.message).toContain(message);
  });

  const suffix = fc.constantFrom("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E", "e3", "E-2", "e+9");

  it("GIVEN a generated positive quantity WHEN checked THEN it is accepted unchanged", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.option(fc.stringMatching(/^[0-9]{1,4}$/)), suffix, (whole, fraction, unit) => {
        const text = `${whole}${fraction === null ? "" : `.${fraction}`}${unit}`;
        expect(checkPositiveQuantity(text)).toEqual({ ok: true, value: text });
      }),
    );
  });

  it("GIVEN a generated zero or negative quantity WHEN checked THEN it is rejected", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 0, max: 1000 }), suffix, (negative, whole, unit) => {
        const text = negative ? `-${whole}${unit}` : `0${unit}`;
        expect(checkPositiveQuantity(text).ok).toBe(false);
      }),
    );
  });

  it("GIVEN any string WHEN checked THEN it never throws", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(..."0123456789.+-eEKMGiu ") })), (text) => {
        const result = checkPositiveQuantity(text);
        expect(result.ok ? result.value : result.problems[0]?.message).toBeTypeOf("string");
      }),
    );
  });
});
