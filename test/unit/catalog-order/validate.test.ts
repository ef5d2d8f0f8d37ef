import { describe, expect, it } from "vitest";
import {
  catalogOfTemplates,
  catalogOrderWorkload,
  catalogTemplateId,
  isCatalogOrder,
  isCatalogTemplateId,
  parseCatalogTemplateId,
  validateAnyOrder,
  type CatalogOrder,
} from "../../../src/domain/catalog-order/index.ts";
import { formatFieldError } from "../../../src/domain/field-error.ts";
import { formatAmount } from "../../../src/domain/quantity/amount.ts";
import { demandOfWorkload } from "../../../src/domain/quota/index.ts";
import { catalogOrderDocument, fixtureCatalog, fixtureTemplates } from "../../support/catalog.ts";
import { orderDocument } from "../../support/orders.ts";

const catalog = fixtureCatalog();

function errors(document: unknown): string[] {
  return validateAnyOrder(document, catalog).errors.map(formatFieldError);
}

describe("the catalog from Templates", () => {
  it("GIVEN the fixture Templates THEN only the one passing the discovery rule is in it, and the other is reported", () => {
    const built = catalogOfTemplates(fixtureTemplates());
    expect(built.catalog.ids()).toEqual(["openshift.templates.openshift.tiny_server"]);
    expect(built.skipped).toEqual([{ id: "openshift.templates.openshift.not_for_vms", reason: "it has no annotation template.kubevirt.io/containerdisks" }]);
    expect(catalogOfTemplates(fixtureTemplates(), "templates").skipped[0]!.reason).toBe("it has no annotation template.kubevirt.io/containerdisks");
  });
});

describe("an order naming a catalog template", () => {
  it("GIVEN good parameters THEN a catalog order with the values and the built-in envelope", () => {
    const result = validateAnyOrder(catalogOrderDocument({ DATA_SOURCE_NAME: "fedora", CPU_CORES: "2", MEMORY: null }), catalog);
    expect(result.errors).toEqual([]);
    const order = result.value!;
    expect(isCatalogOrder(order)).toBe(true);
    expect((order as CatalogOrder).catalog.values).toEqual({ CPU_CORES: "2", DATA_SOURCE_NAME: "fedora" });
    expect(order.tenantNamespace).toBe("cloudkit-vm-orders-ntfv23cm4rd2e");
    expect(order.desiredConfigVersion).toMatch(/^[0-9a-f]{16}$/);
  });

  it("GIVEN an unknown parameter THEN denied, naming it, its value redacted, and listing the template's parameters", () => {
    expect(errors(catalogOrderDocument({ DATA_SOURCE_NAME: "fedora", cpu_cores: "4" }))).toEqual([
      "spec.templateParameters.cpu_cores: the template has no parameter 'cpu_cores'; its parameters are 'NAME', 'DATA_SOURCE_NAME', 'CPU_CORES', 'MEMORY', 'DISK_SIZE', 'CLOUD_USER_PASSWORD' (got \"<redacted, 1 char>\")",
    ]);
  });

  it("GIVEN a required parameter missing THEN denied, naming it", () => {
    expect(errors(catalogOrderDocument({}))).toEqual(["spec.templateParameters.DATA_SOURCE_NAME: parameter DATA_SOURCE_NAME is required and must be specified"]);
  });

  it("GIVEN a number for a parameter THEN denied: Template parameters are strings", () => {
    expect(errors(catalogOrderDocument({ DATA_SOURCE_NAME: "fedora", CPU_CORES: 4 }))).toEqual([
      'spec.templateParameters.CPU_CORES: must be a string: OpenShift Template parameters are strings (write "4", not 4) (got "<redacted number>")',
    ]);
  });

  it("GIVEN parameters that are not a JSON object THEN denied with a catalog example, never quoting them", () => {
    const [error] = errors(catalogOrderDocument('{"DATA_SOURCE_NAME": "fedora",}'));
    expect(error).toContain('spec.templateParameters: is not valid JSON');
    expect(error).toContain('{"DATA_SOURCE_NAME":"fedora"}');
  });

  it("GIVEN a catalog id the catalog does not hold THEN denied, listing built-in and catalog ids; without a catalog it says none is known", () => {
    expect(errors(catalogOrderDocument({}, {}, "openshift.templates.openshift.nope"))).toEqual([
      "spec.templateID: unknown template; valid values are 'cloudkit.templates.ocp_virt_vm', 'osac.templates.ocp_virt_vm' and 'osac.massopencloud.ocp_virt_vm', or a catalog template: 'openshift.templates.openshift.tiny_server' (got \"openshift.templates.openshift.nope\")",
    ]);
    expect(validateAnyOrder(catalogOrderDocument({}), undefined).errors.map(formatFieldError)[0]).toContain("no catalog template is known here");
  });

  it("GIVEN envelope errors too THEN they come first, all in one list", () => {
    const document = catalogOrderDocument({}, { name: "Bad_Name" });
    expect(errors(document).map((line) => line.split(":")[0])).toEqual(["metadata.name", "spec.templateParameters.DATA_SOURCE_NAME"]);
  });

  it("GIVEN a built-in order THEN the built-in rules apply as before", () => {
    expect(validateAnyOrder(orderDocument({ cpu_cores: "4" }), catalog).value).toHaveProperty("parameters.cpuCores", 4);
  });
});

describe("what a catalog order takes from quotas", () => {
  it("GIVEN CPU_CORES 3 and the Template's defaults THEN its VM's vCPUs, memory, disk template and moved cloud-init Secret", () => {
    const order = validateAnyOrder(catalogOrderDocument({ DATA_SOURCE_NAME: "fedora", CPU_CORES: "3" }, { name: "vm-t" }), catalog).value as CatalogOrder;
    const workload = catalogOrderWorkload(order);
    expect(workload.virtualMachines.map((vm) => [vm.name, vm.volumeTemplates.map((disk) => disk.name)])).toEqual([["vm-t", ["vm-t"]]]);
    const demand = demandOfWorkload(workload);
    expect([formatAmount(demand.cpu!, "cpu"), formatAmount(demand.memory!, "bytes"), formatAmount(demand.storage!, "bytes"), formatAmount(demand.secrets!, "count")]).toEqual(["3", "2Gi", "20Gi", "1"]);
  });
});

describe("catalog template ids", () => {
  it("GIVEN namespaces and names THEN ids that fit the order CRD's templateID pattern, and parse back", () => {
    const pattern = /^[a-zA-Z_][a-zA-Z0-9._]*$/;
    for (const [namespace, name] of [
      ["openshift", "fedora-server-small"],
      ["0-templates", "rhel9.server-9"],
      ["a", "b"],
    ] as const) {
      const id = catalogTemplateId(namespace, name);
      expect(id).toMatch(pattern);
      expect(isCatalogTemplateId(id)).toBe(true);
      expect(parseCatalogTemplateId(id)).toEqual({ namespace, name });
    }
    expect(catalogTemplateId("openshift", "fedora-server-small")).toBe("openshift.templates.openshift.fedora_server_small");
    expect(isCatalogTemplateId("cloudkit.templates.ocp_virt_vm")).toBe(false);
    expect(parseCatalogTemplateId("openshift.templates.openshift")).toBeUndefined();
  });
});
