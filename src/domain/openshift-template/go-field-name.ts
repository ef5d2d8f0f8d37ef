/**
 * Go's `encoding/json` matches object keys to struct fields case-insensitively, with Unicode
 * simple folding (`foldName`): `Kind`, `KIND` and `\u212Aind` (Kelvin sign) all fill `kind`.
 * Code that mirrors what a Go program decodes from raw JSON needs the same match. Only two
 * non-ASCII characters fold onto ASCII letters: U+212A (K) and U+017F (ſ, onto s).
 */
export function goFieldNameMatches(key: string, field: string): boolean {
  if (key.length !== field.length) return false;
  for (let i = 0; i < key.length; i++) {
    if (foldedUnit(key.charCodeAt(i)) !== foldedUnit(field.charCodeAt(i))) return false;
  }
  return true;
}

const KELVIN_SIGN = 0x212a;
const LONG_S = 0x017f;

function foldedUnit(code: number): number {
  if (code >= 0x61 && code <= 0x7a) return code - 0x20;
  if (code === KELVIN_SIGN) return 0x4b;
  if (code === LONG_S) return 0x53;
  return code;
}
