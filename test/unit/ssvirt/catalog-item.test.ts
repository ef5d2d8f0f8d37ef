import { describe, expect, it } from "vitest";
import type { JsonValue, OpenShiftTemplate, TemplateParameter } from "../../../src/domain/openshift-template/index.ts";
import {
  extractResourceRequirements,
  extractVmCount,
  goParseInt64,
  goQueryEscape,
  goRfc3339,
  goToLower,
  listCatalogItems,
  templateToCatalogItem,
} from "../../../src/ssvirt/catalog/index.ts";

/** SSVirt `test/unit/catalogitem_api_test.go` TestTemplateMapper, re-expressed, and its Go semantics. */

function template(objects: JsonValue[] = [], parameters: TemplateParameter[] = [], metadata: Partial<OpenShiftTemplate["metadata"]> = {}): OpenShiftTemplate {
  return { metadata: { name: "t", ...metadata }, objects, parameters };
}

describe("TestTemplateMapper (SSVirt), re-expressed", () => {
  it("ExtractVMCount: a Template without objects counts 1", () => {
    expect(extractVmCount(template())).toBe(1);
  });

  it("ExtractVMCount: 2 VirtualMachines and a Service count 2", () => {
    const objects = [
      { kind: "VirtualMachine", apiVersion: "kubevirt.io/v1" },
      { kind: "VirtualMachine", apiVersion: "kubevirt.io/v1" },
      { kind: "Service", apiVersion: "v1" },
    ];
    expect(extractVmCount(template(objects))).toBe(2);
  });

  it("ExtractResourceRequirements: no parameters give the defaults 1, 1 GiB, 10 GiB", () => {
    expect(extractResourceRequirements(template())).toEqual({ cpus: 1, memoryBytes: 1073741824, storageBytes: 10737418240 });
  });

  it("ExtractResourceRequirements: CPU, MEMORY, STORAGE are read back", () => {
    const parameters = [
      { name: "CPU", value: "4" },
      { name: "MEMORY", value: "8589934592" },
      { name: "STORAGE", value: "42949672960" },
    ];
    expect(extractResourceRequirements(template([], parameters))).toEqual({ cpus: 4, memoryBytes: 8589934592, storageBytes: 42949672960 });
  });

  it("TemplateToCatalogItem: every field as SSVirt's test expects", () => {
    const item = templateToCatalogItem(
      template([], [{ name: "CPU", value: "2" }], {
        name: "test-template",
        uid: "12345678-1234-1234-1234-123456789abc",
        annotations: { description: "Test template description" },
        labels: { "catalog.ssvirt.io/published": "true" },
        creationTimestamp: "2024-01-15T10:30:00Z",
      }),
      "urn:vcloud:catalog:test-catalog",
    );
    expect(item).toEqual({
      id: "urn:vcloud:catalogitem:test-catalog:test-template",
      name: "test-template",
      description: "Test template description",
      catalogId: "urn:vcloud:catalog:test-catalog",
      isPublished: true,
      isExpired: false,
      creationDate: "2024-01-15T10:30:00Z",
      size: 2147483648,
      status: "AVAILABLE",
      entity: {
        name: "test-template",
        description: "Test template description",
        type: "application/vnd.vmware.vcloud.vAppTemplate+xml",
        numberOfVMs: 1,
        numberOfCpus: 2,
        memoryAllocation: 1073741824,
        storageAllocation: 10737418240,
      },
      owner: { name: "System", id: "" },
      catalog: { name: "Templates", id: "urn:vcloud:catalog:test-catalog" },
    });
  });
});

describe("ExtractResourceRequirements: which parameters, which values (Go's strconv)", () => {
  it.each([
    ["vcpus", "8", { cpus: 8 }],
    ["VCPU", "+3", { cpus: 3 }],
    ["Cpus", "-2", { cpus: -2 }],
    ["cpu", "4Gi", {}],
    ["cpu", " 4", {}],
    ["cpu", "1_000", {}],
    ["cpu", "0x10", {}],
    ["cpu", "9223372036854775808", {}],
    ["cpu", "", {}],
    ["RAM", "2147483648", { memoryBytes: 2147483648 }],
    ["memory", "2Gi", {}],
    ["DiskSize", "32212254720", { storageBytes: 32212254720 }],
    ["DİSK", "5", { storageBytes: 5 }],
    ["CPU_CORES", "4", {}],
    ["disk_size", "5", {}],
  ])("GIVEN %s=%j THEN %j over the defaults", (name, value, change) => {
    expect(extractResourceRequirements(template([], [{ name, value }]))).toEqual({ cpus: 1, memoryBytes: 1073741824, storageBytes: 10737418240, ...change });
  });

  it("GIVEN two matching parameters THEN the later wins; an unparseable later one keeps the earlier", () => {
    expect(extractResourceRequirements(template([], [{ name: "CPU", value: "2" }, { name: "VCPUS", value: "6" }])).cpus).toBe(6);
    expect(extractResourceRequirements(template([], [{ name: "CPU", value: "2" }, { name: "VCPUS", value: "six" }])).cpus).toBe(2);
  });

  it("GIVEN a generated CPU parameter (no value) THEN the default", () => {
    expect(extractResourceRequirements(template([], [{ name: "CPU", generate: "expression", from: "[0-9]{1}" }])).cpus).toBe(1);
  });
});

