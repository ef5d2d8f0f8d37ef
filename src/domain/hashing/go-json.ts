/**
 * Go's `encoding/json` string encoding (Go ≥ 1.22, HTML-safe as `json.Marshal` uses it):
 * `"` and `\` escaped; \b \f \n \r \t short forms; other bytes below 0x20 as \u00XX;
 * `<` `>` `&` as \u003c \u003e \u0026; U+2028 and U+2029 escaped; invalid UTF-16 (lone
 * surrogates, which Go would see as invalid UTF-8) as \ufffd. Everything else is written as is.
 */
const HEX = "0123456789abcdef";

export function goJsonString(value: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    let escape: string | undefined;
    if (code < 0x20) {
      escape = SHORT_ESCAPES[code] ?? `\\u00${HEX[code >> 4]}${HEX[code & 0xf]}`;
    } else if (code === 0x22) escape = '\\"';
    else if (code === 0x5c) escape = "\\\\";
    else if (code === 0x3c) escape = "\\u003c";
    else if (code === 0x3e) escape = "\\u003e";
    else if (code === 0x26) escape = "\\u0026";
    else if (code === 0x2028) escape = "\\u2028";
    else if (code === 0x2029) escape = "\\u2029";
    else if (code >= 0xd800 && code <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      const pairs = code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
      if (pairs) {
        i++;
        continue;
      }
      escape = "\\ufffd";
    }
    if (escape !== undefined) {
      out += value.slice(start, i) + escape;
      start = i + 1;
    }
  }
  return out + value.slice(start) + '"';
}

const SHORT_ESCAPES: Record<number, string> = { 0x08: "\\b", 0x0c: "\\f", 0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t" };
