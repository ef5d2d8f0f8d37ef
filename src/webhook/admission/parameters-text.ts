/**
 * String-level edits of `spec.templateParameters`, the JSON text fulfillment-service writes. The
 * text is hashed as written into `desiredConfigVersion`, and clients compare it with what they
 * sent, so an edit inserts one member and keeps every other byte: no re-serialisation (which would
 * reorder keys, change escapes and number forms).
 */

import { decodeParameterObject } from "../../domain/templates/index.ts";

/** What a parameters text says about one parameter. */
export type ParameterMember =
  | { readonly state: "absent" }
  | { readonly state: "present"; readonly value: unknown }
  /** Not a JSON object: validation denies it; nothing is edited. */
  | { readonly state: "unreadable" };

export function readParameter(text: string | undefined, name: string): ParameterMember {
  // Undefined: not a JSON object; validation denies it and nothing is edited.
  const decoded = decodeParameterObject(text);
  if (decoded === undefined) return { state: "unreadable" };
  return Object.hasOwn(decoded, name) ? { state: "present", value: decoded[name] } : { state: "absent" };
}

/**
 * The text with `"<name>":<JSON of value>` added as the last member. The caller has seen
 * `readParameter(text, name)` answer "absent". The new member copies the layout of the first one
 * (the whitespace around its colon, and the whitespace after the first comma or `{`), so
 * `{"a":"1"}` becomes `{"a":"1","storage_class":"x"}` and a pretty-printed text stays pretty.
 */
export function appendParameter(text: string | undefined, name: string, value: string): string {
  const key = JSON.stringify(name);
  const encoded = JSON.stringify(value);
  if (text === undefined || text === "") return `{${key}:${encoded}}`;
  const layout = objectLayout(text);
  if (layout.lastValueEnd === undefined) {
    return text.slice(0, layout.close) + `${key}:${encoded}` + text.slice(layout.close);
  }
  const member = `,${layout.afterComma}${key}${layout.beforeColon}:${layout.afterColon}${encoded}`;
  return text.slice(0, layout.lastValueEnd) + member + text.slice(layout.lastValueEnd);
}

interface ObjectLayout {
  /** Index of the closing `}`. */
  readonly close: number;
  /** Index just after the last member's value; undefined for an object without members. */
  readonly lastValueEnd?: number;
  readonly beforeColon: string;
  readonly afterColon: string;
  readonly afterComma: string;
}

function isJsonWhitespace(char: string | undefined): boolean {
  return char === " " || char === "\t" || char === "\n" || char === "\r";
}

function skipWhitespace(text: string, from: number): number {
  let index = from;
  while (isJsonWhitespace(text[index])) index += 1;
  return index;
}

const BACKSLASH = 0x5c;

/**
 * From an opening quote to just after its closing quote: the first quote not escaped by an odd run
 * of backslashes. `indexOf` jumps over long values (the cloud-init base64) natively.
 */
function skipString(text: string, from: number): number {
  let index = from + 1;
  for (;;) {
    const quote = text.indexOf('"', index);
    if (quote === -1) return text.length + 1;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    index = quote + 1;
  }
}

/** From the first character of a JSON value to just after it. */
function skipValue(text: string, from: number): number {
  const first = text[from];
  if (first === '"') return skipString(text, from);
  if (first === "{" || first === "[") {
    let depth = 0;
    let index = from;
    do {
      const char = text[index];
      if (char === '"') {
        index = skipString(text, index);
        continue;
      }
      if (char === "{" || char === "[") depth += 1;
      else if (char === "}" || char === "]") depth -= 1;
      index += 1;
    } while (depth > 0 && index < text.length);
    return index;
  }
  let index = from;
  while (index < text.length && !isJsonWhitespace(text[index]) && !",}]".includes(text[index] as string)) index += 1;
  return index;
}

/** Positions in a text that JSON.parse has accepted as an object. */
function objectLayout(text: string): ObjectLayout {
  const open = skipWhitespace(text, 0);
  let index = skipWhitespace(text, open + 1);
  const leading = text.slice(open + 1, index);
  if (text[index] === "}") return { close: index, beforeColon: "", afterColon: "", afterComma: "" };

  let beforeColon: string | undefined;
  let afterColon = "";
  let afterComma: string | undefined;
  for (;;) {
    const keyEnd = skipString(text, index);
    const colon = skipWhitespace(text, keyEnd);
    const valueStart = skipWhitespace(text, colon + 1);
    if (beforeColon === undefined) {
      beforeColon = text.slice(keyEnd, colon);
      afterColon = text.slice(colon + 1, valueStart);
    }
    const valueEnd = skipValue(text, valueStart);
    const next = skipWhitespace(text, valueEnd);
    if (text[next] !== ",") {
      return { close: next, lastValueEnd: valueEnd, beforeColon, afterColon, afterComma: afterComma ?? leading };
    }
    index = skipWhitespace(text, next + 1);
    afterComma ??= text.slice(next + 1, index);
  }
}
