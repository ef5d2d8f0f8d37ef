import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { GitCli } from "./git-cli.ts";
import type { GitIdentity } from "./credentials.ts";

/** One file of a commit: its new content, or `undefined` to remove it. */
export interface FileChange {
  readonly path: string;
  readonly content: string | Buffer | undefined;
}

export interface CommitRequest {
  /** The ref fast-import leaves pointing at the new commit. */
  readonly ref: string;
  /** undefined: a root commit (the branch does not exist yet). */
  readonly parent: string | undefined;
  readonly changes: readonly FileChange[];
  readonly message: string;
  readonly identity: GitIdentity;
  readonly time: Date;
}

export interface BuiltCommit {
  readonly commit: string;
  /** The blob id of every written path. */
  readonly blobIds: ReadonlyMap<string, string>;
}

const COMMIT_MARK = 1;

/**
 * Builds one commit with one `git fast-import` process: the changed files' blobs and the new trees
 * go into one pack (trees deltified against their previous versions), the tree is the parent's
 * with the `M`/`D` lines applied (only the directories on changed paths are read and rewritten),
 * and the ref is set. The caller makes sure `changes` is not empty and actually changes the
 * parent's tree (git would record an empty commit otherwise).
 */
export async function buildCommit(git: GitCli, request: CommitRequest): Promise<BuiltCommit> {
  const marksFile = join(git.gitDir, "osac-vm-marks");
  rmSync(marksFile, { force: true });
  const parts: (string | Buffer)[] = ["feature done\n"];
  const markOf = new Map<string, number>();
  let mark = COMMIT_MARK;
  for (const change of request.changes) {
    if (change.content === undefined) continue;
    const bytes = typeof change.content === "string" ? Buffer.from(change.content, "utf8") : change.content;
    markOf.set(change.path, ++mark);
    parts.push(`blob\nmark :${mark}\ndata ${bytes.length}\n`, bytes, "\n");
  }
  const message = Buffer.from(request.message, "utf8");
  parts.push(
    `reset ${request.ref}\n`,
    `commit ${request.ref}\nmark :${COMMIT_MARK}\n`,
    `committer ${request.identity.name} <${request.identity.email}> ${Math.floor(request.time.getTime() / 1000)} +0000\n`,
    `data ${message.length}\n`,
    message,
    "\n",
    ...(request.parent ? [`from ${request.parent}\n`] : []),
  );
  for (const change of request.changes) {
    checkPath(change.path);
    const blob = markOf.get(change.path);
    parts.push(blob === undefined ? `D ${change.path}\n` : `M 100644 :${blob} ${change.path}\n`);
  }
  parts.push("\ndone\n");
  await git.run(["fast-import", "--quiet", "--force", `--export-marks=${marksFile}`], { input: Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part) : part))) });
  const ids = readMarks(marksFile);
  rmSync(marksFile, { force: true });
  const commit = ids.get(COMMIT_MARK);
  if (!commit) throw new Error("git fast-import reported no commit");
  const blobIds = new Map<string, string>();
  for (const [path, blob] of markOf) blobIds.set(path, ids.get(blob)!);
  return { commit, blobIds };
}

function readMarks(file: string): Map<number, string> {
  const ids = new Map<number, string>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^:(\d+) ([0-9a-f]+)$/.exec(line);
    if (match) ids.set(Number(match[1]), match[2]!);
  }
  return ids;
}

/** fast-import reads a path up to the end of the line; quoting is never needed for the paths the committer writes. */
function checkPath(path: string): void {
  if (!/^[A-Za-z0-9._/-]+$/.test(path) || path.startsWith("/") || path.split("/").includes("..")) {
    throw new Error(`refusing to write the path '${path}': only letters, digits, '.', '_', '-' and '/' are expected`);
  }
}
