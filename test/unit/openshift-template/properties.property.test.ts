import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateExpressionValue, keyedIndexSource, processTemplate, type JsonObject } from "../../../src/domain/openshift-template/index.ts";
import { substituteString } from "../../../src/domain/openshift-template/substitute.ts";

/** Open-ended inputs: substitution and generation over generated texts and expressions. */

const NAME = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/);
/** Text that cannot form or break a reference: no `$`, `{`, `}`. */
const LITERAL = fc.string({ maxLength: 12 }).map((text) => text.replace(/[${}]/g, ""));

describe("substitution properties", () => {
  it("GIVEN text without '${' THEN it is returned unchanged, as a string", () => {
    fc.assert(
      fc.property(fc.string().filter((text) => !text.includes("${")), fc.dictionary(NAME, LITERAL), (text, values) => {
        expect(substituteString(new Map(Object.entries(values)), text)).toEqual({ text, asString: true });
      }),
    );
  });

  it("GIVEN literals and ${NAME} references THEN known names become their values and unknown ones stay", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(LITERAL, NAME), { maxLength: 6 }), LITERAL, fc.dictionary(NAME, LITERAL), (parts, tail, values) => {
        const input = parts.map(([literal, name]) => `${literal}\${${name}}`).join("") + tail;
        const expected = parts.map(([literal, name]) => literal + (Object.hasOwn(values, name) ? values[name] : `\${${name}}`)).join("") + tail;
        const result = substituteString(new Map(Object.entries(values)), input);
        expect(result.text).toBe(expected);
      }),
    );
  });

  it("GIVEN any JSON-like object THEN processing without references returns an equal copy", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string().filter((key) => !key.includes("${") && key !== "items" && key !== "__proto__"), fc.jsonValue()), (fields) => {
        const withoutReferences = JSON.parse(JSON.stringify(fields).replaceAll("${", "$ {")) as JsonObject;
        delete withoutReferences.metadata;
        delete withoutReferences.namespace;
        const object = { ...withoutReferences, apiVersion: "example.com/v1", kind: "Thing" };
        const result = processTemplate({ metadata: { name: "t" }, objects: [object], parameters: [] }, { generators: {} });
        expect(result.value?.objects[0]).toEqual(object);
      }),
    );
  });
});

describe("generation properties", () => {
  // Upstream's class grammar: backslash classes right after '[', or ranges up to ']'. A range
  // right after a backslash class is misread upstream ("\\w0-9" reads "\\w0" as one item), and `\\A`
  // is left out: its symbols include brackets and braces, which can form new constructs with the
  // text around them (expanded too, as upstream does, so the lengths would not add up).
  const CLASSES = fc.oneof(fc.subarray(["\\w", "\\d", "\\a"], { minLength: 1 }), fc.subarray(["a-z", "A-Z", "0-9"], { minLength: 1 }));
  const CONSTRUCT = fc.tuple(CLASSES, fc.integer({ min: 1, max: 255 }));

  it("GIVEN literal text and [class]{N} constructs THEN the literal text stays and each construct gives N characters", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.stringMatching(/^[a-z:.-]{0,5}$/), CONSTRUCT), { minLength: 1, maxLength: 4 }), fc.string(), (parts, identity) => {
        const expression = parts.map(([literal, [classes, length]]) => `${literal}[${classes.join("")}]{${length}}`).join("");
        const value = generateExpressionValue(expression, keyedIndexSource(Buffer.alloc(32, 1), identity, "P"));
        let position = 0;
        for (const [literal, [, length]] of parts) {
          expect(value.slice(position, position + literal.length)).toBe(literal);
          position += literal.length + length;
        }
        expect(value).toHaveLength(position);
      }),
    );
  });

  it("GIVEN any bound from 1 to 256 THEN every keyed draw is an integer in range", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 256 }), fc.string(), (bound, identity) => {
        const source = keyedIndexSource(Buffer.alloc(32, 2), identity, "P");
        for (let i = 0; i < 40; i++) {
          const index = source.nextIndex(bound);
          expect(Number.isInteger(index) && index >= 0 && index < bound).toBe(true);
        }
      }),
    );
  });
});
