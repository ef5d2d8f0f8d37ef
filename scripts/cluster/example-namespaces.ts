// The namespaces that the orders in examples/orders/ live in, created by `npm run cluster:up`, so
// that `kubectl apply -f examples/orders` works on a new cluster as the README shows.
import * as fs from "node:fs";
import * as path from "node:path";
import yaml from "js-yaml";
import { REPO_ROOT } from "./harness.ts";
import { serverSideApply, type KubeEndpoint } from "./kube-http.ts";

export const EXAMPLE_ORDERS_DIR = path.join(REPO_ROOT, "examples/orders");

/** Namespaces of every namespaced document in the examples' YAML files, sorted, without duplicates. */
export function exampleNamespaces(dir = EXAMPLE_ORDERS_DIR): string[] {
  const names = new Set<string>();
  for (const file of fs.readdirSync(dir).filter((name) => /\.ya?ml$/.test(name))) {
    for (const doc of yaml.loadAll(fs.readFileSync(path.join(dir, file), "utf8"))) {
      const namespace = (doc as { metadata?: { namespace?: unknown } } | null)?.metadata?.namespace;
      if (typeof namespace === "string" && namespace) names.add(namespace);
    }
  }
  return [...names].sort();
}

/** Creates (server-side applies) the examples' namespaces; returns their names. */
export async function createExampleNamespaces(ep: KubeEndpoint, fieldManager: string): Promise<string[]> {
  const names = exampleNamespaces();
  for (const name of names) {
    await serverSideApply(ep, `/api/v1/namespaces/${name}`, { apiVersion: "v1", kind: "Namespace", metadata: { name } }, fieldManager);
  }
  return names;
}
