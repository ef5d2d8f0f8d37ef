import { describe, expect, it } from "vitest";
import { checkParameterMap } from "../../../src/domain/templates/index.ts";

const TEMPLATE = "cloudkit.templates.ocp_virt_vm";
const BARE = { fieldOf: (name: string) => name };
const PINNED = "quay.io/containerdisks/fedora:41";

describe("checkParameterMap: field paths follow what the caller sent", () => {
  it("GIVEN a bare map WHEN a parameter is invalid THEN the field is the parameter's own name", () => {
    expect(checkParameterMap(TEMPLATE, { cpu_cores: 0, memory: "lots" }, BARE).errors.map((error) => error.field)).toEqual(["cpu_cores", "memory"]);
  });

  it("GIVEN a bare map WHEN a parameter is unknown THEN the field is that name and its value is redacted", () => {
    expect(checkParameterMap(TEMPLATE, { cpu: 3 }, BARE).errors).toEqual([
      {
        field: "cpu",
        value: "<redacted number>",
        message:
          "template parameter 'cpu' doesn't exist, valid values for template 'cloudkit.templates.ocp_virt_vm' are 'cloud_init_config', 'cpu_cores', 'disk_size', 'exposed_ports', 'image_source', 'memory', 'ssh_public_key' and 'storage_class'",
      },
    ]);
  });

  it("GIVEN an order's prefix THEN the field is under spec.templateParameters", () => {
    const checks = checkParameterMap(TEMPLATE, { exposed_ports: "22/sctp" }, { fieldOf: (name) => `spec.templateParameters.${name}` });
    expect(checks.errors[0]?.field).toBe("spec.templateParameters.exposed_ports");
  });
});

describe("checkParameterMap: warnings are field objects, like errors", () => {
  it("GIVEN an explicit floating image THEN one warning names the field and shows the image", () => {
    expect(checkParameterMap(TEMPLATE, { image_source: "docker://quay.io/containerdisks/fedora:latest" }, BARE).warnings).toEqual([
      {
        field: "image_source",
        value: "quay.io/containerdisks/fedora:latest",
        message: "has no tag or digest, or the tag 'latest': the image can change under the same name; pin a tag or digest for reproducible VMs",
      },
    ]);
  });

  it("GIVEN no image and warnings about the default asked for THEN the role's floating default is named", () => {
    expect(checkParameterMap(TEMPLATE, {}, { ...BARE, warnWhenDefaultImageFloats: true }).warnings).toEqual([
      {
        field: "image_source",
        message:
          "not given: the VM gets the Ansible role's default \"quay.io/containerdisks/fedora:latest\", which can change under the same name (no tag or digest, or the tag 'latest'); pin a tag or digest for reproducible VMs",
      },
    ]);
  });

  it("GIVEN no image and no warnings about the default asked for (orders) THEN no warning", () => {
    expect(checkParameterMap(TEMPLATE, {}, BARE).warnings).toEqual([]);
  });

  it("GIVEN no image and a pinned default configured THEN the VM gets it, without a warning", () => {
    const checks = checkParameterMap(TEMPLATE, { image_source: null }, { ...BARE, imageSourceDefault: PINNED, warnWhenDefaultImageFloats: true });
    expect(checks.value?.imageSource).toBe(PINNED);
    expect(checks.warnings).toEqual([]);
  });

  it("GIVEN an image and a pinned default configured THEN the image given wins", () => {
    expect(checkParameterMap(TEMPLATE, { image_source: "quay.io/vm/rhel:9.4" }, { ...BARE, imageSourceDefault: PINNED }).value?.imageSource).toBe("quay.io/vm/rhel:9.4");
  });
});
