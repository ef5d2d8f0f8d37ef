/** Counters and timings for the SSVirt benchmark: the controller's write metrics, a query's own cost. */
import type pg from "pg";
import { percentile } from "./controller-orders.ts";

/** The controller's write counters: transactions (writes of any outcome) and statements. */
export async function scrapeTotals(controller: { metrics(): Promise<string> }): Promise<Map<string, number>> {
  const text = await controller.metrics();
  const totals = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^(osac_vm_ssvirt_vm_status_writes_total|osac_vm_ssvirt_vm_status_statements_total)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const key = match[1] === "osac_vm_ssvirt_vm_status_writes_total" ? "writes" : "statements";
    totals.set(key, (totals.get(key) ?? 0) + Number(match[3]));
  }
  return totals;
}

export function diff(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([key, value]) => [key, value - (before.get(key) ?? 0)]));
}

export async function timeQuery(db: pg.Pool, text: string, runs: number): Promise<{ runs: number; mean: number; p99: number }> {
  const client = await db.connect();
  try {
    await client.query(text);
    const times: number[] = [];
    for (let index = 0; index < runs; index++) {
      const started = performance.now();
      await client.query(text);
      times.push(performance.now() - started);
    }
    return { runs, mean: times.reduce((a, b) => a + b, 0) / runs, p99: percentile(times, 99) };
  } finally {
    client.release();
  }
}
