/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): top functions by self time and by
 * inclusive time (each function counted once per sample, so recursion is not double counted).
 *
 *   npx tsx bench/support/summarise-profile.ts <file.cpuprofile> [top=25] [filter-regexp-for-inclusive]
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, topText, filterText] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: summarise-profile <file.cpuprofile> [top] [inclusive-filter]\n");
  process.exit(2);
}
const top = Number(topText ?? 25);
const filter = filterText ? new RegExp(filterText) : undefined;
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^file:\/\//, "").replace(/^.*\/work\/main\//, "").replace(/\?.*$/, "")}:${lineNumber + 1}` : "";
  return `${functionName || "(anonymous)"}${where ? ` ${where}` : ""}`;
}

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const delta = (profile.timeDeltas[index] ?? 0) / 1000;
  total += delta;
  const leaf = byId.get(id)!;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + delta);
  const seen = new Set<string>();
  for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
    const name = label(byId.get(current)!);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + delta);
  }
});

const print = (title: string, entries: Map<string, number>, keep: (name: string) => boolean) => {
  process.stdout.write(`\n${title}\n`);
  [...entries]
    .filter(([name]) => keep(name))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([name, ms]) => process.stdout.write(`${ms.toFixed(1).padStart(9)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}\n`));
};
process.stdout.write(`${file}: ${total.toFixed(0)} ms sampled, ${profile.samples.length} samples\n`);
print("Self time", self, () => true);
print("Inclusive time", inclusive, (name) => (filter ? filter.test(name) : !/^\((root|program|idle|garbage collector)\)/.test(name)));
