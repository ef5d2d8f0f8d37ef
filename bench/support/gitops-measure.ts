/** Measurements for bench/gitops.ts: CPU time from /proc, percentiles, waits, the status player, the controller's log. */
import * as fs from "node:fs";
import type * as k8s from "@kubernetes/client-node";
import { rawRequest } from "../../test/e2e/support/kube.ts";
import { playOrderReady } from "../../test/gitops/support/play-kubevirt.ts";

const CLOCK_TICKS = 100;

/** utime + stime of a process and of its children it has waited for (cutime + cstime), seconds. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const CHILD_LISTS = [
  (ns: string) => `/api/v1/namespaces/${ns}/secrets`,
  (ns: string) => `/api/v1/namespaces/${ns}/services`,
  (ns: string) => `/apis/cdi.kubevirt.io/v1beta1/namespaces/${ns}/datavolumes`,
  (ns: string) => `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines`,
];

/** Polls every 50 ms until the order's four children (cloud-init Secret, Service, DataVolume, VM) exist. */
export async function waitChildren(kc: k8s.KubeConfig, ns: string, order: string, timeoutMs: number): Promise<void> {
  const selector = `labelSelector=${encodeURIComponent(`cloudkit.openshift.io/virtualmachine=${order}`)}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await Promise.all(CHILD_LISTS.map(async (list) => {
      const res = await rawRequest(kc, "GET", `${list(ns)}?${selector}`);
      return res.status === 200 ? (JSON.parse(res.body) as { items: unknown[] }).items.length : 0;
    }));
    if (counts.every((count) => count > 0)) return;
    if (Date.now() > deadline) throw new Error(`children of ${ns}/${order} not all there after ${timeoutMs} ms: ${counts.join(",")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Plays KubeVirt, CDI and a load balancer for every order whose VM appears in the namespaces: as
 * soon as an order's VM, DataVolume and Service exist, their status is written (ready).
 */
export class StatusPlayer {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private readonly done = new Set<string>();
  private next = 1;

  constructor(
    private readonly kc: k8s.KubeConfig,
    private readonly namespaces: readonly string[],
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), 250);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const ns of this.namespaces) {
        const lists = await Promise.all(CHILD_LISTS.slice(1).map(async (list) => {
          const res = await rawRequest(this.kc, "GET", list(ns));
          return res.status === 200 ? new Set((JSON.parse(res.body) as { items: { metadata: { labels?: Record<string, string> } }[] }).items.map((i) => i.metadata.labels?.["cloudkit.openshift.io/virtualmachine"] ?? "")) : new Set<string>();
        }));
        const ready = [...lists[2]!].filter((order) => order && lists[0]!.has(order) && lists[1]!.has(order) && !this.done.has(`${ns}/${order}`));
        for (let i = 0; i < ready.length; i += 8) {
          await Promise.all(ready.slice(i, i + 8).map(async (order) => {
            const n = this.next++;
            await playOrderReady(this.kc, ns, order, `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`);
            this.done.add(`${ns}/${order}`);
          }));
        }
      }
    } catch {
      /* the next tick tries again */
    } finally {
      this.busy = false;
    }
  }
}

export interface Breakdown {
  count: number;
  time: { median: number; max: number };
  git: { median: number; max: number };
  compare: { median: number; max: number };
  sync: { median: number; max: number };
}

/** Median and max of the controller's "Reconciliation completed" timings for one Application, between two log offsets. */
export function reconcileBreakdown(logFile: string, from: number, to: number, application: string): Breakdown {
  const text = fs.readFileSync(logFile, "utf8");
  const slice = Buffer.from(text).subarray(from, Number.isFinite(to) ? to : undefined).toString("utf8");
  const rows = slice
    .split("\n")
    .filter((line) => line.includes('msg="Reconciliation completed"') && line.includes(`application=${application} `))
    .map((line) => Object.fromEntries([...line.matchAll(/(\w+)=(\d+)\b/g)].map((m) => [m[1]!, Number(m[2])])));
  const stat = (key: string) => {
    const values = rows.map((row) => row[key] ?? 0);
    return { median: Math.round(percentile(values, 50)), max: Math.max(0, ...values) };
  };
  return { count: rows.length, time: stat("time_ms"), git: stat("git_ms"), compare: stat("compare_app_state_ms"), sync: stat("sync_ms") };
}

export interface SyncTimeline {
  /** From the automated sync being initiated until its dry run of every task ended, s. */
  dryRunS: number;
  /** Duration of each pass of the sync operation (one per wave, with its wave delay), s. */
  passesS: number[];
}

/** The sync operation of one Application from the controller's log (needs millisecond timestamps). */
export function syncTimeline(logFile: string, from: number, application: string): SyncTimeline {
  const lines = Buffer.from(fs.readFileSync(logFile)).subarray(from).toString("utf8").split("\n").filter((line) => line.includes(`application=${application} `));
  const at = (line: string | undefined) => (line ? Date.parse(/time="([^"]+)"/.exec(line)?.[1] ?? "") : NaN);
  const dryRunStart = at(lines.find((line) => line.includes('msg="Tasks (dry-run)"')));
  const dryRunEnd = at(lines.find((line) => at(line) >= dryRunStart && line.includes("-> 'one or more tasks are running'")));
  const passesS = lines.flatMap((line) => {
    const match = /msg="sync\/terminate complete".* duration=([0-9.]+)(ms|s|m[0-9.]+s)/.exec(line);
    if (!match) return [];
    const text = /duration=(\S+)/.exec(line)![1]!;
    const minutes = /^(\d+)m([0-9.]+)s$/.exec(text);
    return [minutes ? Number(minutes[1]) * 60 + Number(minutes[2]) : text.endsWith("ms") ? Number.parseFloat(text) / 1000 : Number.parseFloat(text)];
  });
  return { dryRunS: (dryRunEnd - dryRunStart) / 1000, passesS };
}
