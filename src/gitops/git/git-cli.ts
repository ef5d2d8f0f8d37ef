import { spawn } from "node:child_process";
import { classifyGitFailure, GitCommandError } from "./errors.ts";
import { redact } from "./redact.ts";

export interface GitRunOptions {
  /** Bytes for git's stdin. */
  readonly input?: string | Buffer;
  /** Kill git after this long (network commands). @default 120_000 */
  readonly timeoutMs?: number;
  /** Extra environment for this call only (GIT_INDEX_FILE, commit identity). */
  readonly env?: Readonly<Record<string, string>>;
  /** Exit codes that are answers, not failures (e.g. 1 for "no such ref"). */
  readonly okExitCodes?: readonly number[];
}

export interface GitRunResult {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly exitCode: number;
}

/**
 * The git CLI for one repository. Every call runs `git` with `--git-dir` and an environment built
 * once (no user or system configuration, no prompts, the credential helpers of
 * credentials.ts, `LC_ALL=C` so messages can be classified). Arguments never carry credentials;
 * everything git prints back is redacted before it reaches an error.
 */
export class GitCli {
  constructor(
    readonly gitDir: string,
    private readonly env: Readonly<Record<string, string>>,
    /** Values to scrub from git's messages (a token, in case a server echoes it). */
    private readonly secrets: readonly string[] = [],
  ) {}

  async run(args: readonly string[], options: GitRunOptions = {}): Promise<GitRunResult> {
    const command = args.find((arg) => !arg.startsWith("-")) ?? "git";
    return new Promise((resolve, reject) => {
      const child = spawn("git", ["--git-dir", this.gitDir, ...args], {
        env: { ...this.env, ...options.env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, options.timeoutMs ?? 120_000);
      child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      child.stdin.on("error", () => {
        // git exited before reading all of stdin; its exit code and stderr say why.
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
        reject(new GitCommandError(command, "other", missing ? "the git executable was not found on PATH (install the git package)" : error.message, null));
      });
      child.once("close", (code) => {
        clearTimeout(timer);
        const text = redact(Buffer.concat(stderr).toString("utf8"), this.secrets).trim();
        const exitCode = code ?? -1;
        if (timedOut) return reject(new GitCommandError(command, "unreachable", `timed out after ${options.timeoutMs ?? 120_000} ms${text ? `: ${text}` : ""}`, exitCode));
        if (exitCode !== 0 && !(options.okExitCodes ?? []).includes(exitCode)) {
          return reject(new GitCommandError(command, classifyGitFailure(text), text, exitCode));
        }
        resolve({ stdout: Buffer.concat(stdout), stderr: text, exitCode });
      });
      if (options.input !== undefined) child.stdin.end(options.input);
      else child.stdin.end();
    });
  }

  /** stdout as text, trimmed. */
  async text(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    return (await this.run(args, options)).stdout.toString("utf8").trim();
  }
}
