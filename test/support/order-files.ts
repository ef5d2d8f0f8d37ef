import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { orderDocument, PARITY_PARAMETERS } from "./orders.ts";

/** Writes documents as one multi-document YAML file; returns its path. */
export function writeOrders(directory: string, documents: unknown[], file = "orders.yaml"): string {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, file);
  writeFileSync(path, documents.map((document) => yaml.dump(document)).join("---\n"));
  return path;
}

/** Two valid orders of two tenants (so two tenant namespaces). */
export function twoOrders() {
  return [
    orderDocument(PARITY_PARAMETERS, { name: "vm-a" }),
    orderDocument({ cpu_cores: 2, exposed_ports: "80/tcp" }, { name: "vm-b", tenant: "other-tenant" }),
  ];
}
