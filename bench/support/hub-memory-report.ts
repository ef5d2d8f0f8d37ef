/** The markdown report of bench:hub-memory: the runs' table and the costs derived from it. */
import type { RunResult } from "./hub-memory-measure.ts";

export interface ReportInput {
  readonly machine: string;
  readonly controller: string;
  readonly loadStart: string;
  readonly loadEnd: string;
  readonly orders: number;
  readonly hubs: number;
  readonly runs: readonly RunResult[];
  readonly loads: readonly string[];
  readonly creation: readonly string[];
  readonly repeat: number;
  readonly wallS: number;
}

const f0 = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : "—");
const f1 = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : "—");
const signed = (value: number) => (Number.isFinite(value) ? `${value >= 0 ? "+" : ""}${value.toFixed(1)}` : "—");

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  if (points.length < 2) return NaN;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / points.length;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / points.length;
  const sxx = points.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  const sxy = points.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0);
  return sxx === 0 ? NaN : sxy / sxx;
}

export function report(input: ReportInput): string {
  const { runs, orders, hubs } = input;
  const find = (predicate: (run: RunResult) => boolean) => runs.find(predicate);
  const emptySingle = find((run) => run.hubs === 0 && run.orders === 0);
  const single = find((run) => run.hubs === 0 && run.orders === orders && !run.registry);
  const registryOnly = find((run) => run.hubs === 0 && run.orders === orders && run.registry);
  const emptyHubs = runs.filter((run) => run.registry && run.hubs > 0 && run.orders === orders && run.hubOrders === 0);
  const emptySpread = find((run) => run.hubs === hubs && run.orders === 0);
  const spread = find((run) => run.hubs === hubs && run.hubOrders === orders && orders > 0);

  const out: string[] = [];
  out.push(`Machine: ${input.machine}. Controller: ${input.controller}.`);
  out.push(`Load average (1/5/15 min) at start: ${input.loadStart}; at end: ${input.loadEnd}. Bench wall time ${f0(input.wallS)} s.`);
  out.push(...input.creation.map((line) => `- ${line}`));
  out.push("");
  out.push("| run | hubs watched | orders | of them on hubs | hub registry | RSS idle MiB | RSS after GC MiB (range) | heap used after GC MiB (range) | external MiB | VmHWM MiB | Δ RSS / Δ heap per hub MiB | converged after s | load (1 min) |");
  out.push("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  const range = (values: number[], format: (value: number) => string) => (values.length > 1 ? ` (${format(Math.min(...values))}–${format(Math.max(...values))})` : "");
  runs.forEach((run, index) => {
    const floor = run.orders === 0 ? emptySingle : registryOnly;
    const perHub = run.hubs > 0 && floor && floor !== run ? `${signed((run.rssAfterGcMb - floor.rssAfterGcMb) / run.hubs)} / ${signed((run.heapUsedMb - floor.heapUsedMb) / run.hubs)}` : "—";
    out.push(
      `| ${run.label} | ${run.hubs} | ${run.orders} | ${run.hubOrders} | ${run.registry ? "on" : "off"} | ${f0(run.rssIdleMb)} | ${f0(run.rssAfterGcMb)}${range(run.samples.map((x) => x.rssAfterGcMb), f0)} | ${f1(run.heapUsedMb)}${range(run.samples.map((x) => x.heapUsedMb), f1)} | ${f1(run.externalMb)} | ${f0(run.hwmMb)} | ${perHub} | ${f1(run.convergedS)} | ${input.loads[index] ?? "—"} |`,
    );
  });
  out.push("");
  out.push(
    `${input.repeat > 1 ? `Every figure is the median of ${input.repeat} controllers (a fresh process and database each); the range is over them.` : "Every figure is from one controller (--repeat 1)."} Δ per hub: (this run − the 0-hub run with the same orders and the hub registry on) / hubs watched; for the run without orders, against the run without orders and without hubs. ` +
      "Each run is a fresh controller on a fresh database, started against a cluster that already holds the fleet; converged: every order's database row READY (with its hub for orders on hubs) and the controller idle.",
  );
  out.push("");
  const lines: string[] = [];
  const kib = (mib: number) => (mib * 1024) / Math.max(1, orders);
  if (single && emptySingle) {
    lines.push(`per order, single-cluster mode: ${f1(kib(single.rssAfterGcMb - emptySingle.rssAfterGcMb))} KiB RSS, ${f1(kib(single.heapUsedMb - emptySingle.heapUsedMb))} KiB heap ((${orders} orders − none) / ${orders}).`);
  }
  if (spread && emptySpread) {
    lines.push(`per order, spread over ${hubs} hubs: ${f1(kib(spread.rssAfterGcMb - emptySpread.rssAfterGcMb))} KiB RSS, ${f1(kib(spread.heapUsedMb - emptySpread.heapUsedMb))} KiB heap ((${orders} orders − none, ${hubs} hubs both) / ${orders}).`);
  }
  if (single && registryOnly) {
    lines.push(`the hub registry itself (Hub and Secret caches, prober; no hub): ${signed(registryOnly.rssAfterGcMb - single.rssAfterGcMb)} MiB RSS, ${signed(registryOnly.heapUsedMb - single.heapUsedMb)} MiB heap.`);
  }
  if (registryOnly && emptyHubs.length > 0) {
    const points = [registryOnly, ...emptyHubs];
    lines.push(
      `per watched hub without orders (least-squares slope over ${points.map((run) => run.hubs).join(", ")} hubs, the ${orders} orders on the management cluster): ` +
        `${signed(slope(points.map((run) => ({ x: run.hubs, y: run.rssAfterGcMb }))))} MiB RSS, ${signed(slope(points.map((run) => ({ x: run.hubs, y: run.heapUsedMb }))))} MiB heap.`,
    );
  }
  if (spread && registryOnly && single) {
    lines.push(
      `**per watched hub, ${orders} orders spread over ${hubs} hubs** (the issue's figure): (${hubs} hubs − 0 hubs, registry on) / ${hubs} = ` +
        `**${signed((spread.rssAfterGcMb - registryOnly.rssAfterGcMb) / hubs)} MiB RSS, ${signed((spread.heapUsedMb - registryOnly.heapUsedMb) / hubs)} MiB heap**; ` +
        `against single-cluster mode with the registry off: ${signed((spread.rssAfterGcMb - single.rssAfterGcMb) / hubs)} MiB RSS, ${signed((spread.heapUsedMb - single.heapUsedMb) / hubs)} MiB heap.`,
    );
  }
  out.push(...lines.map((line) => `- ${line}`));
  return out.join("\n");
}
