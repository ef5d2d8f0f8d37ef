/**
 * Deterministic VirtualMachine orders for the render benchmark: several order namespaces and
 * tenants, about half with an SSH key, two exposed ports each. Written as one multi-document
 * YAML file, the way a GitOps repository would hold them.
 */
import { writeFileSync } from "node:fs";
import yaml from "js-yaml";

export const ORDER_NAMESPACES = 4;
export const TENANTS = 16;

const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGnV0rEmQyqZbnwtvYpVqN7eR8ts0x8vPa1bJmW7dXbM bench@example.com";
const MEMORY = ["2Gi", "4Gi", "8Gi", "16Gi"];
const DISK = ["10Gi", "20Gi", "40Gi"];

/** Template parameters to override for particular orders (by index). */
export type Overrides = ReadonlyMap<number, Record<string, string>>;

export function orderName(index: number): string {
  return `vm-${String(index).padStart(5, "0")}`;
}

export function orderNamespace(index: number): string {
  return `orders-${index % ORDER_NAMESPACES}`;
}

export function orderTenant(index: number): string {
  return `tenant-${String(index % TENANTS).padStart(2, "0")}`;
}

export function templateParameters(index: number, override: Record<string, string> = {}): Record<string, string> {
  const parameters: Record<string, string> = {
    cpu_cores: String(1 + (index % 8)),
    memory: MEMORY[index % MEMORY.length]!,
    disk_size: DISK[index % DISK.length]!,
    exposed_ports: "22/tcp,80/tcp",
  };
  if (index % 2 === 1) parameters.ssh_public_key = SSH_KEY;
  return { ...parameters, ...override };
}

export function orderDocument(index: number, override?: Record<string, string>): unknown {
  return {
    apiVersion: "cloudkit.openshift.io/v1alpha1",
    kind: "VirtualMachine",
    metadata: {
      name: orderName(index),
      namespace: orderNamespace(index),
      labels: {
        "cloudkit.openshift.io/virtualmachine-uuid": `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
      },
      annotations: { "cloudkit.openshift.io/tenant": orderTenant(index) },
    },
    spec: {
      templateID: "cloudkit.templates.ocp_virt_vm",
      templateParameters: JSON.stringify(templateParameters(index, override)),
    },
  };
}

/** Writes `count` orders to `path` as multi-document YAML; returns the byte size. */
export function writeOrdersFile(path: string, count: number, overrides: Overrides = new Map()): number {
  const parts: string[] = [];
  for (let index = 0; index < count; index++) {
    parts.push(`---\n${yaml.dump(orderDocument(index, overrides.get(index)), { lineWidth: -1, noRefs: true })}`);
  }
  const text = parts.join("");
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}
