/**
 * What the controller's code costs in RSS before it holds a single object: fresh node processes
 * that only import some modules (plain node, or through tsx's loader the way bin/osac-vm.js runs),
 * then GC and report RSS / JS heap. Prints a markdown table (median of 3 processes per row).
 *
 *   npx tsx bench/support/controller-module-rss.ts
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PROJECT } from "./controller-env.ts";

const require = createRequire(join(PROJECT, "package.json"));
const url = (module: string) => (module.startsWith("src/") ? pathToFileURL(join(PROJECT, module)).href : pathToFileURL(require.resolve(module)).href);

const DEPENDENCIES = ["@kubernetes/client-node", "cdk8s", "cdk8s-plus-28", "@electric-sql/pglite", "pg", "pino", "prom-client", "zod"];
const ROWS: { label: string; modules: string[]; tsx: boolean[] }[] = [
  { label: "node, nothing imported", modules: [], tsx: [false, true] },
  { label: "@kubernetes/client-node", modules: ["@kubernetes/client-node"], tsx: [false, true] },
  { label: "cdk8s + cdk8s-plus-28", modules: ["cdk8s", "cdk8s-plus-28"], tsx: [false, true] },
  { label: "@electric-sql/pglite (module only)", modules: ["@electric-sql/pglite"], tsx: [false, true] },
  { label: "pg, pino, prom-client, zod", modules: ["pg", "pino", "prom-client", "zod"], tsx: [false, true] },
  { label: "all runtime dependencies above", modules: DEPENDENCIES, tsx: [false, true] },
  { label: "src/controller/controller.ts (everything the controller imports)", modules: ["src/controller/controller.ts"], tsx: [true] },
];

function probe(modules: string[], tsx: boolean): { rssMb: number; heapMb: number } {
  const code = `
    for (const m of ${JSON.stringify(modules.map(url))}) await import(m);
    await new Promise((r) => setTimeout(r, 300));
    globalThis.gc();
    const u = process.memoryUsage();
    console.log(JSON.stringify({ rssMb: u.rss / 2 ** 20, heapMb: u.heapUsed / 2 ** 20 }));`;
  const args = ["--expose-gc", ...(tsx ? ["--import", "tsx"] : []), "--input-type=module", "-e", code];
  const child = spawnSync(process.execPath, args, { cwd: PROJECT, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  if (child.status !== 0) throw new Error(`probe of ${modules.join(", ")} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").pop()!) as { rssMb: number; heapMb: number };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const cell = (modules: string[], tsx: boolean) => {
  const runs = [0, 1, 2].map(() => probe(modules, tsx));
  return `${median(runs.map((run) => run.rssMb)).toFixed(0)} / ${median(runs.map((run) => run.heapMb)).toFixed(0)}`;
};

process.stdout.write("| imported | plain node: RSS / JS heap MB | through tsx (as bin/osac-vm.js runs): RSS / JS heap MB |\n|---|---:|---:|\n");
for (const row of ROWS) {
  const plain = row.tsx.includes(false) ? cell(row.modules, false) : "—";
  const viaTsx = row.tsx.includes(true) ? cell(row.modules, true) : "—";
  process.stdout.write(`| ${row.label} | ${plain} | ${viaTsx} |\n`);
}
process.stdout.write(`\nNode ${process.version}; each cell: median of 3 fresh processes, after import + 300 ms + a full GC.\n`);
