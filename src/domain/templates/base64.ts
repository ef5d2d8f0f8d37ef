/**
 * Base64 checks without decoding the whole input.
 *
 * Two levels, because the two parameters that carry base64 have different consumers:
 * - `checkCanonicalBase64` (cloud_init_config): RFC 4648 §4 standard alphabet, '=' padding to a
 *   length that is a multiple of 4, no whitespace or line breaks, and zero bits after the last byte.
 *   The value goes verbatim into a Secret's `data`; Kubernetes stores the decoded bytes and hands
 *   back their canonical encoding, so anything but the canonical form (wrapped lines, non-zero
 *   trailing bits) would show as permanent drift in Argo CD even where Go's decoder tolerates it.
 * - `isLenientBase64` (SSH key bodies): same alphabet, padding optional. OpenSSH tooling emits
 *   padded bodies, but pasted or shortened bodies (the PARITY example key among them) come without
 *   padding, and the body is never decoded by Kubernetes, only base64'd again as text.
 */

/** Standard alphabet then at most two '=': a single character class, so no backtracking. */
const ALPHABET_THEN_PADDING = /^[A-Za-z0-9+/]*={0,2}$/;
const WHITESPACE = /\s/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export type Base64Check =
  | { readonly ok: true; readonly decodedBytes: number }
  | { readonly ok: false; readonly reason: string };

function paddingLength(text: string): number {
  if (text.endsWith("==")) return 2;
  return text.endsWith("=") ? 1 : 0;
}

/** The reason never quotes the input: callers use it for secrets. */
export function checkCanonicalBase64(text: string): Base64Check {
  const decodedBytes = canonicalDecodedLength(text);
  return decodedBytes === undefined ? diagnoseBase64(text) : { ok: true, decodedBytes };
}

/**
 * The decoded length when the text is canonical, else undefined, in one native pass: `atob`
 * (WHATWG forgiving-base64) rejects anything outside the standard alphabet and '=' anywhere but at
 * the end; what it forgives is caught here. Skipped whitespace or padding shows as a decoded
 * length that the text's length does not predict, and the unused bits are checked as in
 * `diagnoseBase64`. Ten times faster than the regular expression on cloud-init-sized input.
 */
function canonicalDecodedLength(text: string): number | undefined {
  if (text.length % 4 !== 0) return undefined;
  let decoded: string;
  try {
    decoded = atob(text);
  } catch {
    return undefined;
  }
  const padding = paddingLength(text);
  const expected = (text.length / 4) * 3 - padding;
  if (decoded.length !== expected || !unusedBitsAreZero(text, padding)) return undefined;
  return expected;
}

function unusedBitsAreZero(text: string, padding: number): boolean {
  if (padding === 0) return true;
  // After the last full byte, 4 (one '=' missing two bytes) or 2 bits of the last character are unused.
  const last = ALPHABET.indexOf(text.charAt(text.length - padding - 1));
  const unusedBitsMask = padding === 2 ? 0b1111 : 0b11;
  return (last & unusedBitsMask) === 0;
}

/** Why a text is not canonical base64 (or ok), checked step by step for a precise reason. */
function diagnoseBase64(text: string): Base64Check {
  if (!ALPHABET_THEN_PADDING.test(text)) {
    return {
      ok: false,
      reason: WHITESPACE.test(text)
        ? "must be base64 on one line, without spaces or line breaks"
        : "must use only the standard base64 alphabet (A-Z, a-z, 0-9, '+', '/') with '=' padding at the end",
    };
  }
  if (text.length % 4 !== 0) {
    return { ok: false, reason: "must be padded base64: its length must be a multiple of 4, padded with '='" };
  }
  const padding = paddingLength(text);
  if (!unusedBitsAreZero(text, padding)) {
    return { ok: false, reason: "must be canonical base64: the unused bits before the '=' padding must be zero" };
  }
  return { ok: true, decodedBytes: (text.length / 4) * 3 - padding };
}

/** Standard alphabet, padding optional but correct when present, no whitespace. */
export function isLenientBase64(text: string): boolean {
  if (text.length === 0 || !ALPHABET_THEN_PADDING.test(text)) return false;
  const padding = paddingLength(text);
  if (padding > 0) return text.length % 4 === 0;
  return text.length % 4 !== 1;
}
