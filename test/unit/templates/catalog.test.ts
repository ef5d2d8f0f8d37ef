import { describe, expect, it } from "vitest";
import { PARAMETER_NAMES } from "../../../src/domain/templates/catalog.ts";
import { KNOWN_TEMPLATE_IDS, parseTemplateParameters, templateCatalog } from "../../../src/domain/templates/index.ts";
import { PARAMETER_SCHEMAS } from "../../../src/domain/templates/schema.ts";

describe("templateCatalog", () => {
  it("GIVEN the catalog WHEN listed THEN it holds the upstream template and its two aliases", () => {
    expect(KNOWN_TEMPLATE_IDS).toEqual(["cloudkit.templates.ocp_virt_vm", "osac.templates.ocp_virt_vm", "osac.massopencloud.ocp_virt_vm"]);
    expect(templateCatalog().map((template) => template.id)).toEqual(KNOWN_TEMPLATE_IDS);
    expect(templateCatalog().map((template) => template.title)).toEqual(["Simple VM Template", "Simple VM Template", "Simple VM Template"]);
  });

  it("GIVEN each template WHEN its parameters are listed THEN they are the role's, as published, plus storage_class", () => {
    for (const template of templateCatalog()) {
      expect(template.parameters.map(({ name, type, default: value, required, secret }) => ({ name, type, default: value, required, secret }))).toEqual([
        { name: "cpu_cores", type: "integer", default: 2, required: false, secret: false },
        { name: "memory", type: "string", default: "2Gi", required: false, secret: false },
        { name: "disk_size", type: "string", default: "10Gi", required: false, secret: false },
        { name: "image_source", type: "string", default: "quay.io/containerdisks/fedora:latest", required: false, secret: false },
        { name: "cloud_init_config", type: "string", default: "I2Nsb3VkLWNvbmZpZw==", required: false, secret: true },
        { name: "ssh_public_key", type: "string", default: undefined, required: false, secret: false },
        { name: "exposed_ports", type: "string", default: "22/tcp", required: false, secret: false },
        { name: "storage_class", type: "string", default: undefined, required: false, secret: false },
      ]);
      for (const parameter of template.parameters) expect(parameter.description).not.toBe("");
    }
  });

  it("GIVEN the catalog WHEN compared with the schemas THEN every parameter has exactly one schema", () => {
    const names = templateCatalog()[0]?.parameters.map((parameter) => parameter.name);
    expect(names).toEqual([...PARAMETER_NAMES]);
    expect(Object.keys(PARAMETER_SCHEMAS).sort()).toEqual([...PARAMETER_NAMES].sort());
  });

  it("GIVEN every catalog default WHEN given explicitly THEN the result equals the one with no parameters", () => {
    const defaults = Object.fromEntries(
      (templateCatalog()[0]?.parameters ?? []).filter((parameter) => parameter.default !== undefined).map((parameter) => [parameter.name, parameter.default]),
    );
    const explicit = parseTemplateParameters(KNOWN_TEMPLATE_IDS[0] ?? "", JSON.stringify(defaults));
    const implicit = parseTemplateParameters(KNOWN_TEMPLATE_IDS[0] ?? "", undefined);
    expect(explicit.errors).toEqual([]);
    expect(explicit.value).toStrictEqual(implicit.value);
  });

  it("GIVEN the catalog WHEN someone tries to change it THEN it stays as it was", () => {
    const catalog = templateCatalog();
    expect(Object.isFrozen(catalog)).toBe(true);
    expect(Object.isFrozen(catalog[0])).toBe(true);
    expect(Object.isFrozen(catalog[0]?.parameters[0])).toBe(true);
    expect(templateCatalog()).toBe(catalog);
  });

  it("GIVEN the role's default image THEN the catalog says it floats and how to pin it", () => {
    const image = templateCatalog()[0]?.parameters.find((parameter) => parameter.name === "image_source");
    expect(image?.default).toBe("quay.io/containerdisks/fedora:latest");
    expect(image?.description).toContain("Ansible role's default, quay.io/containerdisks/fedora:latest, which can change under the same name");
  });

  it("GIVEN a pinned default configured THEN the catalog gives it as the default and names the role's own", () => {
    const catalog = templateCatalog({ imageSourceDefault: "quay.io/containerdisks/fedora:41" });
    for (const template of catalog) {
      const image = template.parameters.find((parameter) => parameter.name === "image_source");
      expect(image?.default).toBe("quay.io/containerdisks/fedora:41");
      expect(image?.description).toContain("OSAC_VM_DEFAULT_IMAGE_SOURCE");
      expect(image?.description).toContain("the Ansible role's own default is quay.io/containerdisks/fedora:latest");
    }
    expect(templateCatalog()[0]?.parameters.find((parameter) => parameter.name === "image_source")?.default).toBe("quay.io/containerdisks/fedora:latest");
  });

  it("GIVEN an alias THEN it names the template it stands for", () => {
    expect(templateCatalog().map((template) => template.aliasOf)).toEqual([undefined, "cloudkit.templates.ocp_virt_vm", "cloudkit.templates.ocp_virt_vm"]);
  });
});
