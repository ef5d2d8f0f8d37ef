/**
 * The value of a Kubernetes quantity ("2Gi", "1.5G", "512M", "3e9") in whole units, rounded up as
 * Kubernetes rounds a memory request to bytes. Placement adds and compares amounts; a double holds
 * integers exactly up to 2^53 (8 PiB), more than any hub has, so plain numbers are used.
 */
const QUANTITY = /^([+]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

const FACTORS: Readonly<Record<string, number>> = {
  "": 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** Undefined when the text is not a non-negative quantity. */
export function quantityValue(text: string): number | undefined {
  const match = QUANTITY.exec(text.trim());
  if (match === null) return undefined;
  const [, , number = "", suffix = ""] = match;
  const factor = FACTORS[suffix] ?? 10 ** Number(suffix.slice(1));
  const value = Math.ceil(Number(number) * factor - 1e-6);
  return Number.isFinite(value) ? Math.max(0, value) : undefined;
}

const BINARY_UNITS = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"] as const;

/**
 * Bytes as a quantity in the largest binary unit that keeps the value whole ("96Gi", "1536Mi",
 * "1000"), as `kubectl` shows what it can: readable and exact, so the status can be summed again.
 */
export function formatQuantity(value: number): string {
  let amount = value;
  let unit = "";
  for (const next of BINARY_UNITS) {
    if (amount < 1024 || amount % 1024 !== 0) break;
    amount /= 1024;
    unit = next;
  }
  return `${amount}${unit}`;
}
