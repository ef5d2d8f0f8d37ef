import { goJsonString } from "../../domain/hashing/go-json.ts";
import { PARAMETER_FIELDS } from "./parameter-fields.ts";
import type { ParameterFields } from "./parameter-fields-of.ts";
import { isRecord } from "./json-value.ts";

/** Lone surrogates, which Go's encoder writes as U+FFFD. */
const LONE_SURROGATE = /\p{Surrogate}/gu;

export interface CanonicalParameters {
  /** The v1alpha1 string: Go `json.Marshal` of a `map[string]string`. */
  readonly text: string;
  /** What `JSON.parse(text)` returns, built without parsing. */
  readonly parsed: Record<string, string>;
}

/**
 * The canonical v1alpha1 string for the v1beta1 parameter fields, or undefined when the object has
 * neither field (no `templateParameters` then). Typed fields become parameters with string values
 * (integers as strings, SSH keys one per line, ports as `22/tcp,53/udp`), entries of
 * `templateParameters` are added as they are, keys are sorted, strings escaped as Go escapes them.
 * A value that is not of its field's type is left out; the caller notices the difference when it
 * reads the string back and keeps the fields in an annotation.
 */
export function encodeParameterFields(fields: ParameterFields): CanonicalParameters | undefined {
  const { virtualMachine, templateParameters } = fields;
  if (virtualMachine === undefined && templateParameters === undefined) return undefined;
  const entries = new Map<string, string>();
  if (isRecord(virtualMachine)) {
    for (const field of PARAMETER_FIELDS) {
      const value = virtualMachine[field.field];
      const encoded = value === undefined ? undefined : field.encode(value);
      if (encoded !== undefined) entries.set(field.parameter, wellFormed(encoded));
    }
  }
  if (isRecord(templateParameters)) {
    for (const [name, value] of Object.entries(templateParameters)) {
      if (typeof value === "string") entries.set(wellFormed(name), wellFormed(value));
    }
  }
  const names = [...entries.keys()].sort(compareCodePoints);
  const members = names.map((name) => `${goJsonString(name)}:${goJsonString(entries.get(name) ?? "")}`);
  return {
    text: `{${members.join(",")}}`,
    parsed: Object.fromEntries(names.map((name) => [name, entries.get(name) ?? ""])),
  };
}

function wellFormed(text: string): string {
  // isWellFormed (ES2024, Node ≥ 20) is a native scan; the regular expression runs only when needed.
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed() ? text : text.replace(LONE_SURROGATE, "\uFFFD");
}

/**
 * Go sorts map keys by their UTF-8 bytes, which is code point order. UTF-16 code units sort the
 * same except that surrogates (code points above U+FFFF) must come after U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const left = a.charCodeAt(i);
    const right = b.charCodeAt(i);
    if (left !== right) return codePointRank(left) - codePointRank(right);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}
