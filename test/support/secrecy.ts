// Every way a secret's bytes could appear in a text file, for the secrecy checks of rendered trees
// and Git histories.
export const MIN_CHECKED_LENGTH = 16;

/** Plaintext, hex, JSON escaping, base64 and base64url at each byte alignment, and each line. */
export function encodings(value: Buffer): string[] {
  const forms = [value.toString("utf8"), value.toString("hex"), JSON.stringify(value.toString("utf8")).slice(1, -1)];
  for (let offset = 0; offset < 3; offset++) {
    for (const alphabet of ["base64", "base64url"] as const) {
      const encoded = value.subarray(offset).toString(alphabet);
      forms.push(encoded.slice(0, Math.max(0, Math.floor(encoded.length / 4) * 4 - 4)));
    }
  }
  forms.push(...value.toString("utf8").split("\n"));
  return forms.filter((form) => form.length >= MIN_CHECKED_LENGTH);
}
