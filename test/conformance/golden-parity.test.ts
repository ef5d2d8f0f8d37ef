import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import yaml from "js-yaml";
import { validateOrder } from "../../src/domain/order.ts";
import { renderOrder } from "../../src/render/render-order.ts";
import { requireShared } from "./support/shared.ts";

/**
 * The golden test: the cloudkit order in shared/reference/osac/derived-examples renders, with the
 * aap-parity profile, to the objects the Ansible role creates for it (compared as parsed objects).
 * The role's example was rendered with an SSH key and the cluster's class `nfs-client`.
 */
describe("aap-parity golden test against the role's objects", () => {
  it("GIVEN the derived-example order THEN the rendered objects equal the role's, in order", () => {
    const lifecycle = yaml.loadAll(readFileSync(requireShared("reference/osac/derived-examples/cloudkit-virtualmachine-lifecycle.yaml"), "utf8")) as any[];
    const roleObjects = yaml.loadAll(readFileSync(requireShared("reference/osac/derived-examples/cloudkit-ocp_virt_vm-child-resources.yaml"), "utf8")) as any[];
    const order = structuredClone(lifecycle.find((o) => o.kind === "VirtualMachine"));
    const parameters = JSON.parse(order.spec.templateParameters);
    const sshSecret = roleObjects.find((o) => o.metadata.name.endsWith("-ssh-public-key"));
    parameters.ssh_public_key = Buffer.from(sshSecret.data["ssh-public-key"], "base64").toString("utf8");
    order.spec.templateParameters = JSON.stringify(parameters);
    const storageClass = roleObjects.find((o) => o.kind === "DataVolume").spec.pvc.storageClassName;

    const result = validateOrder(order);
    expect(result.errors).toEqual([]);
    const rendered = renderOrder(result.value!, { profile: "aap-parity", allowPlainSecrets: false, defaultStorageClass: storageClass });
    expect(rendered).toEqual(roleObjects);
  });

  it("GIVEN the derived-example order as published THEN its desiredConfigVersion matches the example's status", () => {
    const lifecycle = yaml.loadAll(readFileSync(requireShared("reference/osac/derived-examples/cloudkit-virtualmachine-lifecycle.yaml"), "utf8")) as any[];
    const order = lifecycle.find((o) => o.kind === "VirtualMachine");
    expect(validateOrder(order).value?.desiredConfigVersion).toBe(order.status.desiredConfigVersion);
    expect(validateOrder(order).value?.tenantNamespace).toBe(order.status.virtualMachineReference.namespace);
  });
});
