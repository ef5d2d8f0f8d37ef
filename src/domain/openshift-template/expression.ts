import { replaceFirst } from "./substitute.ts";

/**
 * The `expression` generator, ported from library-go `generator/expressionvalue.go`
 * (ExpressionValueGenerator.GenerateValue): every `[<class>]{N}` in `from`, left to right, is
 * replaced by N characters drawn from the class; the rest of `from` is literal. Upstream draws
 * with Go's `math/rand`; here the draws come from a `RandomIndexSource` (keyed per order in
 * production, see keyed-random.ts), so only the source differs, never the alphabet or the order.
 */

/** Where the characters come from: an integer in [0, bound), like Go's `rand.Intn(bound)`. */
export interface RandomIndexSource {
  nextIndex(bound: number): number;
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const NUMERALS = "0123456789";
const SYMBOLS = "~!@#$%^&*()-_+={}[]\\|<,>.?/\"';:`";
const ASCII = ALPHABET + NUMERALS + SYMBOLS;

/** library-go `rangeExp`: one class item, `a-z`, `\w`, or a single character. */
const RANGE = /([\\]?[a-zA-Z0-9]\-?[a-zA-Z0-9]?)/g;
/** library-go `generatorsExp`: `[<class>]{<digits>}`. */
const GENERATOR = /\[([a-zA-Z0-9\-\\]+)\](\{([0-9]+)\})/;
/** library-go `expressionExp`: the class must hold `\w`, `\d`, `\a`, `\A` or end in ranges. */
const EXPRESSION = /\[(\\w|\\d|\\a|\\A)|([a-zA-Z0-9]\-[a-zA-Z0-9])+\]/;

export const MAX_GENERATED_LENGTH = 255;
/**
 * Generated characters can form a new `[..]{N}` with the literal text around them, which the loop
 * then expands too (as upstream). Real expressions need a handful of rounds; this bounds the
 * pathological ones, where upstream would keep drawing.
 */
const MAX_ROUNDS = 1_000;

export type ExpressionErrorCode = "MalformedExpression" | "InvalidRange" | "InvalidLength" | "EmptyClass" | "TooManyRounds";

export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
  constructor(
    readonly code: ExpressionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What `[..]{N}` constructs accept, for error messages. */
export const EXPRESSION_SYNTAX =
  "'[<class>]{N}' with N from 1 to 255 and a class of ranges such as 'a-z', 'A-Z', '0-9' (the upper bound excluded, as OpenShift does) or \\w, \\d, \\a, \\A";

export function generateExpressionValue(from: string, source: RandomIndexSource): string {
  let expression = from;
  for (let round = 0; ; round++) {
    const match = GENERATOR.exec(expression);
    if (!match) return expression;
    if (round === MAX_ROUNDS) {
      throw new ExpressionError("TooManyRounds", `generated characters kept forming new [..]{N} constructs after ${MAX_ROUNDS} rounds`);
    }
    const construct = match[0];
    const { classText, length } = classAndLength(construct);
    const alphabet = alphabetOf(classText);
    let generated = "";
    for (let i = 0; i < length; i++) generated += alphabet[source.nextIndex(alphabet.length)];
    expression = replaceFirst(expression, construct, generated);
  }
}

/** library-go `rangesAndLength`: the `[..]` part (brackets included) and N, checked. */
function classAndLength(construct: string): { classText: string; length: number } {
  const brace = construct.lastIndexOf("{");
  const classText = construct.slice(0, brace);
  if (!EXPRESSION.test(classText)) {
    throw new ExpressionError("MalformedExpression", `malformed expression syntax '${classText}': a class needs a range such as 'a-z' or one of \\w, \\d, \\a, \\A`);
  }
  const digits = construct.slice(brace + 1, -1);
  const length = Number(digits);
  if (length > 0 && length <= MAX_GENERATED_LENGTH) return { classText, length };
  throw new ExpressionError("InvalidLength", `the length {${digits}} must be within 1 to ${MAX_GENERATED_LENGTH} characters`);
}

/** library-go `findExpressionPos` + `replaceWithGenerated`'s alphabet, then `removeDuplicateChars`. */
function alphabetOf(classText: string): string {
  let alphabet = "";
  for (const [item] of classText.matchAll(RANGE)) {
    const first = item[0]!;
    const last = item[item.length - 1]!;
    switch (first + last) {
      case "\\w":
        alphabet += ALPHABET + NUMERALS + "_";
        break;
      case "\\d":
        alphabet += NUMERALS;
        break;
      case "\\a":
        alphabet += ALPHABET + NUMERALS;
        break;
      case "\\A":
        alphabet += SYMBOLS;
        break;
      default:
        alphabet += alphabetSlice(first, last);
    }
  }
  alphabet = removeDuplicateChars(alphabet);
  if (alphabet.length === 0) {
    // Upstream calls rand.Intn(0), which panics.
    throw new ExpressionError("EmptyClass", `the class '${classText}' has no characters (a range's upper bound is excluded, so 'a-a' is empty)`);
  }
  return alphabet;
}

/** library-go `alphabetSlice`: `ASCII[index(from) : lastIndex(to)]`, so the upper bound is excluded. */
function alphabetSlice(from: string, to: string): string {
  const left = ASCII.indexOf(from);
  const right = ASCII.lastIndexOf(to);
  if (left > right) throw new ExpressionError("InvalidRange", `invalid range specified: ${from}-${to}`);
  return ASCII.slice(left, right);
}

/**
 * library-go `removeDuplicateChars`, exactly: a duplicate is overwritten by the last character, so
 * the order can change (`test@@` gives `tes@`), and the order decides which index draws which
 * character.
 */
export function removeDuplicateChars(input: string): string {
  const data = [...input];
  let length = data.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (data[i] === data[j]) {
        data[j] = data[length]!;
        data.length = length;
        length--;
        j--;
      }
    }
  }
  return data.join("");
}
