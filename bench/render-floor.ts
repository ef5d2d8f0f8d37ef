/**
 * The render floor: what rendering costs with no framework. Reads the orders file (js-yaml
 * loadAll), builds the same objects as `osac-vm render` (gitops profile) with plain object
 * literals, and writes ONE FILE PER OBJECT, `<out>/<namespace>/<Kind>-<name>.yaml`, with js-yaml
 * dump (same dump options as the renderer). No digests, no headers, no atomic rename, no reading
 * of the output directory.
 *
 *   node --import tsx bench/render-floor.ts --in orders.yaml --out <dir>
 *
 * Prints `{"orders":N,"objects":M,"files":F}` on stdout.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import yaml from "js-yaml";
import { plainNamespace, plainOrderObjects, type PlainObject } from "./support/plain-objects.ts";

const { values } = parseArgs({ options: { in: { type: "string" }, out: { type: "string" } } });
if (!values.in || !values.out) {
  process.stderr.write("usage: render-floor --in <file> --out <dir>\n");
  process.exit(2);
}
const outDir = values.out;
const documents = yaml.loadAll(readFileSync(values.in, "utf8"));
const madeDirectories = new Set<string>();
const namespaces = new Map<string, PlainObject>();
let orders = 0;
let files = 0;

function write(namespace: string, object: PlainObject): void {
  const directory = join(outDir, namespace);
  if (!madeDirectories.has(directory)) {
    mkdirSync(directory, { recursive: true });
    madeDirectories.add(directory);
  }
  writeFileSync(join(directory, `${object.kind}-${object.metadata.name}.yaml`), yaml.dump(object, { noRefs: true, lineWidth: -1 }));
  files++;
}

for (const document of documents) {
  if (document === null || document === undefined) continue;
  const { tenantNamespace, tenant, objects } = plainOrderObjects(document);
  orders++;
  if (!namespaces.has(tenantNamespace)) {
    const orderNamespace = (document as { metadata: { namespace: string } }).metadata.namespace;
    namespaces.set(tenantNamespace, plainNamespace(tenantNamespace, tenant, orderNamespace));
  }
  for (const object of objects) write(tenantNamespace, object);
}
for (const [name, namespace] of namespaces) write(name, namespace);

process.stdout.write(`${JSON.stringify({ orders, objects: files, files })}\n`);
