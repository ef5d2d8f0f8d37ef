import { isJsonObject, setOwn, type JsonObject, type JsonValue } from "./types.ts";

/**
 * Parameter substitution, ported from library-go `templateprocessing`
 * (`EvaluateParameterSubstitution`, `visitObjectStrings`, `visitUnsettableValues`).
 */

/**
 * `${NAME}` anywhere in a string (library-go `stringParameterExp`). Only ever used through
 * `matchAll`, which starts at the regular expression's lastIndex: nothing may call test/exec on
 * it. `HAS_STRING_REFERENCE` is the same pattern for tests.
 */
const STRING_REFERENCE = /\$\{([a-zA-Z0-9_]+?)\}/g;
const HAS_STRING_REFERENCE = /\$\{([a-zA-Z0-9_]+?)\}/;
/** `${{NAME}}` as the whole string (library-go `nonStringParameterExp`). */
const NON_STRING_REFERENCE = /^\$\{\{([a-zA-Z0-9_]+)\}\}$/;
/** `${{NAME}}` anywhere, for finding which parameters a string may use. */
const NON_STRING_REFERENCE_ANYWHERE = /\$\{\{([a-zA-Z0-9_]+)\}\}/g;

export type ParameterValues = ReadonlyMap<string, string>;

export interface Substituted {
  readonly text: string;
  /** False after a `${{NAME}}` substitution: the text is to be read as JSON where it lands in an object. */
  readonly asString: boolean;
}

/** True when `text` holds a `${NAME}` reference (library-go's namespace test). */
export function hasStringReference(text: string): boolean {
  return HAS_STRING_REFERENCE.test(text);
}

/** The parameter names a string refers to, as `${NAME}` or `${{NAME}}`. */
export function referencedNames(text: string): string[] {
  return [...text.matchAll(STRING_REFERENCE), ...text.matchAll(NON_STRING_REFERENCE_ANYWHERE)].map((match) => match[1]!);
}

/**
 * `EvaluateParameterSubstitution`: `${{NAME}}` as the whole string gives NAME's value as a
 * non-string; otherwise every `${NAME}` with a known NAME is replaced. Unknown names stay. Each
 * match found in the input replaces the *first* occurrence of its text in the output so far, as
 * Go's `strings.Replace(out, match, value, 1)` does, so a value that itself contains `${X}` text
 * can be hit by a later match: kept, because that is what OpenShift produces.
 */
export function substituteString(values: ParameterValues, input: string): Substituted {
  if (!input.includes("${")) return { text: input, asString: true };
  const whole = NON_STRING_REFERENCE.exec(input);
  if (whole) {
    const value = values.get(whole[1]!);
    if (value !== undefined) return { text: value, asString: false };
  }
  let out = input;
  for (const match of input.matchAll(STRING_REFERENCE)) {
    const value = values.get(match[1]!);
    if (value !== undefined) out = replaceFirst(out, match[0], value);
  }
  return { text: out, asString: true };
}

/** Go's `strings.Replace(s, old, new, 1)`, without String.replace's `$&` patterns. */
export function replaceFirst(text: string, search: string, replacement: string): string {
  const at = text.indexOf(search);
  return at < 0 ? text : text.slice(0, at) + replacement + text.slice(at + search.length);
}

/** Thrown inside an object when `${{NAME}}` in a map key would give a number, object, array or null. */
export class NonStringKeyError extends Error {
  override readonly name = "NonStringKeyError";
  constructor(readonly key: string) {
    super(`the map key '${key}' is a \${{...}} reference whose value is not a JSON string`);
  }
}

/**
 * Substitutes every string of a decoded object, keys included, into a new tree (the input is not
 * changed). A `${{NAME}}` result in a map value or array element is decoded as JSON, as
 * `visitUnsettableValues` does; if it does not decode, the text is kept as a string.
 */
export function substituteObject(values: ParameterValues, object: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(object)) {
    setOwn(out, substituteKey(values, key), substituteValue(values, object[key]!));
  }
  return out;
}

function substituteValue(values: ParameterValues, value: JsonValue): JsonValue {
  if (typeof value === "string") {
    const { text, asString } = substituteString(values, value);
    return asString ? text : decodeLikeGo(text);
  }
  if (Array.isArray(value)) return value.map((item) => substituteValue(values, item));
  if (isJsonObject(value)) return substituteObject(values, value);
  return value;
}

/**
 * A key goes through the same visitor; a non-string result that decodes to a JSON string becomes
 * that string, and one that does not decode stays as text. Any other decoded value cannot be a
 * map key: library-go panics in `reflect.Value.SetMapIndex`; here it is an error.
 */
function substituteKey(values: ParameterValues, key: string): string {
  const { text, asString } = substituteString(values, key);
  if (asString) return text;
  const decoded = decodeLikeGo(text);
  if (typeof decoded !== "string") throw new NonStringKeyError(key);
  return decoded;
}

/**
 * `json.Unmarshal` into `interface{}`: numbers become float64 (as JSON.parse), and a number Go
 * cannot hold (`1e400`) is a decode error, so the text stays a string there too.
 */
export function decodeLikeGo(text: string): JsonValue {
  let decoded: JsonValue;
  try {
    decoded = JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
  return allNumbersFinite(decoded) ? decoded : text;
}

function allNumbersFinite(value: JsonValue): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allNumbersFinite);
  if (isJsonObject(value)) return Object.values(value).every(allNumbersFinite);
  return true;
}
