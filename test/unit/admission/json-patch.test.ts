import { describe, expect, it } from "vitest";
import { applyJsonPatch, escapePointerToken, JsonPatchError, pointer, unescapePointerToken } from "../../../src/webhook/admission/json-patch.ts";
import type { JsonPatchOperation } from "../../../src/webhook/admission/types.ts";

describe("RFC 6901 pointers", () => {
  it.each([
    ["cloudkit.openshift.io/managed-by", "cloudkit.openshift.io~1managed-by"],
    ["a~b", "a~0b"],
    ["~1", "~01"],
    ["/~", "~1~0"],
    ["plain", "plain"],
  ])("GIVEN the token %j THEN it escapes to %j and back", (token, escaped) => {
    expect(escapePointerToken(token)).toBe(escaped);
    expect(unescapePointerToken(escaped)).toBe(token);
  });

  it("GIVEN member names THEN the pointer joins their escaped forms", () => {
    expect(pointer("metadata", "annotations", "cloudkit.openshift.io/managed-by")).toBe("/metadata/annotations/cloudkit.openshift.io~1managed-by");
  });
});

describe("applyJsonPatch (the reference applier the admission tests use)", () => {
  const cases: [string, unknown, JsonPatchOperation[], unknown][] = [
    ["A.1 add an object member", { foo: "bar" }, [{ op: "add", path: "/baz", value: "qux" }], { foo: "bar", baz: "qux" }],
    ["A.2 add an array element", { foo: ["bar", "baz"] }, [{ op: "add", path: "/foo/1", value: "qux" }], { foo: ["bar", "qux", "baz"] }],
    ["A.3 remove an object member", { baz: "qux", foo: "bar" }, [{ op: "remove", path: "/baz" }], { foo: "bar" }],
    ["A.5 replace a value", { baz: "qux", foo: "bar" }, [{ op: "replace", path: "/baz", value: "boo" }], { baz: "boo", foo: "bar" }],
    ["A.10 add a nested member object", { foo: "bar" }, [{ op: "add", path: "/child", value: { grandchild: {} } }], { foo: "bar", child: { grandchild: {} } }],
    ["A.14 ~ escape ordering", { "/": 9, "~1": 10 }, [{ op: "test", path: "/~01", value: 10 }], { "/": 9, "~1": 10 }],
    ["A.16 add to the end of an array", { foo: ["bar"] }, [{ op: "add", path: "/foo/-", value: ["abc", "def"] }], { foo: ["bar", ["abc", "def"]] }],
    ["add replaces an existing member", { a: { b: 1 } }, [{ op: "add", path: "/a", value: { c: 2 } }], { a: { c: 2 } }],
    ["add replaces a null member", { metadata: { annotations: null } }, [{ op: "add", path: "/metadata/annotations", value: { k: "v" } }], { metadata: { annotations: { k: "v" } } }],
  ];
  it.each(cases)("GIVEN RFC 6902 %s THEN the result matches", (_case, document, patch, expected) => {
    expect(applyJsonPatch(document, patch)).toStrictEqual(expected);
  });

  it.each([
    ["A.9 a failing test", { baz: "qux" }, [{ op: "test", path: "/baz", value: "bar" }]],
    ["A.12 add to a nonexistent target", { foo: "bar" }, [{ op: "add", path: "/baz/bat", value: "qux" }]],
    ["replace of a missing member", { foo: "bar" }, [{ op: "replace", path: "/baz", value: 1 }]],
    ["an out-of-bounds index", { foo: [] }, [{ op: "add", path: "/foo/2", value: 1 }]],
  ] as [string, unknown, JsonPatchOperation[]][])("GIVEN RFC 6902 %s THEN it throws", (_case, document, patch) => {
    expect(() => applyJsonPatch(document, patch)).toThrow(JsonPatchError);
  });

  it("GIVEN a document THEN it is not modified in place", () => {
    const document = { a: { b: 1 } };
    applyJsonPatch(document, [{ op: "add", path: "/a/c", value: 2 }]);
    expect(document).toStrictEqual({ a: { b: 1 } });
  });
});
