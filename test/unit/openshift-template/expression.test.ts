import { describe, expect, it } from "vitest";
import { ExpressionError, generateExpressionValue, removeDuplicateChars, type RandomIndexSource } from "../../../src/domain/openshift-template/index.ts";

/**
 * library-go `generator/expressionvalue_test.go`, re-expressed. Its expected strings come from Go's
 * math/rand seeded with 1337; the conformance suite reproduces them exactly with Go's own
 * generator. Here: the same expressions checked for shape, and scripted draws to pin the exact
 * alphabets, their order and the draw sequence.
 */

/** Records every bound asked for and answers from a script (cycling), or with 0. */
function scripted(indices: readonly number[] = [0]): RandomIndexSource & { bounds: number[] } {
  const bounds: number[] = [];
  let next = 0;
  return {
    bounds,
    nextIndex(bound: number) {
      bounds.push(bound);
      return indices[next++ % indices.length]! % bound;
    },
  };
}

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const DIGITS = "0123456789";
const SYMBOLS = "~!@#$%^&*()-_+={}[]\\|<,>.?/\"';:`";

/** Every character `alphabet` can produce, in draw order: draws 0, 1, 2, … */
function alphabetOf(classText: string): string {
  const probe = scripted([0]);
  generateExpressionValue(`${classText}{1}`, probe);
  const size = probe.bounds[0]!;
  return generateExpressionValue(`${classText}{${size}}`, scripted([...Array(size).keys()]));
}

describe("TestExpressionValueGenerator (library-go), re-expressed as shapes", () => {
  // [expression, upstream value with seed 1337, literal prefix, literal suffix, generated alphabet]
  const cases: [string, string, string, string, string][] = [
    ["test[A-Z0-9]{4}template", "testQ3HVtemplate", "test", "template", "ABCDEFGHIJKLMNOPQRSTUVWXY012345678"],
    ["[\\d]{3}", "889", "", "", DIGITS],
    ["[\\w]{20}", "hiG4uRbcUDd5PEJLyHZ7", "", "", LOWER + UPPER + DIGITS + "_"],
    ["[\\a]{10}", "4U390O49B9", "", "", LOWER + UPPER + DIGITS],
    ["[\\A]{10}", ")^&-|_:[><", "", "", SYMBOLS],
    ["strongPassword[\\w]{3}[\\A]{3}", "strongPasswordhiG-|_", "strongPassword", "", LOWER + UPPER + DIGITS + "_" + SYMBOLS],
    ["admin[0-9]{2}[A-Z]{2}", "admin78YB", "admin", "", DIGITS + UPPER],
    ["admin[0-9]{2}test[A-Z]{2}", "admin78testYB", "admin", "", DIGITS + UPPER + "test"],
  ];

  it.each(cases)("GIVEN %j THEN the value has upstream's shape (upstream gave %j)", (expression, upstream, prefix, suffix, alphabet) => {
    for (const draws of [[0], [5, 3, 1], [92, 17, 60, 2]]) {
      const value = generateExpressionValue(expression, scripted(draws));
      expect(value).toHaveLength(upstream.length);
      expect(value.startsWith(prefix) && value.endsWith(suffix)).toBe(true);
      for (const char of value.slice(prefix.length, value.length - suffix.length)) expect(alphabet).toContain(char);
    }
    // Upstream's own value has the same shape.
    for (const char of upstream.slice(prefix.length, upstream.length - suffix.length)) expect(alphabet).toContain(char);
  });

  it("GIVEN two constructs THEN they are drawn left to right, each from its own alphabet", () => {
    const source = scripted([0]);
    expect(generateExpressionValue("admin[0-9]{2}test[A-Z]{2}", source)).toBe("admin00testAA");
    expect(source.bounds).toEqual([9, 9, 25, 25]);
  });
});

