// A Git repository of rendered orders on the suite's Git server, with a working clone: write
// orders, render them with the project's CLI, commit and push over smart HTTP with the server's
// credentials (in the environment, never in arguments or URLs), as the committer will.
//
//   const repo = await RenderedRepo.create(ctx.git, "sync");
//   await repo.writeOrders(orders); await repo.render(); const sha = await repo.commitAndPush("add orders");
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import yaml from "js-yaml";
import { createRepository, gitClientEnv, type GitServerState } from "../../../scripts/cluster/git-server.ts";
import { main } from "../../../src/cli/main.ts";
import { objectKey } from "./first-seen.ts";

export interface RenderedObject {
  kind: string;
  apiVersion: string;
  namespace?: string;
  name: string;
  /** Its argocd.argoproj.io/sync-wave (0 when absent). */
  wave: number;
  /** Path of its file under the work tree. */
  file: string;
}

export const ORDERS_DIR = "orders";
/** The example Application's `source.path`. */
export const RENDERED_DIR = "rendered";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The osac-vm CLI in-process (no vitest dependency, so bench/gitops.ts can use it too). */
export async function osacVm(args: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env: {},
  });
  return { code, stdout, stderr };
}

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

export class RenderedRepo {
  private constructor(
    /** The repository's URL on the suite's Git server (what the Application's repoURL gets). */
    readonly url: string,
    /** The bare repository on disk (for pushes while the server is not serving). */
    readonly bareDir: string,
    /** The working clone. */
    readonly work: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** A fresh bare repository `<name>-<random>.git` and an empty working clone on branch main. */
  static async create(git: GitServerState, name: string): Promise<RenderedRepo> {
    const unique = `${name}-${Math.random().toString(36).slice(2, 8)}`;
    const url = await createRepository(git, unique);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `osac-gitops-${unique}-`));
    const env = { ...gitClientEnv(git), GIT_AUTHOR_NAME: "gitops-test", GIT_AUTHOR_EMAIL: "gitops-test@example.com", GIT_COMMITTER_NAME: "gitops-test", GIT_COMMITTER_EMAIL: "gitops-test@example.com" };
    const repo = new RenderedRepo(url, path.join(git.root, `${unique}.git`), work, env);
    await repo.mustGit("init", "--quiet", "--initial-branch=main");
    await repo.mustGit("remote", "add", "origin", url);
    return repo;
  }

  git(...args: string[]): Promise<GitRun> {
    return new Promise((resolve) => {
      execFile("git", args, { cwd: this.work, env: this.env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 1) : 0, stdout, stderr }),
      );
    });
  }

  async mustGit(...args: string[]): Promise<string> {
    const run = await this.git(...args);
    if (run.code !== 0) throw new Error(`git ${args.join(" ")} failed (exit ${run.code}): ${run.stderr.trim()}`);
    return run.stdout;
  }

  /** Writes `orders/orders.yaml` (multi-document YAML of the given order objects, or the text as is). */
  writeOrders(orders: readonly object[] | string): void {
    const text = typeof orders === "string" ? orders : orders.map((order) => yaml.dump(order, { lineWidth: -1 })).join("---\n");
    this.writeFile(`${ORDERS_DIR}/orders.yaml`, text);
  }

  writeFile(relative: string, content: string): void {
    const file = path.join(this.work, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }

  removeFile(relative: string): void {
    fs.rmSync(path.join(this.work, relative), { force: true });
  }

  exists(relative: string): boolean {
    return fs.existsSync(path.join(this.work, relative));
  }

  /** `osac-vm render --in orders --out rendered [extra]` (the project's CLI, in-process); throws unless it exits 0. */
  async render(extra: string[] = []): Promise<CliRun> {
    const run = await osacVm(["render", "--in", path.join(this.work, ORDERS_DIR), "--out", path.join(this.work, RENDERED_DIR), ...extra]);
    if (run.code !== 0) throw new Error(`osac-vm render exited ${run.code}: ${run.stderr}`);
    return run;
  }

  /** Commits everything (`git add -A`) and pushes main; returns the new commit's SHA. */
  async commitAndPush(message: string): Promise<string> {
    await this.mustGit("add", "-A");
    await this.mustGit("commit", "--quiet", "-m", message);
    await this.mustGit("push", "--quiet", "origin", "main");
    return (await this.mustGit("rev-parse", "HEAD")).trim();
  }

  /** The commit main points at on the server. */
  async remoteHead(): Promise<string> {
    const out = await this.mustGit("ls-remote", this.url, "refs/heads/main");
    return out.split(/\s/)[0] ?? "";
  }

  /** Every object of the rendered tree, by `Kind namespace/name` (objectKey). */
  renderedObjects(): Map<string, RenderedObject> {
    const objects = new Map<string, RenderedObject>();
    const walk = (directory: string) => {
      for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
        const file = path.join(directory, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.name.endsWith(".yaml")) {
          for (const doc of yaml.loadAll(fs.readFileSync(file, "utf8")) as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> } }[]) {
            if (!doc) continue;
            const { name, namespace } = doc.metadata;
            objects.set(objectKey(doc.kind, namespace, name), {
              kind: doc.kind,
              apiVersion: doc.apiVersion,
              ...(namespace ? { namespace } : {}),
              name,
              wave: Number(doc.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0),
              file: path.relative(this.work, file),
            });
          }
        }
      }
    };
    walk(path.join(this.work, RENDERED_DIR));
    return objects;
  }

  dispose(): void {
    fs.rmSync(this.work, { recursive: true, force: true });
  }
}
