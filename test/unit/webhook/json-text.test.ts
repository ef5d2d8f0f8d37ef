import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonStringLiteral } from "../../../src/platform/json-text.ts";
import { jsonPatchText } from "../../../src/webhook/admission/json-patch.ts";
import type { JsonPatchOperation } from "../../../src/webhook/admission/types.ts";

const TRICKY = ['"', "\\", "\n", "\u0000", "\u001f", "\u007f", "é", "😀", "\u2028", "\ud800", "\udc00", "</script>", "{}"];
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(...TRICKY)), { maxLength: 12 }).map((parts) => parts.join("")),
);

describe("jsonStringLiteral", () => {
  it("GIVEN any string (quotes, backslashes, controls, unicode, lone surrogates) THEN it is exactly JSON.stringify's literal", () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(jsonStringLiteral(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 5_000 },
    );
  });

  it.each([
    ["", '""'],
    ['{"a":"1"}', '"{\\"a\\":\\"1\\"}"'],
    ["back\\slash", '"back\\\\slash"'],
    ["tab\there", '"tab\\there"'],
  ])("GIVEN %j THEN the literal is %s", (value, literal) => {
    expect(jsonStringLiteral(value)).toBe(literal);
  });
});

describe("jsonPatchText", () => {
  const operation: fc.Arbitrary<JsonPatchOperation> = fc.record(
    {
      op: fc.constantFrom("add", "replace", "remove", "test"),
      path: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }).map((tokens) => tokens.map((token) => `/${token}`).join("")),
      value: fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.dictionary(fc.string({ maxLength: 5 }), text, { maxKeys: 3 })),
    },
    { requiredKeys: ["op", "path"] },
  );

  it("GIVEN any patch THEN the text is exactly JSON.stringify(patch)", () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 4 }), (patch) => {
        expect(jsonPatchText(patch)).toBe(JSON.stringify(patch));
      }),
      { numRuns: 3_000 },
    );
  });
});