describe("effective alphabets: a range excludes its upper bound (library-go alphabetSlice)", () => {
  it.each([
    ["[a-z0-9]", "abcdefghijklmnopqrstuvwxy012345678"],
    ["[A-Z0-9]", "ABCDEFGHIJKLMNOPQRSTUVWXY012345678"],
    ["[a-zA-Z0-9]", "abcdefghijklmnopqrstuvwxyABCDEFGHIJKLMNOPQRSTUVWXY012345678"],
    ["[0-9]", "012345678"],
    ["[\\d]", DIGITS],
    ["[\\a]", LOWER + UPPER + DIGITS],
    ["[\\w]", LOWER + UPPER + DIGITS + "_"],
    ["[\\A]", SYMBOLS],
    // "a-c" gives "ab", "b-d" gives "bc"; the duplicate b is overwritten by the last character.
    ["[a-cb-d]", "abc"],
    // \w then \d: every digit is a duplicate, each swapped with the current last character.
    ["[\\w\\d]", removeDuplicateChars(LOWER + UPPER + DIGITS + "_" + DIGITS)],
    // Upstream's item pattern reads "a0" as a range from a to 0 (all letters), then "9" alone (empty).
    ["[a0-9]", LOWER + UPPER],
    // … and "\\wA" as the item "\\A" (symbols), then "Z" alone (empty).
    ["[\\wA-Z]", SYMBOLS],
  ])("GIVEN %s THEN draws 0, 1, … give %j", (classText, expected) => {
    expect(alphabetOf(classText)).toBe(expected);
  });

  it("GIVEN the common templates' password expression THEN it never produces z or 9", () => {
    const value = generateExpressionValue("[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}", scripted([...Array(34).keys()]));
    expect(value).toMatch(/^[a-y0-8]{4}-[a-y0-8]{4}-[a-y0-8]{4}$/);
  });
});

describe("TestRemoveDuplicatedCharacters (library-go), re-expressed", () => {
  it.each([
    ["abcdefgh", "abcdefgh"],
    ["abcabc", "abc"],
    ["1111111", "1"],
    ["1234567890", "1234567890"],
    ["test@@", "tes@"],
  ])("GIVEN %j THEN %j", (input, expected) => {
    expect(removeDuplicateChars(input)).toBe(expected);
  });
});

describe("TestExpressionValueGeneratorErrors (library-go), re-expressed, and more", () => {
  it.each([
    ["[ABC]{3}", "MalformedExpression", "a class needs a range"],
    ["[Z-A]{3}", "InvalidRange", "Z-A"],
    ["[A-Z]{300}", "InvalidLength", "1 to 255"],
    ["[A-Z]{0}", "InvalidLength", "1 to 255"],
    ["[A-Z]{99999999999999999999}", "InvalidLength", "1 to 255"],
    ["[\\x]{2}", "MalformedExpression", "a class needs a range"],
    ["[\\x0-9]{2}", "InvalidRange", "\\-0"],
    ["[a-zA]{2}", "MalformedExpression", "a class needs a range"],
    ["[a-a]{3}", "EmptyClass", "no characters"],
  ])("GIVEN %j THEN %s", (expression, code, message) => {
    let caught: unknown;
    try {
      generateExpressionValue(expression, scripted());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExpressionError);
    expect((caught as ExpressionError).code).toBe(code);
    expect((caught as ExpressionError).message).toContain(message);
  });

  it.each([
    ["no construct", "literal", "literal"],
    ["a class without {N} is literal", "[a-z]x", "[a-z]x"],
    ["{255} is the longest", "[0-9]{255}", "0".repeat(255)],
    ["leading zeros in N", "[0-9]{007}", "0000000"],
    ["non-ASCII text around a construct stays", "é[0-9]{2}ü", "é00ü"],
  ])("GIVEN %s (%j) THEN %j", (_name, expression, expected) => {
    expect(generateExpressionValue(expression, scripted([0]))).toBe(expected);
  });

  it("GIVEN generated characters that form a new construct THEN it is expanded too, as upstream's loop does", () => {
    // [\A]{1} draws '[' (index 17 of the symbols), giving "[a-c]{2}", which the loop expands next.
    const source = scripted([17, 0, 1]);
    expect(generateExpressionValue("[\\A]{1}a-c]{2}", source)).toBe("ab");
    expect(source.bounds).toEqual([32, 2, 2]);
  });
});
