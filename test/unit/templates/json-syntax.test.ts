import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeJsonSyntaxError, findJsonSyntaxError } from "../../../src/domain/templates/json-syntax.ts";

const VALUE = "a value (an object, array, string, number, true, false or null)";

describe("findJsonSyntaxError", () => {
  it.each([
    ["{}"],
    [' { "a" : [1, -2.5e+3, 0, "x\\u00e9\\n", true, false, null, {}] } '],
    ['"just a string"'],
    ["0"],
    ["[[[[[]]]]]"],
  ])("GIVEN the valid JSON %j THEN no error", (text) => {
    expect(findJsonSyntaxError(text)).toBeUndefined();
  });

  it.each([
    ["", VALUE, 0, 1, 1],
    ["{oops}", "a property name in double quotes or '}'", 1, 1, 2],
    ['{"a":1,}', "a property name in double quotes", 7, 1, 8],
    ['{"a" 1}', "':' after the property name", 5, 1, 6],
    ['{"a":1 "b":2}', "',' or '}'", 7, 1, 8],
    ["[1 2]", "',' or ']'", 3, 1, 4],
    ["[1,]", VALUE, 3, 1, 4],
    ["{}{}", "the end of the text after the JSON value", 2, 1, 3],
    ["01", "the end of the text after the JSON value", 1, 1, 2],
    ["-", "a digit in the number", 1, 1, 2],
    ["1.", "a digit after the decimal point", 2, 1, 3],
    ["1e", "a digit in the exponent", 2, 1, 3],
    ["tru", "'true'", 0, 1, 1],
    ["nul", "'null'", 0, 1, 1],
    ['"abc', "the closing '\"' of the string that starts here", 0, 1, 1],
    ['"a\tb"', "no control character (line break, tab) inside a string: escape it, e.g. \\n", 2, 1, 3],
    ['"\\x"', "an escape sequence: \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX", 1, 1, 2],
    ['"\\u12G4"', "four hexadecimal digits after '\\u'", 1, 1, 2],
    ["{\n  \"a\": 1,\n  \"b\" 2\n}", "':' after the property name", 18, 3, 7],
    ["\uFEFF{}", VALUE, 0, 1, 1],
    ['{"é": 1 x}', "',' or '}'", 8, 1, 9],
    ['{"😀": 1 x}', "',' or '}'", 9, 1, 9],
  ])("GIVEN %j THEN it expected %s at offset %i (line %i, column %i)", (text, expected, offset, line, column) => {
    expect(findJsonSyntaxError(text)).toEqual({ expected, offset, line, column });
  });

  it.each([
    ['{"a":1', "more, or the closing '}'"],
    ['[{"a":[1', "more, or the closing ']' '}' ']'"],
    ['{"a"', "':' after the property name"],
    ['{"a":', `${VALUE}, then the closing '}'`],
    ["{", "a property name, then the closing '}'"],
  ])("GIVEN the truncated %j THEN it says what was still expected", (text, expected) => {
    const error = findJsonSyntaxError(text);
    expect(error?.expected).toBe(expected);
    expect(error?.offset).toBe(text.length);
  });

  it("GIVEN a million opening brackets THEN it answers without overflowing the stack", () => {
    const text = "[".repeat(1_000_000);
    const error = findJsonSyntaxError(text);
    expect(error?.offset).toBe(1_000_000);
    expect(error?.expected).toBe(`${VALUE}, then the closing ']' ']' ']' ']' ']' and 999995 more`);
  });

  it("GIVEN any text THEN it finds an error exactly when JSON.parse throws", () => {
    const jsonish = fc.string({ unit: fc.constantFrom(..."{}[]:,\"\\ \n\t-+.eE0123456789aeflnrstu") });
    const mutatedJson = fc.tuple(fc.json(), fc.nat(), fc.string({ maxLength: 2 })).map(([json, at, insert]) => {
      const index = at % (json.length + 1);
      return json.slice(0, index) + insert + json.slice(index);
    });
    fc.assert(
      fc.property(fc.oneof(jsonish, mutatedJson, fc.json(), fc.string()), (text) => {
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        expect(findJsonSyntaxError(text) === undefined).toBe(parses);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe("describeJsonSyntaxError", () => {
  it("GIVEN an error inside the text THEN 'expected … at line, column (position)'", () => {
    const text = '{"a":1 "b":2}';
    expect(describeJsonSyntaxError(findJsonSyntaxError(text)!, text.length)).toBe("expected ',' or '}' at line 1, column 8 (position 7)");
  });

  it("GIVEN a text that ends too early THEN it says so", () => {
    const text = '{"a":1';
    expect(describeJsonSyntaxError(findJsonSyntaxError(text)!, text.length)).toBe("ends too early at line 1, column 7 (position 6): expected more, or the closing '}'");
  });
});
