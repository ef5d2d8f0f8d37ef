// Another writer of the same repository: a working clone that commits and pushes with plain git.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { GitDaemon } from "./git-daemon.ts";

const ENV = { ...process.env, GIT_AUTHOR_NAME: "someone", GIT_AUTHOR_EMAIL: "someone@example.com", GIT_COMMITTER_NAME: "someone", GIT_COMMITTER_EMAIL: "someone@example.com" };

export interface Clone {
  read(relative: string): string;
  write(relative: string, content: string): void;
  remove(relative: string): void;
  /** Commits everything and pushes main; returns the commit's SHA. */
  commitAndPush(message: string): string;
}

/** Clones `url`, lets `work` change it, and removes the clone. */
export function withClone<T>(url: string, work: (clone: Clone) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "osac-clone-"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env: ENV }).toString();
  try {
    git("clone", "--quiet", url, ".");
    git("checkout", "--quiet", "-B", "main");
    return work({
      read: (relative) => fs.readFileSync(path.join(dir, relative), "utf8"),
      write: (relative, content) => {
        fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
        fs.writeFileSync(path.join(dir, relative), content);
      },
      remove: (relative) => fs.rmSync(path.join(dir, relative)),
      commitAndPush: (message) => {
        git("add", "-A");
        git("commit", "--quiet", "-m", message);
        git("push", "--quiet", "origin", "main");
        return git("rev-parse", "HEAD").trim();
      },
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface CommitInfo {
  readonly sha: string;
  readonly subject: string;
  readonly message: string;
}

/** The commits of main on the server, newest first. */
export function commitsOf(daemon: GitDaemon, repository: string): CommitInfo[] {
  let out: string;
  try {
    out = daemon.git(repository, "log", "--format=%H%x00%B%x01", "main");
  } catch {
    return []; // no branch yet
  }
  return out
    .split("\x01")
    .map((record) => record.replace(/^\n/, ""))
    .filter((record) => record.includes("\0"))
    .map((record) => {
      const [sha, message] = record.split("\0") as [string, string];
      return { sha, subject: message.split("\n")[0]!, message };
    });
}
