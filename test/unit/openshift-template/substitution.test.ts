import { describe, expect, it } from "vitest";
import { processTemplate, type JsonObject, type JsonValue } from "../../../src/domain/openshift-template/index.ts";
import { substituteString } from "../../../src/domain/openshift-template/substitute.ts";
import { NO_GENERATORS, parameter, template } from "./support.ts";

/**
 * library-go `templateprocessing/template_test.go` TestProcessValue and `object_test.go`
 * TestVisitObjectStrings*, re-expressed as data.
 */

function processOne(object: JsonObject, parameters = PROCESS_VALUE_PARAMETERS): JsonObject {
  const result = processTemplate(template([object], parameters), { generators: NO_GENERATORS });
  expect(result.errors).toEqual([]);
  return result.value!.objects[0]!;
}

// TestProcessValue: the parameters addParameter() appends, in order.
const PROCESS_VALUE_PARAMETERS = [
  parameter("VALUE", "1"),
  parameter("STRING_1", "string1"),
  parameter("STRING_2", "string2"),
  parameter("INT_1", "1"),
  parameter("VALID_JSON_MAP", '{"key":"value"}'),
  parameter("INVALID_JSON_MAP", '{"key":"value"'),
  parameter("VALID_JSON_ARRAY", '["key","value"]'),
  parameter("INVALID_JSON_ARRAY", '["key":"value"'),
];

describe("TestProcessValue (library-go), re-expressed", () => {
  const labelCases: [string, string, JsonValue][] = [
    ["i1", "${{INT_1}}", 1],
    ["invalidjsonmap", "${{INVALID_JSON_MAP}}", '{"key":"value"'],
    ["invalidjsonarray", "${{INVALID_JSON_ARRAY}}", '["key":"value"'],
    ["key1", "${VALUE}", "1"],
    ["key2", "$${VALUE}", "$1"],
    ["quoted_string", "${{STRING_1}}", "string1"],
    ["s1_s1", "${STRING_1}_${STRING_1}", "string1_string1"],
    ["s1_s2", "${STRING_1}_${STRING_2}", "string1_string2"],
    ["untouched", "a${{INT_1}}", "a${{INT_1}}"],
    ["untouched2", "${{INT_1}}a", "${{INT_1}}a"],
    ["untouched3", "${{INVALID_PARAMETER}}", "${{INVALID_PARAMETER}}"],
    ["untouched4", "${{INVALID PARAMETER}}", "${{INVALID PARAMETER}}"],
    ["validjsonmap", "${{VALID_JSON_MAP}}", { key: "value" }],
    ["validjsonarray", "${{VALID_JSON_ARRAY}}", ["key", "value"]],
  ];
  const processed = processOne({
    kind: "Service",
    apiVersion: "v${VALUE}",
    metadata: { labels: Object.fromEntries(labelCases.map(([key, input]) => [key, input])) },
  });

  it("GIVEN apiVersion v${VALUE} THEN it becomes v1", () => {
    expect(processed.apiVersion).toBe("v1");
    expect(processed.kind).toBe("Service");
  });

  it.each(labelCases)("GIVEN label %s = %j THEN it becomes %j", (key, _input, expected) => {
    expect((processed.metadata as JsonObject).labels).toHaveProperty([key], expected);
  });

  it("THEN the processed parameters are the given ones, in order, unchanged", () => {
    const result = processTemplate(template([], PROCESS_VALUE_PARAMETERS), { generators: NO_GENERATORS });
    expect(result.value?.parameters).toEqual(PROCESS_VALUE_PARAMETERS);
  });
});

