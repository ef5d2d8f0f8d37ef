/**
 * Exact comparison of Kubernetes quantities ("10Gi", "10737418240", "0.5Ti", "1.5e3M"), for the
 * rule that a disk may only grow (and, through amount.ts, quota arithmetic). A quantity is held as sign · digits · 10^exp10 · 2^exp2 with
 * integer parts, so nothing is rounded; exponents are BigInt so "1e999999999" costs nothing.
 */
const QUANTITY = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE]([+-]?[0-9]+))?$/;

const BINARY_POWERS: Readonly<Record<string, bigint>> = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };
const DECIMAL_POWERS: Readonly<Record<string, bigint>> = { n: -9n, u: -6n, m: -3n, k: 3n, M: 6n, G: 9n, T: 12n, P: 15n, E: 18n };
/** 2^60 (Ei, the largest binary factor) is below 10^19. */
const MAX_BINARY_FACTOR_DIGITS = 19n;

export interface ExactQuantity {
  readonly sign: -1 | 0 | 1;
  /** The digits without the decimal point, as an integer ≥ 0. */
  readonly digits: bigint;
  readonly exp10: bigint;
  readonly exp2: bigint;
}

/** The quantity's exact value, or undefined when the text is not a quantity (surrounding space is allowed). */
export function parseQuantity(text: string): ExactQuantity | undefined {
  const match = QUANTITY.exec(text.trim());
  if (match === null) return undefined;
  const [, signText = "", whole = "", fraction = "", suffix = "", exponent] = match;
  if (whole === "" && fraction === "") return undefined;
  const digits = BigInt(whole + fraction || "0");
  let exp10 = -BigInt(fraction.length);
  let exp2 = 0n;
  if (exponent !== undefined) exp10 += BigInt(exponent);
  else if (suffix in BINARY_POWERS) exp2 = BINARY_POWERS[suffix] as bigint;
  else if (suffix in DECIMAL_POWERS) exp10 += DECIMAL_POWERS[suffix] as bigint;
  const sign = digits === 0n ? 0 : signText === "-" ? -1 : 1;
  return { sign, digits, exp10, exp2 };
}

function negate(order: -1 | 0 | 1): -1 | 0 | 1 {
  return order === 0 ? 0 : order === 1 ? -1 : 1;
}

function digitCount(value: bigint): bigint {
  return BigInt(value.toString().length);
}

/** Compares magnitudes of two non-zero quantities. */
function compareMagnitudes(a: ExactQuantity, b: ExactQuantity): -1 | 0 | 1 {
  // Divide both by 10^min(exp10): one side keeps a factor 10^gap.
  const gap = a.exp10 - b.exp10;
  const bigger = gap >= 0n ? a : b;
  const smaller = gap >= 0n ? b : a;
  const distance = gap >= 0n ? gap : -gap;
  // The smaller-exponent side is below 10^(digits + 19); the other is at least 10^distance.
  if (distance >= digitCount(smaller.digits) + MAX_BINARY_FACTOR_DIGITS) return bigger === a ? 1 : -1;
  const left = bigger.digits * 10n ** distance * 2n ** bigger.exp2;
  const right = smaller.digits * 2n ** smaller.exp2;
  const order = left === right ? 0 : left > right ? 1 : -1;
  return bigger === a ? order : negate(order);
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareQuantities(a: ExactQuantity, b: ExactQuantity): -1 | 0 | 1 {
  if (a.sign !== b.sign) return a.sign < b.sign ? -1 : 1;
  if (a.sign === 0) return 0;
  const magnitude = compareMagnitudes(a, b);
  return a.sign > 0 ? magnitude : negate(magnitude);
}
