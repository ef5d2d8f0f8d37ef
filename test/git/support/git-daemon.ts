// A real Git server for the git suite: `git daemon` (git:// with push enabled) on a free loopback
// port, serving bare repositories under a temp directory. It can be stopped and started again on
// the same port (Git down), or frozen with SIGSTOP (a server that accepts and never answers).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { distinctFreePorts } from "../../../scripts/cluster/harness.ts";
import { portOpen } from "../../e2e/support/procs.ts";

export class GitDaemon {
  private child: ChildProcess | undefined;

  private constructor(
    readonly root: string,
    readonly port: number,
  ) {}

  static async start(): Promise<GitDaemon> {
    try {
      execFileSync("git", ["--version"]);
    } catch {
      throw new Error("git is not installed: apt-get install -y git (the committer needs the git CLI, and these tests its git daemon)");
    }
    const [port] = await distinctFreePorts(1);
    const daemon = new GitDaemon(fs.mkdtempSync(path.join(os.tmpdir(), "osac-git-daemon-")), port!);
    await daemon.serve();
    return daemon;
  }

  /** A new empty bare repository (default branch main); returns its git:// URL. */
  createRepository(name: string): string {
    execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", this.bareDir(name)]);
    return this.url(name);
  }

  url(name: string): string {
    return `git://127.0.0.1:${this.port}/${name}.git`;
  }

  bareDir(name: string): string {
    return path.join(this.root, `${name}.git`);
  }

  /** git run directly on a bare repository on disk (the server's side). */
  git(name: string, ...args: string[]): string {
    return execFileSync("git", ["--git-dir", this.bareDir(name), ...args], { maxBuffer: 256 * 1024 * 1024 }).toString();
  }

  async serve(): Promise<void> {
    if (this.child) return;
    // git-daemon itself, not `git daemon`: git would run it as a child that outlives a kill of git.
    const executable = path.join(execFileSync("git", ["--exec-path"]).toString().trim(), "git-daemon");
    const child = spawn(
      executable,
      ["--export-all", "--enable=receive-pack", `--base-path=${this.root}`, `--port=${this.port}`, "--listen=127.0.0.1", "--reuseaddr", this.root],
      { stdio: "ignore" },
    );
    this.child = child;
    const deadline = Date.now() + 15_000;
    while (!(await portOpen(this.port))) {
      if (child.exitCode !== null) throw new Error(`git daemon exited with ${child.exitCode} (port ${this.port})`);
      if (Date.now() > deadline) throw new Error(`git daemon did not listen on ${this.port} within 15 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Git is down: nothing listens on the port until serve(). */
  async down(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** The server accepts connections and answers nothing (SIGSTOP) until thaw(). */
  freeze(): void {
    this.child?.kill("SIGSTOP");
  }

  thaw(): void {
    this.child?.kill("SIGCONT");
  }

  async stop(): Promise<void> {
    this.thaw();
    await this.down();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