describe("substitution rules beyond the upstream table", () => {
  const values = new Map([
    ["A", "${B}"],
    ["B", "b"],
    ["N", "42"],
    ["BIG", "1e400"],
  ]);

  it.each([
    ["no reference", "plain", "plain", true],
    ["unknown names stay", "${UNKNOWN}-${B}", "${UNKNOWN}-b", true],
    ["names with '-' are never references", "${PARAM-1}", "${PARAM-1}", true],
    ["a value holding ${B} text is hit by a later ${B} match first (Go's strings.Replace(…, 1))", "${A}-${B}", "b-${B}", true],
    ["${{N}} as the whole string is a non-string result", "${{N}}", "42", false],
    ["${{N}} inside a longer string is left alone", "x${{N}}", "x${{N}}", true],
    ["$ in a value is not a replacement pattern", "${B}", "b", true],
  ])("%s: %j → %j", (_name, input, text, asString) => {
    expect(substituteString(values, input)).toEqual({ text, asString });
  });

  it("GIVEN a value with JavaScript replacement patterns THEN they are inserted literally", () => {
    expect(substituteString(new Map([["P", "$&$1$$"]]), "x${P}y").text).toBe("x$&$1$$y");
  });

  it("GIVEN ${{BIG}} (1e400, which Go cannot decode) THEN the text stays a string", () => {
    const object = processOne({ kind: "ConfigMap", apiVersion: "v1", data: { n: "${{BIG}}" } }, [parameter("BIG", "1e400")]);
    expect(object.data).toEqual({ n: "1e400" });
  });

  it("GIVEN ${{X}} in array elements THEN each element is decoded", () => {
    const object = processOne({ kind: "ConfigMap", apiVersion: "v1", list: ["${{N}}", "${{T}}", "${N}"] }, [parameter("N", "7"), parameter("T", "true")]);
    expect(object.list).toEqual([7, true, "7"]);
  });

  it("GIVEN ${{X}} in a map key whose value is a JSON string THEN the key is that string", () => {
    const object = processOne({ kind: "ConfigMap", apiVersion: "v1", data: { "${{K}}": "v", "${{R}}": "w" } }, [parameter("K", '"quoted"'), parameter("R", "raw")]);
    expect(object.data).toEqual({ quoted: "v", raw: "w" });
  });

  it("GIVEN ${{X}} in a map key whose value is a number THEN processing fails naming the key (library-go panics)", () => {
    const result = processTemplate(template([{ kind: "ConfigMap", apiVersion: "v1", data: { "${{N}}": "v" } }], [parameter("N", "3")]), { generators: NO_GENERATORS });
    expect(result.value).toBeUndefined();
    expect(result.errors).toMatchObject([{ code: "NonStringKey", field: "objects[0]", value: "${{N}}" }]);
  });

  it("GIVEN a key __proto__ THEN it stays an own data key and no prototype changes", () => {
    const input = JSON.parse('{"kind":"ConfigMap","apiVersion":"v1","data":{"__proto__":{"polluted":"${B}"}}}') as JsonObject;
    const object = processOne(input, [parameter("B", "b")]);
    const data = object.data as JsonObject;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.hasOwn(data, "__proto__")).toBe(true);
    expect(JSON.stringify(data)).toBe('{"__proto__":{"polluted":"b"}}');
  });
});

/**
 * object_test.go: the visitor adds "sample-" to every string. Here the visitor is substitution:
 * every string of the input starts with ${PREFIX}, PREFIX = "sample-", and must come out with it
 * replaced, keys included, at every depth.
 */
describe("TestVisitObjectStrings* (library-go), re-expressed", () => {
  const PREFIX = [parameter("PREFIX", "sample-")];
  const prefixed = (value: JsonValue, prefix: string, skipEmpty: boolean): JsonValue => {
    if (typeof value === "string") return skipEmpty && value === "" ? value : prefix + value;
    if (Array.isArray(value)) return value.map((item) => prefixed(item, prefix, skipEmpty));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [skipEmpty && k === "" ? k : prefix + k, prefixed(v, prefix, skipEmpty)]));
    }
    return value;
  };

  // TestVisitObjectStringsOnStruct's samples as JSON (its visitor skips empty strings).
  const structSamples: [string, JsonValue][] = [
    ["empty struct", {}],
    ["plain field", { Name: "Foo" }],
    ["nil pointer", { Ptr: null }],
    ["pointer to struct", { Ptr: { Name: "foo" } }],
    ["nested struct with a number", { Inner: { Name: "foo", Number: 3 } }],
    ["array", { Array: ["foo", "bar"] }],
    ["map in map", { MapInMap: { foo: { bar: "test" } } }],
    ["array in array", { ArrayInArray: [["foo", "bar"]] }],
    ["array in map", { ArrayInMap: { key: ["foo", "bar"] } }],
  ];
  it.each(structSamples)("struct sample %s: every string and key is visited", (_name, sample) => {
    const input = { kind: "K", apiVersion: "v1", sample: prefixed(sample, "${PREFIX}", true) };
    expect(processOne(input as JsonObject, PREFIX).sample).toEqual(prefixed(sample, "sample-", true));
  });

  // TestVisitObjectStringsOnMap / OnArray: empty strings and keys are visited too.
  it.each([
    ["map", { foo: "bar" }],
    ["map with an empty value", { empty: "" }],
    ["map with an empty key", { "": "invalid" }],
    ["array", ["foo", "bar"]],
  ] as [string, JsonValue][])("%s sample: visited, empty strings included", (_name, sample) => {
    const input = { kind: "K", apiVersion: "v1", sample: prefixed(sample, "${PREFIX}", false) };
    expect(processOne(input as JsonObject, PREFIX).sample).toEqual(prefixed(sample, "sample-", false));
  });
});
