import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTemplateFiles } from "../../../src/render/input/read-templates.ts";
import { temporaryDirectory } from "../../support/cli.ts";

const TEMPLATE_YAML = (name: string, namespace = "") => `apiVersion: template.openshift.io/v1
kind: Template
metadata:
  name: ${name}
${namespace ? `  namespace: ${namespace}\n` : ""}objects:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: \${NAME}
parameters:
- name: NAME
  value: x
`;

describe("reading Templates from files (the catalog's offline path)", () => {
  it("GIVEN YAML, JSON and a TemplateList in a directory tree THEN every Template is read, in file order", () => {
    const dir = temporaryDirectory();
    mkdirSync(join(dir, "nested"));
    writeFileSync(join(dir, "a.yaml"), `${TEMPLATE_YAML("one")}---\n${TEMPLATE_YAML("two")}`);
    writeFileSync(
      join(dir, "b.json"),
      JSON.stringify({ apiVersion: "template.openshift.io/v1", kind: "Template", metadata: { name: "three" }, objects: [] }),
    );
    writeFileSync(
      join(dir, "nested", "list.yaml"),
      `apiVersion: template.openshift.io/v1\nkind: TemplateList\nitems:\n- apiVersion: template.openshift.io/v1\n  kind: Template\n  metadata:\n    name: four\n`,
    );
    const loaded = readTemplateFiles([dir]);
    expect(loaded.errors).toEqual([]);
    expect(loaded.templates.map((t) => t.template.metadata.name)).toEqual(["one", "two", "three", "four"]);
    expect(loaded.templates[0]!.source).toBe(`${join(dir, "a.yaml")}:1`);
    expect(loaded.templates[0]!.template.parameters).toEqual([{ name: "NAME", value: "x" }]);
  });

  it("GIVEN a non-Template document, a duplicate, a syntax error and a missing path THEN each is an error line", () => {
    const dir = temporaryDirectory();
    writeFileSync(join(dir, "a.yaml"), `${TEMPLATE_YAML("one", "openshift")}---\n${TEMPLATE_YAML("one", "openshift")}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n`);
    writeFileSync(join(dir, "b.yaml"), "kind: [unclosed\n");
    const loaded = readTemplateFiles([dir, join(dir, "missing.yaml")]);
    expect(loaded.errors).toHaveLength(4);
    expect(loaded.errors.some((line) => line.includes("b.yaml") && line.includes("YAML syntax error"))).toBe(true);
    expect(loaded.errors.some((line) => line.includes("missing.yaml") && line.includes("ENOENT"))).toBe(true);
    expect(loaded.errors).toContain(`${join(dir, "a.yaml")}:2: metadata.name: Template openshift/one is already defined at ${join(dir, "a.yaml")}:1; each Template may appear once`);
    expect(loaded.errors).toContain(`${join(dir, "a.yaml")}:3: kind: must be 'Template' (got "ConfigMap")`);
    expect(loaded.templates.map((t) => t.template.metadata.name)).toEqual(["one"]);
  });

  it("GIVEN stdin THEN it is read too", () => {
    const loaded = readTemplateFiles(["-"], () => TEMPLATE_YAML("piped"));
    expect(loaded.templates.map((t) => [t.source, t.template.metadata.name])).toEqual([["<stdin>:1", "piped"]]);
  });
});
