/**
 * Where a JSON text (RFC 8259, what `JSON.parse` accepts) first goes wrong, for messages that must
 * give a position without quoting the input: the text may hold cloud-init user data, and V8's own
 * messages quote it (`Unexpected token 'o', "{oops" is not valid JSON`) and give a position only
 * for some errors. Called only after `JSON.parse` has failed, so speed does not matter; it runs in
 * one pass with an explicit stack, so deep nesting cannot overflow the call stack.
 */
export interface JsonSyntaxError {
  /** What was expected at that point, as a phrase; never quotes the input. */
  readonly expected: string;
  /** 0-based index into the text (UTF-16 code units, as JavaScript strings count). */
  readonly offset: number;
  /** 1-based line (lines end at "\n"). */
  readonly line: number;
  /** 1-based column, in characters (code points) from the start of the line. */
  readonly column: number;
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
const HEX_DIGIT = /^[0-9a-fA-F]$/;
const DIGIT = /^[0-9]$/;
const VALUE = "a value (an object, array, string, number, true, false or null)";
const LITERALS = ["true", "false", "null"] as const;
/** A truncated text can leave a million brackets open: the message names the innermost few. */
const MAX_CLOSERS_SHOWN = 5;

type Container = "object" | "array";
/** What the scanner needs next. */
type State = "value" | "value-or-close" | "key" | "key-or-close" | "colon" | "comma-or-close" | "end";

/** Undefined when the text is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: Container[] = [];
  let state: State = "value";
  let index = 0;
  const fail = (expected: string, at: number = index): JsonSyntaxError => positionOf(text, at, expected);

  for (;;) {
    while (index < text.length && WHITESPACE.has(text[index] as string)) index += 1;
    const char = text[index];
    if (state === "end") return char === undefined ? undefined : fail("the end of the text after the JSON value");
    if (char === undefined) return fail(expectationAtEnd(state, stack));

    if (state === "colon") {
      if (char !== ":") return fail("':' after the property name");
      index += 1;
      state = "value";
      continue;
    }
    if (state === "comma-or-close") {
      const container = stack[stack.length - 1];
      const close = container === "object" ? "}" : "]";
      if (char === ",") {
        index += 1;
        state = container === "object" ? "key" : "value";
      } else if (char === close) {
        index += 1;
        stack.pop();
        state = stack.length === 0 ? "end" : "comma-or-close";
      } else {
        return fail(`',' or '${close}'`);
      }
      continue;
    }
    if (state === "key" || state === "key-or-close") {
      if (state === "key-or-close" && char === "}") {
        index += 1;
        stack.pop();
        state = stack.length === 0 ? "end" : "comma-or-close";
        continue;
      }
      if (char !== '"') return fail(state === "key" ? "a property name in double quotes" : "a property name in double quotes or '}'");
      const end = scanString(text, index);
      if (typeof end !== "number") return end;
      index = end;
      state = "colon";
      continue;
    }
    // state is "value" or "value-or-close"
    if (state === "value-or-close" && char === "]") {
      index += 1;
      stack.pop();
      state = stack.length === 0 ? "end" : "comma-or-close";
      continue;
    }
    if (char === "{" || char === "[") {
      stack.push(char === "{" ? "object" : "array");
      index += 1;
      state = char === "{" ? "key-or-close" : "value-or-close";
      continue;
    }
    const end = scanScalar(text, index);
    if (typeof end !== "number") return end;
    index = end;
    state = stack.length === 0 ? "end" : "comma-or-close";
  }

  function scanScalar(source: string, from: number): number | JsonSyntaxError {
    const first = source[from];
    if (first === '"') return scanString(source, from);
    if (first === "-" || DIGIT.test(first ?? "")) return scanNumber(source, from);
    for (const literal of LITERALS) {
      if (first !== literal[0]) continue;
      for (let offset = 1; offset < literal.length; offset += 1) {
        if (source[from + offset] !== literal[offset]) return fail(`'${literal}'`, from);
      }
      return from + literal.length;
    }
    return fail(state === "value-or-close" ? `${VALUE} or ']'` : VALUE, from);
  }

  function scanString(source: string, from: number): number | JsonSyntaxError {
    let at = from + 1;
    for (;;) {
      const char = source[at];
      if (char === undefined) return fail("the closing '\"' of the string that starts here", from);
      if (char === '"') return at + 1;
      if (char.charCodeAt(0) < 0x20) return fail("no control character (line break, tab) inside a string: escape it, e.g. \\n", at);
      if (char !== "\\") {
        at += 1;
        continue;
      }
      const escaped = source[at + 1];
      if (escaped === "u") {
        for (let digit = 2; digit < 6; digit += 1) {
          if (!HEX_DIGIT.test(source[at + digit] ?? "")) return fail("four hexadecimal digits after '\\u'", at);
        }
        at += 6;
      } else if (escaped !== undefined && ESCAPES.has(escaped)) {
        at += 2;
      } else {
        return fail("an escape sequence: \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX", at);
      }
    }
  }

  function scanNumber(source: string, from: number): number | JsonSyntaxError {
    let at = from;
    if (source[at] === "-") at += 1;
    if (source[at] === "0") {
      at += 1;
    } else if (DIGIT.test(source[at] ?? "")) {
      while (DIGIT.test(source[at] ?? "")) at += 1;
    } else {
      return fail("a digit in the number", at);
    }
    if (source[at] === ".") {
      at += 1;
      if (!DIGIT.test(source[at] ?? "")) return fail("a digit after the decimal point", at);
      while (DIGIT.test(source[at] ?? "")) at += 1;
    }
    if (source[at] === "e" || source[at] === "E") {
      at += 1;
      if (source[at] === "+" || source[at] === "-") at += 1;
      if (!DIGIT.test(source[at] ?? "")) return fail("a digit in the exponent", at);
      while (DIGIT.test(source[at] ?? "")) at += 1;
    }
    return at;
  }
}

function expectationAtEnd(state: State, stack: readonly Container[]): string {
  if (stack.length === 0) return VALUE;
  const innermost = stack.slice(-MAX_CLOSERS_SHOWN).reverse();
  const more = stack.length > MAX_CLOSERS_SHOWN ? ` and ${stack.length - MAX_CLOSERS_SHOWN} more` : "";
  const closers = innermost.map((container) => (container === "object" ? "'}'" : "']'")).join(" ") + more;
  if (state === "comma-or-close") return `more, or the closing ${closers}`;
  if (state === "colon") return "':' after the property name";
  return `${state === "key" || state === "key-or-close" ? "a property name" : VALUE}, then the closing ${closers}`;
}

function positionOf(text: string, offset: number, expected: string): JsonSyntaxError {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  let line = 1;
  for (let at = text.indexOf("\n"); at !== -1 && at < offset; at = text.indexOf("\n", at + 1)) line += 1;
  const column = [...text.slice(lineStart, offset)].length + 1;
  return { expected, offset, line, column };
}

/**
 * `expected X at line L, column C (position N)`, or "ends too early" at the end of the text. The
 * position is 0-based, as `JSON.parse` counts it; line and column are 1-based, as editors count.
 */
export function describeJsonSyntaxError(error: JsonSyntaxError, textLength: number): string {
  const where = `line ${error.line}, column ${error.column} (position ${error.offset})`;
  return error.offset >= textLength ? `ends too early at ${where}: expected ${error.expected}` : `expected ${error.expected} at ${where}`;
}
