import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addAmounts, ceilingInteger, compareAmounts, formatAmount, parseAmount, type Amount } from "../../../src/domain/quantity/amount.ts";

function amount(text: string): Amount {
  const parsed = parseAmount(text);
  if (parsed === undefined) throw new Error(`not a quantity: ${text}`);
  return parsed;
}

describe("exact quantity amounts", () => {
  it.each([
    ["100m", "900m", "1", "cpu"],
    ["1.5", "500m", "2", "cpu"],
    ["250m", "1", "1250m", "cpu"],
    ["2Gi", "2Gi", "4Gi", "bytes"],
    ["1536Mi", "512Mi", "2Gi", "bytes"],
    ["30G", "0", "30G", "bytes"],
    ["1000", "24", "1Ki", "bytes"],
    ["1e3", "1", "1001", "bytes"],
    ["0.5", "0.25", "0.75", "count"],
  ])("GIVEN %s + %s THEN %s (%s)", (a, b, sum, unit) => {
    expect(formatAmount(addAmounts(amount(a), amount(b)), unit as never)).toBe(sum);
  });

  it("GIVEN the same value written differently THEN the amounts compare equal", () => {
    expect(compareAmounts(amount("1Gi"), amount("1073741824"))).toBe(0);
    expect(compareAmounts(amount("1G"), amount("1Gi"))).toBe(-1);
    expect(compareAmounts(amount("4"), amount("4000m"))).toBe(0);
    expect(compareAmounts(amount("0.1"), amount("100m"))).toBe(0);
  });

  it("GIVEN text that is no quantity, or an exponent beyond ±40 THEN there is no amount", () => {
    for (const text of ["", "4 cores", "1e41", "1e-41", "Gi", "0x10"]) expect(parseAmount(text)).toBeUndefined();
    expect(parseAmount(3)).toEqual({ units: 3n, scale: 0 });
    expect(parseAmount(null)).toBeUndefined();
  });

  it("GIVEN fractions THEN ceilingInteger rounds up as Quantity.Value() does", () => {
    expect([ceilingInteger(amount("1.5")), ceilingInteger(amount("100m")), ceilingInteger(amount("2")), ceilingInteger(amount("0"))]).toEqual([2n, 1n, 2n, 0n]);
  });

  it("PROPERTY: adding millicores as amounts equals adding the integers", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 20 }), (values) => {
        const total = values.map((value) => amount(`${value}m`)).reduce(addAmounts, { units: 0n, scale: 0 });
        expect(compareAmounts(total, amount(`${values.reduce((a, b) => a + b, 0)}m`))).toBe(0);
      }),
    );
  });
});
