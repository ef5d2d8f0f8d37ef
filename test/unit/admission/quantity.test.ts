import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareQuantities, parseQuantity } from "../../../src/domain/quantity/exact-quantity.ts";

function compare(a: string, b: string): number {
  const left = parseQuantity(a);
  const right = parseQuantity(b);
  if (left === undefined || right === undefined) throw new Error(`not a quantity: ${a} or ${b}`);
  return compareQuantities(left, right);
}

const SUFFIX_FACTORS: Record<string, { num: bigint; den: bigint }> = {
  "": { num: 1n, den: 1n },
  Ki: { num: 2n ** 10n, den: 1n },
  Mi: { num: 2n ** 20n, den: 1n },
  Gi: { num: 2n ** 30n, den: 1n },
  Ti: { num: 2n ** 40n, den: 1n },
  Pi: { num: 2n ** 50n, den: 1n },
  Ei: { num: 2n ** 60n, den: 1n },
  n: { num: 1n, den: 10n ** 9n },
  u: { num: 1n, den: 10n ** 6n },
  m: { num: 1n, den: 10n ** 3n },
  k: { num: 10n ** 3n, den: 1n },
  M: { num: 10n ** 6n, den: 1n },
  G: { num: 10n ** 9n, den: 1n },
  T: { num: 10n ** 12n, den: 1n },
  P: { num: 10n ** 15n, den: 1n },
  E: { num: 10n ** 18n, den: 1n },
};

/** A quantity text and its exact value as a fraction, computed the obvious way. */
const quantity = fc
  .tuple(
    fc.bigInt({ min: 0n, max: 10n ** 12n }),
    fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength: 4 }),
    fc.oneof(fc.constantFrom(...Object.keys(SUFFIX_FACTORS)), fc.integer({ min: -12, max: 12 }).map((e) => `e${e}`)),
  )
  .map(([whole, fraction, suffix]) => {
    const text = `${whole}${fraction === "" ? "" : `.${fraction}`}${suffix}`;
    const digits = BigInt(`${whole}${fraction}`);
    let num = digits;
    let den = 10n ** BigInt(fraction.length);
    if (suffix.startsWith("e")) {
      const exponent = BigInt(suffix.slice(1));
      if (exponent >= 0n) num *= 10n ** exponent;
      else den *= 10n ** -exponent;
    } else {
      const factor = SUFFIX_FACTORS[suffix] as { num: bigint; den: bigint };
      num *= factor.num;
      den *= factor.den;
    }
    return { text, num, den };
  });

describe("parseQuantity / compareQuantities", () => {
  it.each([
    ["10Gi", "10Gi", 0],
    ["10Gi", "10737418240", 0],
    ["10Gi", "10240Mi", 0],
    ["1.5Gi", "1536Mi", 0],
    ["0.5Ti", "512Gi", 0],
    ["1Ti", "1000Gi", 1],
    ["1T", "0.9Ti", 1],
    ["1G", "1Gi", -1],
    ["1e9", "1G", 0],
    ["1E9", "1G", 0],
    ["1E", "1e18", 0],
    ["1.5e3", "1.5k", 0],
    ["100m", "0.1", 0],
    [".5", "500m", 0],
    ["5.", "5", 0],
    ["1n", "0.000000001", 0],
    ["1u", "999n", 1],
    [" 20Gi ", "20Gi", 0],
    ["-1", "1", -1],
    ["-2", "-1", -1],
    ["0", "-0", 0],
    ["0Gi", "1n", -1],
    ["1e999999999", "1Ei", 1],
    ["1e-999999999", "1n", -1],
    ["12345678901234567890e-1", "1234567890123456789", 0],
  ])("GIVEN %s and %s THEN the comparison is %i", (a, b, expected) => {
    expect(compare(a, b)).toBe(expected);
    expect(compare(b, a)).toBe(-expected || 0);
  });

  it.each(["", "Gi", "1.5e3M", "1.2.3", "1 Gi", "1gi", "1Ki5", "1e", "e5", "."])("GIVEN %j THEN it is not a quantity", (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  it("GIVEN random quantities in every notation THEN the order equals the order of their exact values", () => {
    fc.assert(
      fc.property(quantity, quantity, (a, b) => {
        const left = a.num * b.den;
        const right = b.num * a.den;
        const expected = left === right ? 0 : left > right ? 1 : -1;
        expect(compare(a.text, b.text)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
