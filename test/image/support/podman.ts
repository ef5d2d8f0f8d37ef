// Runs the image with podman from Debian (apt-get install -y podman runc), as root, with storage of
// its own under a temporary directory, so nothing is shared with any other podman use. Why each
// flag is needed on this machine (a VM with a hybrid cgroup layout and a low hard rlimit):
// - `--runtime runc`: crun, podman's default, refuses cgroup "hybrid mode" (v1 controllers with a
//   v2 hierarchy that holds a controller, hugetlb here) and starts nothing;
// - `--ulimit nofile=…,nproc=…` within this process's hard limits: podman's defaults (1048576
//   files) exceed them, and setrlimit in the container fails with EPERM (runc also refuses an
//   nproc above the kernel's pid_max, so it is capped at 4096, plenty for one Node process);
// - `--cgroup-manager cgroupfs`, `--events-backend file`: no systemd, no journald needed.
// Storage is overlay (a container starts in ~2 s; vfs copies the 250 MB image for each one, ~7 s);
// OSAC_VM_PODMAN_STORAGE_DRIVER=vfs is for a temporary directory on a filesystem overlay cannot
// stack on (itself an overlay, as in some CI containers).
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const IMAGE_TOOLS = ["podman", "runc", "skopeo"] as const;
export const INSTALL_HINT = "apt-get install -y podman runc skopeo mmdebstrap umoci";

/** The tools of IMAGE_TOOLS that are not on PATH. */
export function missingImageTools(): string[] {
  return IMAGE_TOOLS.filter((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0);
}

/** podman's global options for storage under `storageDir`. */
export function podmanGlobalArgs(storageDir: string): string[] {
  return [
    "--root", join(storageDir, "root"),
    "--runroot", join(storageDir, "run"),
    "--storage-driver", process.env.OSAC_VM_PODMAN_STORAGE_DRIVER ?? "overlay",
    "--cgroup-manager", "cgroupfs",
    "--events-backend", "file",
    "--runtime", "runc",
  ];
}

const MAX_PROCESSES = 4096;

/** Hard limits of this process ("Max open files", "Max processes") from /proc/self/limits. */
function hardLimit(name: string): string {
  const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith(name));
  const hard = line?.slice(name.length).trim().split(/\s+/)[1];
  if (!hard) throw new Error(`no '${name}' in /proc/self/limits`);
  return hard === "unlimited" ? "1048576" : hard;
}

/**
 * `podman run` options every container of the tests gets: removed on exit, the root filesystem
 * read-only with /tmp a tmpfs (as the chart mounts an emptyDir), no network unless asked.
 */
export function runArgs(options: { network?: "none" | "host" } = {}): string[] {
  const files = hardLimit("Max open files");
  const processes = String(Math.min(Number(hardLimit("Max processes")), MAX_PROCESSES));
  return [
    "run", "--rm", "--read-only", "--tmpfs", "/tmp:rw,mode=1777",
    "--network", options.network ?? "none",
    "--ulimit", `nofile=${files}:${files}`, "--ulimit", `nproc=${processes}:${processes}`,
  ];
}

export class Podman {
  constructor(readonly storageDir: string) {}

  /** Runs podman to completion. */
  run(args: string[], input?: string): SpawnSyncReturns<string> {
    return spawnSync("podman", [...podmanGlobalArgs(this.storageDir), ...args], { encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
  }

  /** Runs podman and returns stdout, or throws with its stderr. */
  check(args: string[]): string {
    const result = this.run(args);
    if (result.status !== 0) throw new Error(`podman ${args.join(" ")} exited ${result.status}: ${result.stderr || result.error}`);
    return result.stdout;
  }

  /** Runs another container tool (skopeo) to completion and returns stdout, or throws with its stderr. */
  runTool(command: string, args: string[]): string {
    const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr || result.error}`);
    return result.stdout;
  }

  /** Starts podman in the background (a long-running container). */
  start(args: string[]): ChildProcess {
    return spawn("podman", [...podmanGlobalArgs(this.storageDir), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  }
}
