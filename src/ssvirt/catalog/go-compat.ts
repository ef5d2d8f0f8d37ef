/**
 * The few Go standard-library behaviours SSVirt's template service relies on, so the catalog
 * computes what SSVirt computes: `strconv.Atoi`/`ParseInt(s, 10, 64)`, `strings.ToLower`,
 * `url.QueryEscape` and `time.Time.Format(time.RFC3339)`.
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL = /^[+-]?[0-9]+$/;

/**
 * `strconv.ParseInt(text, 10, 64)` (and `Atoi` on a 64-bit platform): an optional sign and
 * decimal digits, within int64; anything else (spaces, `4Gi`, `1e3`, `0x10`, `_`) is an error,
 * returned as undefined. The result is a JavaScript number: above 2^53 (8 PiB of bytes) it is the
 * nearest double, not the exact int64 SSVirt would print.
 */
export function goParseInt64(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : Number(value);
}

/**
 * `strings.ToLower`. It differs from String.prototype.toLowerCase in one way that can make a name
 * equal an ASCII word: Go maps U+0130 (İ) to a plain `i`, JavaScript to `i` + U+0307. Other
 * differences (final sigma) never produce ASCII.
 */
export function goToLower(text: string): string {
  return text.replaceAll("\u0130", "i").toLowerCase();
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** `url.QueryEscape`: everything but `A-Z a-z 0-9 - _ . ~` percent-encoded (UTF-8, upper-case hex), space as `+`. */
export function goQueryEscape(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const char = String.fromCharCode(byte);
    if (byte < 0x80 && UNRESERVED.test(char)) out += char;
    else if (byte === 0x20) out += "+";
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Go's zero `time.Time` formatted with RFC 3339: what SSVirt prints for a Template without a creation time. */
export const GO_ZERO_TIME_RFC3339 = "0001-01-01T00:00:00Z";

/**
 * `metav1.Time.Format(time.RFC3339)` for a Kubernetes timestamp: whole seconds, in UTC (`Z`).
 * apimachinery converts a parsed timestamp to the process's local zone; SSVirt runs in a
 * container whose zone is UTC, which is what this prints.
 */
export function goRfc3339(timestamp: string | undefined): string {
  if (timestamp === undefined) return GO_ZERO_TIME_RFC3339;
  const milliseconds = Date.parse(timestamp);
  if (Number.isNaN(milliseconds)) return GO_ZERO_TIME_RFC3339;
  const seconds = Math.floor(milliseconds / 1000) * 1000;
  return new Date(seconds).toISOString().replace(/\.\d{3}Z$/, "Z");
}
