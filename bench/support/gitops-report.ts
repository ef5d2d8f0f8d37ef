/** The Markdown tables bench/gitops.ts prints. */
import { cpus } from "node:os";
import type { FloorResult } from "./gitops-floor.ts";
import { percentile, type Breakdown, type SyncTimeline } from "./gitops-measure.ts";

export interface SingleResult {
  refresh: string;
  childrenMs: number[];
  syncedMs: number[];
}

export interface ConfigResult {
  config: string;
  description: string;
  singles: SingleResult[];
  batch: { orders: number; objects: number; syncedMs: number; healthyMs: number };
  cpu: Record<string, number>;
  wallS: number;
  breakdown: Record<string, Breakdown>;
  batchSync: SyncTimeline;
  floor: FloorResult;
  loadStart: string;
  loadEnd: string;
}

export function table(results: ConfigResult[]): string {
  const out: string[] = [];
  out.push(`Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), shared; Argo CD v3.6.2, kube-apiserver ${"v1.33.13"}.`);
  out.push("");
  out.push("### Commit → every child applied, single-order commits");
  out.push("");
  out.push("| configuration | refresh | commits | children p50 | children p99 | Synced p50 | Synced p99 | target p99 |");
  out.push("|---|---|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    for (const s of r.singles) {
      out.push(
        `| ${r.config} | ${s.refresh} | ${s.childrenMs.length} | ${(percentile(s.childrenMs, 50) / 1000).toFixed(2)} s | ${(percentile(s.childrenMs, 99) / 1000).toFixed(2)} s | ${(percentile(s.syncedMs, 50) / 1000).toFixed(2)} s | ${(percentile(s.syncedMs, 99) / 1000).toFixed(2)} s | ≤ 3 s |`,
      );
    }
  }
  out.push("");
  out.push("### One commit of many orders → Synced and Healthy");
  out.push("");
  out.push("| configuration | orders | objects | Synced | Healthy | target |");
  out.push("|---|---:|---:|---:|---:|---:|");
  for (const r of results) out.push(`| ${r.config} | ${r.batch.orders} | ${r.batch.objects} | ${(r.batch.syncedMs / 1000).toFixed(1)} s | ${(r.batch.healthyMs / 1000).toFixed(1)} s | ≤ 30 s |`);
  out.push("");
  out.push("### Floor: the same files applied with `kubectl apply --server-side`, no Argo CD (same cluster, same webhook, after the run)");
  out.push("");
  out.push("| configuration | single order p50 | single order p99 | Argo CD p99 / floor p99 | batch: dry run + apply | batch: apply only | Argo CD Synced / floor (dry run + apply) |");
  out.push("|---|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    const argoP99 = Math.max(...r.singles.map((s) => percentile(s.childrenMs, 99)));
    const floorP99 = percentile(r.floor.singleMs, 99);
    out.push(
      `| ${r.config} | ${(percentile(r.floor.singleMs, 50) / 1000).toFixed(2)} s | ${(floorP99 / 1000).toFixed(2)} s | ${(argoP99 / floorP99).toFixed(1)}× | ${(r.floor.batch.dryRunAndApplyMs / 1000).toFixed(1)} s | ${(r.floor.batch.applyMs / 1000).toFixed(1)} s | ${(r.batch.syncedMs / r.floor.batch.dryRunAndApplyMs).toFixed(1)}× |`,
    );
  }
  out.push("");
  out.push("### CPU time over each configuration's run (s)");
  out.push("");
  const labels = Object.keys(results[0]?.cpu ?? {});
  out.push(`| process | ${results.map((r) => r.config).join(" | ")} |`);
  out.push(`|---|${results.map(() => "---:").join("|")}|`);
  for (const label of labels) out.push(`| ${label} | ${results.map((r) => r.cpu[label]!.toFixed(1)).join(" | ")} |`);
  out.push(`| wall time of the run | ${results.map((r) => r.wallS.toFixed(0)).join(" | ")} |`);
  out.push("");
  out.push("### Where the application controller spends a reconcile (its log, median / max ms)");
  out.push("");
  out.push("| configuration | phase | reconciles | total | git (repo server) | compare | sync |");
  out.push("|---|---|---:|---:|---:|---:|---:|");
  for (const r of results) {
    for (const [phase, b] of Object.entries(r.breakdown)) {
      out.push(`| ${r.config} | ${phase} | ${b.count} | ${b.time.median} / ${b.time.max} | ${b.git.median} / ${b.git.max} | ${b.compare.median} / ${b.compare.max} | ${b.sync.median} / ${b.sync.max} |`);
    }
  }
  out.push("");
  out.push("### The batch's sync operation (controller log): dry run of every task, then one pass per wave (s)");
  out.push("");
  out.push("| configuration | dry run | passes, one per wave (the first includes the dry run) |");
  out.push("|---|---:|---|");
  for (const r of results) out.push(`| ${r.config} | ${r.batchSync.dryRunS.toFixed(1)} | ${r.batchSync.passesS.map((p) => p.toFixed(1)).join(", ")} |`);
  out.push("");
  for (const r of results) out.push(`Load average (1/5/15 min), ${r.config}: ${r.loadStart} at start, ${r.loadEnd} at end. ${r.config}: ${r.description}.`);
  return out.join("\n");
}