describe("ExtractVMCount: json.Unmarshal into metav1.TypeMeta", () => {
  it.each([
    ["a VirtualMachineInstance", { kind: "VirtualMachineInstance" }, 1],
    ["any apiVersion", { kind: "VirtualMachine", apiVersion: "example.com/v9" }, 1],
    ["a key matched case-insensitively", { KIND: "VirtualMachine" }, 1],
    ["the Kelvin sign folds onto k", { "\u212Aind": "VirtualMachine" }, 1],
    ["the last matching key wins", { kind: "VirtualMachine", Kind: "Service" }, 0],
    ["a non-string kind fails the decode", { kind: 5 }, 0],
    ["a non-string apiVersion fails the decode", { kind: "VirtualMachine", apiVersion: 1 }, 0],
    ["a null kind leaves the field empty", { kind: null }, 0],
    ["not an object", ["VirtualMachine"], 0],
  ] as [string, JsonValue, number][])("GIVEN %s THEN %i counted", (_name, object, counted) => {
    // Each template also holds two plain VMs, so "0 counted" is not hidden by the minimum of 1.
    expect(extractVmCount(template([object, { kind: "VirtualMachine" }, { kind: "VirtualMachine" }]))).toBe(2 + counted);
  });
});

describe("TemplateToCatalogItem: ids, descriptions, dates", () => {
  it.each([
    ["fedora-server-small", "urn:vcloud:catalog:c", "urn:vcloud:catalogitem:c:fedora-server-small"],
    ["a b/c", "urn:vcloud:catalog:c", "urn:vcloud:catalogitem:c:a+b%2Fc"],
    ["x", "not-a-urn", "urn:vcloud:catalogitem:not-a-urn:x"],
  ])("GIVEN template %j in catalog %j THEN id %j", (name, catalogId, id) => {
    expect(templateToCatalogItem(template([], [], { name }), catalogId).id).toBe(id);
  });

  it.each([
    [{ description: "", "template.openshift.io/long-description": "long" }, ""],
    [{ "template.openshift.io/long-description": "long" }, "long"],
    [undefined, ""],
  ])("GIVEN annotations %j THEN description %j", (annotations, description) => {
    expect(templateToCatalogItem(template([], [], annotations ? { annotations } : {}), "urn:vcloud:catalog:c").description).toBe(description);
  });

  it("GIVEN 3 VMs THEN size is 3 × 2 GiB, and published needs exactly 'true'", () => {
    const item = templateToCatalogItem(template([{ kind: "VirtualMachine" }, { kind: "VirtualMachine" }, { kind: "VirtualMachine" }], [], { labels: { "catalog.ssvirt.io/published": "True" } }), "c");
    expect([item.size, item.entity.numberOfVMs, item.isPublished]).toEqual([3 * 2147483648, 3, false]);
  });

  it("GIVEN items for several Templates THEN they are sorted by name and paged as ListCatalogItems does", () => {
    const templates = ["c", "a", "b"].map((name) => template([], [], { name }));
    expect(listCatalogItems(templates, "urn:vcloud:catalog:x", 2, 0).map((item) => item.name)).toEqual(["a", "b"]);
    expect(listCatalogItems(templates, "urn:vcloud:catalog:x", 2, 2).map((item) => item.name)).toEqual(["c"]);
    expect(listCatalogItems(templates, "urn:vcloud:catalog:x", 5, 9)).toEqual([]);
  });
});

describe("Go standard-library behaviours", () => {
  it.each([
    ["42", 42],
    ["-9223372036854775808", -9223372036854775808],
    ["9223372036854775807", 9223372036854775807],
    ["9223372036854775808", undefined],
    ["007", 7],
    ["1.5", undefined],
    ["", undefined],
    ["+", undefined],
  ])("ParseInt(%j, 10, 64) → %s", (text, expected) => {
    expect(goParseInt64(text)).toBe(expected);
  });

  it.each([
    ["abc-_.~XYZ09", "abc-_.~XYZ09"],
    ["a b", "a+b"],
    ["é/?&=", "%C3%A9%2F%3F%26%3D"],
  ])("QueryEscape(%j) → %j", (text, expected) => {
    expect(goQueryEscape(text)).toBe(expected);
  });

  it.each([
    [undefined, "0001-01-01T00:00:00Z"],
    ["2024-01-15T10:30:00Z", "2024-01-15T10:30:00Z"],
    ["2024-01-15T12:30:00.999+02:00", "2024-01-15T10:30:00Z"],
  ])("Format(RFC3339) of %j → %j", (timestamp, expected) => {
    expect(goRfc3339(timestamp)).toBe(expected);
  });

  it("ToLower maps İ to a plain i, as Go does", () => {
    expect(goToLower("DİSK")).toBe("disk");
  });
});
