/** Process measurement and output-tree helpers for the render benchmark. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import yaml from "js-yaml";

export const TIME_BINARY = "/usr/bin/time";

export interface Measured {
  /** Wall seconds as GNU time reports them (%e, 10 ms resolution). */
  readonly wallS: number;
  /** User + system CPU seconds of the child (%U + %S): less sensitive than wall time to other load on the machine. */
  readonly cpuS: number;
  /** Peak resident set size of the child, MB (GNU time %M is KiB; MB here = KiB / 1024). */
  readonly peakRssMb: number;
  /** Wall seconds around spawnSync in this process (includes spawning /usr/bin/time itself). */
  readonly spawnWallS: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command args` as a fresh child process under `/usr/bin/time -f "%e %U %S %M"`; the time report
 * goes to its own file so it cannot mix with the child's stderr. Throws when the child fails.
 */
export function measure(command: string, args: readonly string[], cwd: string): Measured {
  const scratch = mkdtempSync(join(tmpdir(), "osac-bench-time-"));
  const report = join(scratch, "time.txt");
  try {
    // Flush dirty pages left by earlier runs (and their clean-up), so that no run pays for another's writeback.
    spawnSync("sync");
    const started = performance.now();
    const child = spawnSync(TIME_BINARY, ["-f", "%e %U %S %M", "-o", report, command, ...args], {
      cwd,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    const spawnWallS = (performance.now() - started) / 1000;
    if (child.status !== 0) {
      throw new Error(`${command} ${args.join(" ")} exited ${child.status ?? child.signal}:\n${child.stderr}`);
    }
    const [wall, user, system, rssKb] = readFileSync(report, "utf8").trim().split(/\s+/).slice(-4).map(Number);
    return { wallS: wall!, cpuS: user! + system!, peakRssMb: rssKb! / 1024, spawnWallS, stdout: child.stdout, stderr: child.stderr };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface FileState {
  readonly ino: bigint;
  readonly mtimeNs: bigint;
  readonly size: bigint;
}

/** Every regular file under `root` (relative path → inode, mtime ns, size). */
export function snapshotTree(root: string): Map<string, FileState> {
  const files = new Map<string, FileState>();
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const stat = statSync(full, { bigint: true });
    files.set(full.slice(root.length + 1), { ino: stat.ino, mtimeNs: stat.mtimeNs, size: stat.size });
  }
  return files;
}

export interface TreeDiff {
  readonly changed: string[];
  readonly added: string[];
  readonly removed: string[];
}

/** Files whose inode, mtime or size differ between two snapshots, and files added or removed. */
export function diffTrees(before: Map<string, FileState>, after: Map<string, FileState>): TreeDiff {
  const changed: string[] = [];
  const added: string[] = [];
  for (const [path, state] of after) {
    const old = before.get(path);
    if (!old) added.push(path);
    else if (old.ino !== state.ino || old.mtimeNs !== state.mtimeNs || old.size !== state.size) changed.push(path);
  }
  const removed = [...before.keys()].filter((path) => !after.has(path));
  return { changed: changed.sort(), added: added.sort(), removed: removed.sort() };
}

export function countFiles(root: string): number {
  return readdirSync(root, { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile()).length;
}

/** Every Kubernetes object in every YAML file under `root`, keyed by kind/namespace/name, as canonical JSON. */
export function objectsUnder(root: string): Map<string, string> {
  const objects = new Map<string, string>();
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".yaml")) continue;
    for (const value of yaml.loadAll(readFileSync(join(entry.parentPath, entry.name), "utf8"))) {
      if (value === null || value === undefined) continue;
      const object = value as { kind: string; metadata: { name: string; namespace?: string } };
      objects.set(`${object.kind}/${object.metadata.namespace ?? ""}/${object.metadata.name}`, canonical(value));
    }
  }
  return objects;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

/** Keys whose objects differ between two trees (missing on either side included). */
export function differingObjects(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((key) => a.get(key) !== b.get(key)).sort();
}
