import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appendParameter, readParameter } from "../../../src/webhook/admission/parameters-text.ts";

/** True when `edited` is `original` with exactly one contiguous run of characters inserted. */
function isSingleInsertion(original: string, edited: string): boolean {
  let prefix = 0;
  while (prefix < original.length && original[prefix] === edited[prefix]) prefix += 1;
  let suffix = 0;
  while (
    suffix < original.length - prefix &&
    original[original.length - 1 - suffix] === edited[edited.length - 1 - suffix]
  ) {
    suffix += 1;
  }
  return prefix + suffix === original.length && edited.length > original.length;
}

const whitespace = fc.stringMatching(/^[ \t\n\r]{0,3}$/);
const parameterName = fc.constantFrom("cpu_cores", "memory", "disk_size", "image_source", "cloud_init_config", "ssh_public_key", "exposed_ports");
/** Values as clients send them: strings with any characters (escapes, unicode), numbers, null. */
const parameterValue = fc.oneof(fc.string({ unit: "binary" }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null));

/** A JSON object text with the given members, random whitespace around every token. */
function objectText(members: readonly [string, unknown][], spaces: readonly string[]): string {
  let cursor = 0;
  const space = () => spaces[cursor++ % spaces.length] ?? "";
  const body = members.map(([key, value]) => `${space()}${JSON.stringify(key)}${space()}:${space()}${JSON.stringify(value)}${space()}`);
  return `${space()}{${members.length === 0 ? space() : body.join(",")}}${space()}`;
}

const parametersText = fc
  .tuple(fc.uniqueArray(fc.tuple(parameterName, parameterValue), { selector: ([key]) => key, maxLength: 7 }), fc.array(whitespace, { minLength: 1, maxLength: 12 }))
  .map(([members, spaces]) => ({ members, text: objectText(members, spaces) }));

const className = fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,20}[a-z0-9])?$/);

describe("readParameter", () => {
  it.each([
    ["absent text", undefined, { state: "absent" }],
    ["empty text", "", { state: "absent" }],
    ["an object without it", '{"cpu_cores":"4"}', { state: "absent" }],
    ["an object with it", '{"storage_class":"fast"}', { state: "present", value: "fast" }],
    ["JSON null for it", '{"storage_class":null}', { state: "present", value: null }],
    ["broken JSON", '{"cpu_cores":', { state: "unreadable" }],
    ["a JSON array", "[]", { state: "unreadable" }],
    ["a JSON string", '"x"', { state: "unreadable" }],
    ["whitespace only", "  ", { state: "unreadable" }],
  ])("GIVEN %s WHEN storage_class is read THEN the answer is %j", (_case, text, expected) => {
    expect(readParameter(text, "storage_class")).toStrictEqual(expected);
  });
});

describe("appendParameter", () => {
  it.each([
    ["absent text", undefined, '{"storage_class":"fast"}'],
    ["empty text", "", '{"storage_class":"fast"}'],
    ["{}", "{}", '{"storage_class":"fast"}'],
    ["{ } with inner space", "{ }", '{ "storage_class":"fast"}'],
    ["Go's compact sorted form", '{"cpu_cores":"4","memory":"4Gi"}', '{"cpu_cores":"4","memory":"4Gi","storage_class":"fast"}'],
    ["spaces after colons and commas", '{"cpu_cores": "4", "memory": "4Gi"}', '{"cpu_cores": "4", "memory": "4Gi", "storage_class": "fast"}'],
    ["one member, padded", '{ "cpu_cores" : 4 }', '{ "cpu_cores" : 4, "storage_class" : "fast" }'],
    [
      "pretty-printed with two-space indent",
      '{\n  "cpu_cores": "4",\n  "memory": "4Gi"\n}\n',
      '{\n  "cpu_cores": "4",\n  "memory": "4Gi",\n  "storage_class": "fast"\n}\n',
    ],
    ["a value with braces, quotes and escapes", '{"a":"}\\"{,","b":[1,{"c":"]"}]}', '{"a":"}\\"{,","b":[1,{"c":"]"}],"storage_class":"fast"}'],
    ["a last value that is a number", '{"cpu_cores":4}', '{"cpu_cores":4,"storage_class":"fast"}'],
    ["a last value that is a literal", '{"ssh_public_key":null}', '{"ssh_public_key":null,"storage_class":"fast"}'],
  ])("GIVEN %s WHEN storage_class is appended THEN the text becomes %j", (_case, text, expected) => {
    expect(appendParameter(text, "storage_class", "fast")).toBe(expected);
  });

  it("GIVEN a value needing escapes THEN it is written with JSON.stringify", () => {
    expect(appendParameter("{}", "storage_class", 'a"b\\c')).toBe('{"storage_class":"a\\"b\\\\c"}');
  });

  it("GIVEN random valid parameter texts (any key order and whitespace) WHEN storage_class is appended THEN every other byte is kept and the result parses to the original plus storage_class", () => {
    fc.assert(
      fc.property(parametersText, className, ({ members, text }, name) => {
        const edited = appendParameter(text, "storage_class", name);
        expect(isSingleInsertion(text, edited)).toBe(true);
        const decoded = JSON.parse(edited) as Record<string, unknown>;
        // Through JSON once, as the member values were (-0 is written as 0).
        const original = JSON.parse(JSON.stringify(Object.fromEntries(members))) as Record<string, unknown>;
        expect(decoded).toStrictEqual({ ...original, storage_class: name });
        expect(Object.keys(decoded).at(-1)).toBe("storage_class");
        expect(readParameter(edited, "storage_class")).toStrictEqual({ state: "present", value: name });
      }),
      { numRuns: 2000 },
    );
  });

  it("GIVEN any JSON object text (nested values included) WHEN a member is appended THEN it is a single insertion that parses to the original plus the member", () => {
    const anyObject = fc.dictionary(fc.string().filter((key) => key !== "storage_class" && key !== "__proto__"), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });
    fc.assert(
      fc.property(anyObject, fc.constantFrom(0, 2, "\t"), className, (object, indent, name) => {
        const text = JSON.stringify(object, null, indent);
        const edited = appendParameter(text, "storage_class", name);
        expect(isSingleInsertion(text, edited)).toBe(true);
        expect(JSON.parse(edited)).toStrictEqual({ ...(JSON.parse(text) as object), storage_class: name });
      }),
      { numRuns: 1000 },
    );
  });
});
