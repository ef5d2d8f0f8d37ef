import { describe, expect, it } from "vitest";
import {
  applySuppliedValues,
  checkSuppliedValues,
  generateParameterValues,
  processTemplate,
  sharedSourceGenerators,
  type Generators,
  type TemplateParameter,
} from "../../../src/domain/openshift-template/index.ts";
import { parameter, template } from "./support.ts";

/** library-go `templateprocessing/template_test.go` TestParameterGenerators, re-expressed. */
describe("TestParameterGenerators (library-go), re-expressed", () => {
  const foo = () => "foo";
  const noString = () => ({ not: "a string" });
  const failing = () => {
    throw new Error("error");
  };
  const empty = () => "";
  const cases: [string, TemplateParameter, Generators, { value: string } | { code: string; field: string }][] = [
    ["empty generator, value kept", parameter("PARAM-pass-empty-gen", "X"), {}, { value: "X" }],
    ["foo generator", parameter("PARAM-pass-foo-gen", "", "foo"), { foo }, { value: "foo" }],
    ["unknown generator", parameter("PARAM-fail-foo-gen", "", "foo"), {}, { code: "UnknownGenerator", field: "parameters[0].generate" }],
    ["non-string value", parameter("PARAM-fail-nostr-gen", "", "foo"), { foo: noString }, { code: "GeneratorFailed", field: "parameters[0].generate" }],
    ["nil generator", parameter("PARAM-fail-inv-gen", "", "invalid"), { invalid: undefined }, { code: "UnknownGenerator", field: "parameters[0].generate" }],
    ["generator error", parameter("PARAM-fail-err-gen", "", "error"), { error: failing }, { code: "GeneratorFailed", field: "parameters[0].generate" }],
    ["required, no value", parameter("PARAM-fail-no-val", "", "", true), { error: failing }, { code: "RequiredParameter", field: "parameters[0]" }],
    ["required, generated empty", parameter("PARAM-fail-no-val-from-gen", "", "empty", true), { empty }, { code: "RequiredParameter", field: "parameters[0]" }],
  ];

  it.each(cases)("%s", (_name, given, generators, expected) => {
    const result = generateParameterValues([given], generators);
    if ("value" in expected) {
      expect(result.errors).toEqual([]);
      expect(result.parameters[0]!.value).toBe(expected.value);
    } else {
      expect(result.errors[0]).toMatchObject({ code: expected.code, field: expected.field, parameter: given.name });
      expect(result.errors[0]!.message).toContain(given.name);
    }
  });

  it("GIVEN a required parameter without value THEN the message is upstream's and names it", () => {
    const [error] = generateParameterValues([parameter("DB_PASSWORD", "", "", true)], {}).errors;
    expect(error?.message).toBe("parameter DB_PASSWORD is required and must be specified");
  });

  it("GIVEN problems in several parameters THEN every one is reported, in order", () => {
    const result = generateParameterValues([parameter("A", "", "", true), parameter("B", "", "nope"), parameter("C", "ok")], {});
    expect(result.errors.map((e) => [e.parameter, e.code])).toEqual([
      ["A", "RequiredParameter"],
      ["B", "UnknownGenerator"],
    ]);
  });

  it("GIVEN an invalid expression THEN the error names the parameter, shows `from` and what is accepted", () => {
    const result = processTemplate(template([], [{ name: "PASS", generate: "expression", from: "[ABC]{3}" }]), {
      generators: sharedSourceGenerators({ nextIndex: () => 0 }),
    });
    expect(result.value).toBeUndefined();
    expect(result.errors).toMatchObject([{ code: "InvalidExpression", parameter: "PASS", field: "parameters[0].from", value: "[ABC]{3}" }]);
    expect(result.errors[0]!.message).toContain("accepted: '[<class>]{N}' with N from 1 to 255");
  });

  it("GIVEN the input parameters THEN they are not changed", () => {
    const given = [parameter("A", "", "foo")];
    const frozen = JSON.stringify(given);
    generateParameterValues(given, { foo: () => "generated" });
    expect(JSON.stringify(given)).toBe(frozen);
  });
});

describe("supplied values (oc process -p semantics)", () => {
  const parameters = [parameter("NAME", "", "expression"), parameter("SIZE", "small"), parameter("OPTIONAL")];

  it("GIVEN a value for a generated parameter THEN it wins and nothing is generated", () => {
    const generated: string[] = [];
    const supplied = applySuppliedValues(parameters, { NAME: "mine" });
    const result = generateParameterValues(supplied.parameters, { expression: (_from, name) => (generated.push(name), "g") });
    expect(result.parameters[0]).toEqual({ name: "NAME", value: "mine" });
    expect(generated).toEqual([]);
  });

  it("GIVEN a value for a parameter with a default THEN it wins", () => {
    expect(applySuppliedValues(parameters, { SIZE: "large" }).parameters[1]?.value).toBe("large");
  });

  it("GIVEN an undeclared name THEN UnknownParameter lists the declared ones and redacts the value", () => {
    const { errors } = applySuppliedValues(parameters, { PASWORD: "hunter2" });
    expect(errors).toEqual([
      {
        code: "UnknownParameter",
        parameter: "PASWORD",
        field: "parameters.PASWORD",
        value: "<redacted, 7 chars>",
        message: "the template has no parameter 'PASWORD'; its parameters are 'NAME', 'SIZE', 'OPTIONAL'",
      },
    ]);
    expect(JSON.stringify(errors)).not.toContain("hunter2");
  });

  it("GIVEN processTemplate with an unknown value THEN nothing is substituted", () => {
    const result = processTemplate(template([{ kind: "ConfigMap", apiVersion: "v1" }], parameters), { values: { NOPE: "x" }, generators: {} });
    expect(result.value).toBeUndefined();
    expect(result.errors.map((e) => e.code)).toEqual(["UnknownParameter", "UnknownGenerator"]);
  });
});

describe("checkSuppliedValues (admission, without the key)", () => {
  const catalog = template([], [
    { name: "NAME", generate: "expression", from: "vm-[a-z0-9]{8}" },
    { name: "PASSWORD", required: true },
    { name: "BROKEN", generate: "expression", from: "[ABC]{3}" },
    { name: "DEFAULTED", value: "x", required: true },
  ]);

  it("GIVEN nothing THEN the missing required parameter and the bad expression are named", () => {
    expect(checkSuppliedValues(catalog, {}).map((e) => [e.code, e.parameter])).toEqual([
      ["RequiredParameter", "PASSWORD"],
      ["InvalidExpression", "BROKEN"],
    ]);
  });

  it("GIVEN values for them THEN there is no problem", () => {
    expect(checkSuppliedValues(catalog, { PASSWORD: "s3cret", BROKEN: "given" })).toEqual([]);
  });

  it("GIVEN a number, an unknown name and an empty required value THEN each is named, no value quoted", () => {
    const errors = checkSuppliedValues(catalog, { PASSWORD: "", NAME: 4, EXTRA: "s3cret", BROKEN: "ok" });
    expect(errors.map((e) => [e.code, e.parameter])).toEqual([
      ["InvalidValue", "NAME"],
      ["UnknownParameter", "EXTRA"],
      ["RequiredParameter", "PASSWORD"],
    ]);
    expect(JSON.stringify(errors)).not.toContain("s3cret");
  });
});
