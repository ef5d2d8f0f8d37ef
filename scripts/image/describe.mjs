// Prints the layers of the image build.sh assembled: what made each, its size compressed (what a
// registry stores and a node pulls) and unpacked. Usage: node describe.mjs <oci layout> <work dir>
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const [layout, work] = process.argv.slice(2);
const blob = (digest) => join(layout, "blobs", ...digest.split(":"));
const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8"));
const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), "utf8"));
const config = JSON.parse(readFileSync(blob(manifest.config.digest), "utf8"));
const makers = config.history.filter((entry) => !entry.empty_layer).map((entry) => entry.created_by);
const unpacked = ["base", "node", "app"].map((name) => statSync(join(work, `${name}.tar`)).size);
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const rows = manifest.layers.map((layer, i) => [String(i + 1), makers[i] ?? "?", mb(layer.size), mb(unpacked[i] ?? 0)]);
const total = manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
rows.push(["", "total", mb(total), mb(unpacked.reduce((a, b) => a + b, 0))]);
const header = ["layer", "made by", "compressed", "unpacked"];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
for (const row of [header, ...rows]) process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column])).join("  ")}\n`);
