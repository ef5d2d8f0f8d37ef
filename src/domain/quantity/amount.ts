import { parseQuantity, type ExactQuantity } from "./exact-quantity.ts";

/**
 * Exact sums of Kubernetes quantities, for quota arithmetic: an amount is `units / 10^scale`
 * (BigInt units, so "0.5", "100m" and "8Gi" add up without rounding). Quantities whose decimal
 * exponent lies beyond ±MAX_DECIMAL_EXPONENT are not usable amounts (no quota or VM is sized
 * like that, and the BigInt would grow without bound).
 */
export interface Amount {
  readonly units: bigint;
  /** The power of ten dividing `units`, ≥ 0. */
  readonly scale: number;
}

export const MAX_DECIMAL_EXPONENT = 40;
export const ZERO: Amount = Object.freeze({ units: 0n, scale: 0 });

/** How an amount is shown: CPUs (`4`, `1500m`), bytes (`8Gi`, `30G`, `1000`) or a count. */
export type AmountUnit = "cpu" | "bytes" | "count";

export function amountOfQuantity(quantity: ExactQuantity): Amount | undefined {
  if (quantity.exp10 > BigInt(MAX_DECIMAL_EXPONENT) || quantity.exp10 < -BigInt(MAX_DECIMAL_EXPONENT)) return undefined;
  const magnitude = quantity.digits * 2n ** quantity.exp2;
  const signed = quantity.sign < 0 ? -magnitude : magnitude;
  return quantity.exp10 >= 0n ? { units: signed * 10n ** quantity.exp10, scale: 0 } : { units: signed, scale: Number(-quantity.exp10) };
}

/** A quantity's text (or a JSON number, as Kubernetes accepts in quantity fields) as an amount; undefined when it is none. */
export function parseAmount(value: unknown): Amount | undefined {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : typeof value === "string" ? value : undefined;
  if (text === undefined) return undefined;
  const quantity = parseQuantity(text);
  return quantity === undefined ? undefined : amountOfQuantity(quantity);
}

export function amountOfInteger(value: number | bigint): Amount {
  return { units: BigInt(value), scale: 0 };
}

function rescaled(amount: Amount, scale: number): bigint {
  return amount.units * 10n ** BigInt(scale - amount.scale);
}

export function addAmounts(a: Amount, b: Amount): Amount {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescaled(a, scale) + rescaled(b, scale), scale };
}

export function multiplyAmount(amount: Amount, factor: number | bigint): Amount {
  return { units: amount.units * BigInt(factor), scale: amount.scale };
}

export function compareAmounts(a: Amount, b: Amount): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const left = rescaled(a, scale);
  const right = rescaled(b, scale);
  return left === right ? 0 : left < right ? -1 : 1;
}

export function maxAmount(a: Amount, b: Amount): Amount {
  return compareAmounts(a, b) >= 0 ? a : b;
}

export function isZero(amount: Amount): boolean {
  return amount.units === 0n;
}

/** The smallest integer at or above the amount (apimachinery's `Quantity.Value()` rounds up the same way). */
export function ceilingInteger(amount: Amount): bigint {
  const divisor = 10n ** BigInt(amount.scale);
  const quotient = amount.units / divisor;
  return amount.units > quotient * divisor ? quotient + 1n : quotient;
}

const BINARY_SUFFIXES: readonly [string, bigint][] = [
  ["Ei", 2n ** 60n],
  ["Pi", 2n ** 50n],
  ["Ti", 2n ** 40n],
  ["Gi", 2n ** 30n],
  ["Mi", 2n ** 20n],
  ["Ki", 2n ** 10n],
];
const DECIMAL_SUFFIXES: readonly [string, bigint][] = [
  ["E", 10n ** 18n],
  ["P", 10n ** 15n],
  ["T", 10n ** 12n],
  ["G", 10n ** 9n],
  ["M", 10n ** 6n],
  ["k", 10n ** 3n],
];

/**
 * The amount as people read quantities: whole CPUs or millicores (`4`, `1500m`); bytes in the
 * shortest of their exact forms, binary suffixes first on a tie (`8Gi`, `30G`, `1000`);
 * counts as numbers. What no suffix fits is written as an exact decimal (`0.5`).
 */
export function formatAmount(amount: Amount, unit: AmountUnit): string {
  const normal = normalized(amount);
  if (normal.scale === 0) {
    const value = normal.units;
    let shortest = value.toString();
    if (unit === "bytes" && value !== 0n) {
      const magnitude = value < 0n ? -value : value;
      for (const [suffix, factor] of [...BINARY_SUFFIXES, ...DECIMAL_SUFFIXES]) {
        const text = `${value / factor}${suffix}`;
        if (magnitude >= factor && magnitude % factor === 0n && text.length < shortest.length) shortest = text;
      }
    }
    return shortest;
  }
  if (unit === "cpu" && normal.scale <= 3) return `${normal.units * 10n ** BigInt(3 - normal.scale)}m`;
  return decimalText(normal);
}

/** The same amount with no trailing zero in its units (so scale is as small as it can be). */
function normalized(amount: Amount): Amount {
  let { units, scale } = amount;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

function decimalText(amount: Amount): string {
  const negative = amount.units < 0n;
  const digits = (negative ? -amount.units : amount.units).toString().padStart(amount.scale + 1, "0");
  const point = digits.length - amount.scale;
  return `${negative ? "-" : ""}${digits.slice(0, point)}.${digits.slice(point)}`;
}
