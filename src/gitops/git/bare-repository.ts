import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { GitCli } from "./git-cli.ts";
import { GitCommandError } from "./errors.ts";
import { buildCommit, type BuiltCommit, type CommitRequest } from "./fast-import.ts";

export const ZERO_ID = "0000000000000000000000000000000000000000";

export interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly id: string;
  readonly path: string;
}

export interface TreeDifference {
  readonly path: string;
  /** ZERO_ID when the file was added. */
  readonly oldId: string;
  /** ZERO_ID when the file was removed. */
  readonly newId: string;
}

export type PushOutcome = { readonly kind: "pushed" } | { readonly kind: "non-fast-forward"; readonly detail: string } | { readonly kind: "remote-rejected"; readonly detail: string };

export interface RepositoryOptions {
  /** Directory of the bare repository (created when missing). */
  readonly gitDir: string;
  readonly url: string;
  readonly branch: string;
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: readonly string[];
  /** Network commands (fetch, push, ls-remote) are killed after this long. */
  readonly networkTimeoutMs: number;
}

/**
 * The committer's clone: a bare repository holding the branch's tip at depth 1. No working tree
 * and no index: commits are built by fast-import.ts from the parent's tree and the changed files,
 * so a commit costs work in proportion to the files it changes, and the disk holds one tree plus
 * what maintenance has not pruned yet (docs/adr/0026-git-tooling-and-credentials.md).
 */
export class BareRepository {
  readonly git: GitCli;

  constructor(readonly options: RepositoryOptions) {
    this.git = new GitCli(options.gitDir, options.env, options.secrets);
  }

  get remoteRef(): string {
    return `refs/remotes/origin/${this.options.branch}`;
  }

  get localRef(): string {
    return `refs/heads/${this.options.branch}`;
  }

  /** Creates the bare repository when missing and (re)sets the remote's URL and our settings. */
  async prepare(): Promise<void> {
    if (!existsSync(join(this.options.gitDir, "HEAD"))) {
      mkdirSync(this.options.gitDir, { recursive: true });
      await this.git.run(["init", "--quiet", "--bare", this.options.gitDir]);
    }
    const settings: [string, string][] = [
      ["remote.origin.url", this.options.url],
      ["core.logAllRefUpdates", "false"],
      // Maintenance is ours (maintain()): an automatic gc could prune objects mid-commit.
      ["gc.auto", "0"],
      ["maintenance.auto", "false"],
      ["fetch.writeCommitGraph", "false"],
      ["push.useBitmaps", "false"],
    ];
    for (const [key, value] of settings) await this.git.run(["config", key, value]);
    const format = await this.git.text(["rev-parse", "--show-object-format"]);
    if (format !== "sha1") throw new Error(`${this.options.gitDir} uses the ${format} object format; the committer writes SHA-1 repositories (remove the directory)`);
  }

  /** The branch's tip on the remote (undefined: the branch does not exist yet). Also checks reachability and credentials. */
  async lsRemote(): Promise<string | undefined> {
    const out = await this.git.text(["ls-remote", "--heads", "origin", this.localRef], { timeoutMs: this.options.networkTimeoutMs });
    return out ? out.split(/\s/)[0] : undefined;
  }

