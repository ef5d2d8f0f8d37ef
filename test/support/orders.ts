import { validateOrder, type Order } from "../../src/domain/order.ts";

export const PARITY_SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly user@example";

/** A v1alpha1 order document like fulfillment-service writes, with parameters as given. */
export function orderDocument(
  parameters: Record<string, unknown> | string,
  meta: { name?: string; namespace?: string; tenant?: string; uuid?: string; managedBy?: string; annotations?: Record<string, string> } = {},
) {
  return {
    apiVersion: "cloudkit.openshift.io/v1alpha1",
    kind: "VirtualMachine",
    metadata: {
      name: meta.name ?? "vm-x7k2q",
      namespace: meta.namespace ?? "cloudkit-vm-orders",
      ...(meta.uuid === undefined ? {} : { labels: { "cloudkit.openshift.io/virtualmachine-uuid": meta.uuid } }),
      annotations: {
        "cloudkit.openshift.io/tenant": meta.tenant ?? "my-tenant",
        ...(meta.managedBy ? { "cloudkit.openshift.io/managed-by": meta.managedBy } : {}),
        ...meta.annotations,
      },
    },
    spec: {
      templateID: "cloudkit.templates.ocp_virt_vm",
      templateParameters: typeof parameters === "string" ? parameters : JSON.stringify(parameters),
    },
  };
}

/** The validated order, failing the test with the errors when it is not valid. */
export function validOrder(...args: Parameters<typeof orderDocument>): Order {
  const result = validateOrder(orderDocument(...args));
  if (!result.value) throw new Error(`test order is invalid: ${JSON.stringify(result.errors)}`);
  return result.value;
}

/** The PARITY.md order, plus the SSH key the role's worked example was rendered with. */
export const PARITY_PARAMETERS = {
  cpu_cores: "4",
  disk_size: "10Gi",
  exposed_ports: "22/tcp",
  image_source: "quay.io/containerdisks/fedora:latest",
  memory: "4Gi",
  ssh_public_key: PARITY_SSH_KEY,
};
