// Checks that a stopped control plane left nothing behind.
import * as fs from "node:fs";
import * as net from "node:net";
import { isProcessAlive } from "../../../scripts/cluster/harness.ts";

/** pids of live processes whose command line mentions `needle`. */
export function processesMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmd.includes(needle) && isProcessAlive(Number(entry))) out.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** true when something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.setTimeout(2_000);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("timeout", () => {
      s.destroy();
      resolve(false);
    });
    s.once("error", () => resolve(false));
  });
}

export interface Leftovers {
  pids: number[];
  openPorts: number[];
  dirExists: boolean;
  mentioning: number[];
}

export async function leftovers(state: {
  dir: string;
  pids: { etcd: number; apiserver: number };
  ports: { etcdClient: number; etcdPeer: number; apiserver: number };
}): Promise<Leftovers> {
  const ports = [state.ports.etcdClient, state.ports.etcdPeer, state.ports.apiserver];
  const open: number[] = [];
  for (const p of ports) if (await portOpen(p)) open.push(p);
  return {
    pids: [state.pids.etcd, state.pids.apiserver].filter(isProcessAlive),
    openPorts: open,
    dirExists: fs.existsSync(state.dir),
    mentioning: processesMentioning(state.dir),
  };
}

export const NOTHING_LEFT: Leftovers = { pids: [], openPorts: [], dirExists: false, mentioning: [] };

export async function waitNothingLeft(
  state: Parameters<typeof leftovers>[0],
  timeoutMs = 20_000,
): Promise<Leftovers> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const l = await leftovers(state);
    if ((!l.pids.length && !l.openPorts.length && !l.dirExists && !l.mentioning.length) || Date.now() > deadline) return l;
    await new Promise((r) => setTimeout(r, 200));
  }
}