  /** Fetches the branch's tip at depth 1 into the remote-tracking ref; undefined when the branch does not exist. */
  async fetch(): Promise<string | undefined> {
    try {
      await this.git.run(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--depth=1", "origin", `+${this.localRef}:${this.remoteRef}`], {
        timeoutMs: this.options.networkTimeoutMs,
      });
    } catch (error) {
      if (error instanceof GitCommandError && /couldn't find remote ref/i.test(error.detail)) {
        await this.deleteRef(this.remoteRef);
        return undefined;
      }
      throw error;
    }
    return this.resolve(this.remoteRef);
  }

  async resolve(ref: string): Promise<string | undefined> {
    const out = await this.git.text(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { okExitCodes: [1] });
    return out || undefined;
  }

  async setRef(ref: string, id: string): Promise<void> {
    await this.git.run(["update-ref", "--no-deref", ref, id]);
  }

  async deleteRef(ref: string): Promise<void> {
    await this.git.run(["update-ref", "-d", ref], { okExitCodes: [1] });
  }

  /** Every file under `prefix` in a commit's tree. */
  async listTree(commit: string, prefix: string): Promise<TreeEntry[]> {
    const out = await this.git.run(["ls-tree", "-r", "-z", "--full-tree", commit, ...pathspec(prefix)]);
    return splitZ(out.stdout).map((record) => {
      const tab = record.indexOf("\t");
      const [mode, type, id] = record.slice(0, tab).split(" ");
      return { mode: mode!, type: type!, id: id!, path: record.slice(tab + 1) };
    });
  }

  /** Files that differ under `prefix` between two commits. */
  async diffTree(from: string, to: string, prefix: string): Promise<TreeDifference[]> {
    const out = await this.git.run(["diff-tree", "-r", "-z", "--no-renames", "--no-commit-id", from, to, ...pathspec(prefix)]);
    const fields = splitZ(out.stdout);
    const differences: TreeDifference[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const [, , oldId, newId] = fields[i]!.slice(1).split(" ");
      differences.push({ path: fields[i + 1]!, oldId: oldId!, newId: newId! });
    }
    return differences;
  }

  /** Builds a commit on `parent` (fast-import.ts) and points the local branch at it. */
  commit(request: Omit<CommitRequest, "ref">): Promise<BuiltCommit> {
    return buildCommit(this.git, { ...request, ref: this.localRef });
  }

  async treeOf(commit: string): Promise<string> {
    return this.git.text(["rev-parse", `${commit}^{tree}`]);
  }

  async commitTree(tree: string, parent: string | undefined, message: string): Promise<string> {
    return this.git.text(["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-F", "-"], { input: message });
  }

  async commitMessage(commit: string): Promise<string> {
    return this.git.text(["log", "-1", "--format=%B", commit]);
  }

  async parentOf(commit: string): Promise<string | undefined> {
    const out = await this.git.text(["rev-parse", "--verify", "--quiet", `${commit}^1`], { okExitCodes: [1] });
    return out || undefined;
  }

  /**
   * Bounds the disk: after a depth-1 fetch made the tip the shallow boundary again, every older
   * commit and every blob only they reached is unreachable. `prune` deletes those among the loose
   * objects, the remaining loose objects go into one pack, and once there are more than
   * `maxPacks` packs they are repacked into one, which drops unreachable packed objects too.
   * Run between commits, never during one.
   */
  async maintain(maxPacks = 20): Promise<{ packs: number; repacked: boolean }> {
    await this.git.run(["prune", "--expire=now"]);
    const before = await this.git.text(["count-objects", "-v"]);
    if (Number(/^count: (\d+)$/m.exec(before)?.[1] ?? 0) > 0) await this.git.run(["repack", "-d", "-q", "--no-write-bitmap-index"]);
    const counts = await this.git.text(["count-objects", "-v"]);
    const packs = Number(/^packs: (\d+)$/m.exec(counts)?.[1] ?? 0);
    if (packs <= maxPacks) return { packs, repacked: false };
    await this.git.run(["repack", "-a", "-d", "-q", "--no-write-bitmap-index"]);
    await this.git.run(["prune-packed"]);
    return { packs, repacked: true };
  }

  /** Bytes the object store takes (loose and packed). */
  async objectStoreBytes(): Promise<number> {
    const counts = await this.git.text(["count-objects", "-v"]);
    const kib = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, "m").exec(counts)?.[1] ?? 0);
    return (kib("size") + kib("size-pack")) * 1024;
  }

  /** Pushes `commit` as the branch's new tip: never forced, so a remote that moved rejects it. */
  async push(commit: string): Promise<PushOutcome> {
    const result = await this.git.run(["push", "--porcelain", "--no-verify", "origin", `${commit}:${this.localRef}`], {
      timeoutMs: this.options.networkTimeoutMs,
      okExitCodes: [1],
    });
    const report = result.stdout.toString("utf8");
    const rejected = report.split("\n").find((line) => line.startsWith("!"));
    if (rejected) {
      const detail = rejected.split("\t").slice(2).join(" ").trim();
      if (/non-fast-forward|fetch first|stale info|already exists/.test(detail)) return { kind: "non-fast-forward", detail };
      return { kind: "remote-rejected", detail: `${detail}${result.stderr ? `: ${result.stderr}` : ""}` };
    }
    if (result.exitCode !== 0) throw new GitCommandError("push", "other", result.stderr, result.exitCode);
    return { kind: "pushed" };
  }
}

/** `-- <prefix>`, or nothing for the whole repository. */
function pathspec(prefix: string): string[] {
  return prefix ? ["--", prefix] : [];
}

function splitZ(buffer: Buffer): string[] {
  const text = buffer.toString("utf8");
  const parts = text.split("\0");
  if (parts.at(-1) === "") parts.pop();
  return parts;
}
