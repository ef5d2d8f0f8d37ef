import { describe, expect, it } from "vitest";
import { isTemplateDocument, readTemplate } from "../../../src/domain/openshift-template/index.ts";

const VALID = {
  apiVersion: "template.openshift.io/v1",
  kind: "Template",
  metadata: { name: "t", namespace: "openshift", creationTimestamp: "2024-01-15T10:30:00Z", labels: { a: "b" }, annotations: { description: "d" } },
  message: "hi",
  labels: { app: "x" },
  objects: [{ kind: "ConfigMap", apiVersion: "v1" }],
  parameters: [{ name: "A_1", value: "v", required: true, description: "d" }, { name: "B", generate: "expression", from: "[a-z]{3}" }],
};

describe("reading a Template document", () => {
  it("GIVEN a valid Template THEN every field is kept", () => {
    const result = readTemplate(VALID);
    expect(result.errors).toEqual([]);
    expect(result.value).toEqual({
      metadata: VALID.metadata,
      message: "hi",
      labels: { app: "x" },
      objects: VALID.objects,
      parameters: VALID.parameters,
    });
  });

  it("GIVEN the group-less apiVersion v1 and null metadata fields (as upstream's fixtures have) THEN it is accepted", () => {
    const result = readTemplate({ apiVersion: "v1", kind: "Template", metadata: { name: "t", creationTimestamp: null } });
    expect(result.value).toEqual({ metadata: { name: "t" }, objects: [], parameters: [] });
    expect(isTemplateDocument({ apiVersion: "v1", kind: "Template" })).toBe(true);
    expect(isTemplateDocument({ apiVersion: "v1", kind: "ConfigMap" })).toBe(false);
  });

  it("GIVEN many problems THEN each is reported with its field and what is accepted", () => {
    const result = readTemplate({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { creationTimestamp: "yesterday", labels: { n: 1 } },
      labels: "x",
      objects: {},
      parameters: [
        { name: "BAD-NAME" },
        { name: "DUP" },
        { name: "DUP" },
        { value: "v" },
        "text",
        { name: "N", value: 12345, required: "yes" },
      ],
    });
    expect(result.value).toBeUndefined();
    expect(result.errors.map((e) => [e.field, e.code])).toEqual([
      ["apiVersion", "InvalidTemplate"],
      ["kind", "InvalidTemplate"],
      ["metadata.name", "InvalidTemplate"],
      ["metadata.creationTimestamp", "InvalidTemplate"],
      ["metadata.labels[n]", "InvalidTemplate"],
      ["labels", "InvalidTemplate"],
      ["objects", "InvalidTemplate"],
      ["parameters[0].name", "InvalidTemplate"],
      ["parameters[2].name", "InvalidTemplate"],
      ["parameters[3].name", "InvalidTemplate"],
      ["parameters[4]", "InvalidTemplate"],
      ["parameters[5].value", "InvalidTemplate"],
      ["parameters[5].required", "InvalidTemplate"],
    ]);
    expect(result.errors.find((e) => e.field === "parameters[0].name")?.message).toContain("^[a-zA-Z0-9_]+$");
    expect(result.errors.find((e) => e.field === "parameters[2].name")?.message).toContain("more than once");
    // A parameter's default may be a password: its value is never quoted.
    expect(result.errors.find((e) => e.field === "parameters[5].value")?.value).toBe("<redacted number>");
  });

  it("GIVEN something other than a mapping THEN one error", () => {
    expect(readTemplate(["a"]).errors).toMatchObject([{ field: "(document)", code: "InvalidTemplate" }]);
  });
});
