const QUANTITY = /^\+?([0-9]*)(?:\.([0-9]*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE]([+-]?[0-9]+))?$/;
const BINARY: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/**
 * A Kubernetes quantity as a whole number, rounded up as apimachinery's `Quantity.Value()` does
 * ("2Gi" → 2147483648, "1.5" → 2). Undefined when the text (or a JSON number) is not a
 * non-negative quantity or the value is beyond exact integers. Exact: BigInt arithmetic. Pure.
 */
export function quantityValue(input: unknown): number | undefined {
  const text = typeof input === "number" ? String(input) : typeof input === "string" ? input.trim() : undefined;
  const match = text === undefined ? null : QUANTITY.exec(text);
  if (!match) return undefined;
  const [, whole = "", fraction = "", suffix = "", exponent] = match;
  if (whole === "" && fraction === "") return undefined;
  let numerator = BigInt(whole + fraction);
  let denominator = 10n ** BigInt(fraction.length);
  const exp10 = exponent !== undefined ? Number(exponent) : (DECIMAL[suffix] ?? 0);
  if (Math.abs(exp10) > 30) return undefined;
  if (exp10 >= 0) numerator *= 10n ** BigInt(exp10);
  else denominator *= 10n ** BigInt(-exp10);
  if (exponent === undefined && BINARY[suffix] !== undefined) numerator *= 2n ** BigInt(BINARY[suffix]!);
  const value = (numerator + denominator - 1n) / denominator;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}
