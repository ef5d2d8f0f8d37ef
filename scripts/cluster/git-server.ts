// A real Git server for Argo CD's repo server and the tests: `git http-backend` (smart HTTP) behind
// git-http-server.ts, on a free loopback port, serving bare repositories under `<stack dir>/git`,
// with HTTP Basic auth (one generated `username:token`, in a 0600 file, never in arguments).
// The server can stop serving and serve again on the same port (the fault tests), from any
// process that knows its pid and port.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as net from "node:net";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT, sleep } from "./harness.ts";
import type { ProcessStack, StackProcess } from "./process-stack.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SERVER_MAIN = path.join(HERE, "git-http-server.ts");

export interface GitServerState {
  /** `http://127.0.0.1:<port>`; a repository is `<baseUrl>/<name>.git`. */
  baseUrl: string;
  port: number;
  pid: number;
  /** Directory of the bare repositories. */
  root: string;
  username: string;
  /** The Basic-auth password (a secret: never log it). */
  token: string;
}

export interface GitServer extends GitServerState {
  readonly process: StackProcess;
}

function git(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args.join(" ")} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** true when something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitPort(port: number, open: boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await accepts(port)) !== open) {
    if (Date.now() > deadline) throw new Error(`git server: ${what} within ${timeoutMs} ms (port ${port})`);
    await sleep(50);
  }
}

export async function startGitServer(stack: ProcessStack, options: { readyTimeoutMs?: number } = {}): Promise<GitServer> {
  await git(["--version"]).catch(() => {
    throw new Error("git not found on PATH: install it with `apt-get install -y git`");
  });
  const root = path.join(stack.dir, "git");
  await fsp.mkdir(root, { recursive: true });
  const username = "osac-vm-gitops";
  const token = randomBytes(20).toString("hex");
  const credentialsFile = path.join(stack.dir, "git-credentials");
  await fsp.writeFile(credentialsFile, `${username}:${token}\n`, { mode: 0o600 });
  const started = await stack.spawn(
    "git-server",
    process.execPath,
    ["--import", "tsx", SERVER_MAIN, "--root", root, "--port", "0", "--credentials-file", credentialsFile],
    { cwd: REPO_ROOT },
  );
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let port = 0;
  while (!port) {
    const match = /serving on port (\d+)/.exec(started.logTail(200));
    if (match) port = Number(match[1]);
    else if (!started.alive()) throw new Error(`the git server exited during start-up (log ${started.logFile}):\n${started.logTail()}`);
    else if (Date.now() > deadline) throw new Error(`the git server did not start within ${timeoutMs} ms (log ${started.logFile}):\n${started.logTail()}`);
    else await sleep(50);
  }
  return { baseUrl: `http://127.0.0.1:${port}`, port, pid: started.pid, root, username, token, process: started };
}

/** Creates an empty bare repository `<name>.git` (default branch main) and returns its URL. */
export async function createRepository(server: Pick<GitServerState, "root" | "baseUrl">, name: string): Promise<string> {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) throw new Error(`repository name '${name}': use lower-case letters, digits, '.', '_' and '-'`);
  const dir = path.join(server.root, `${name}.git`);
  await git(["init", "--quiet", "--bare", "--initial-branch=main", dir]);
  return `${server.baseUrl}/${name}.git`;
}

/**
 * Environment for a git client talking to this server: Basic credentials as an extra HTTP header
 * through GIT_CONFIG_* variables (not in arguments, not in a remote URL, not on disk).
 */
/**
 * The server's credentials as the chart mounts a kubernetes.io/basic-auth Secret for the committer
 * (`--git-credentials-dir`): `<parent>/git-credentials/{username,password}`, readable by the owner
 * only. Returns the directory.
 */
export function writeGitCredentialsDir(server: Pick<GitServerState, "username" | "token">, parent: string): string {
  const directory = path.join(parent, "git-credentials");
  fs.mkdirSync(directory, { mode: 0o700 });
  fs.writeFileSync(path.join(directory, "username"), server.username, { mode: 0o600 });
  fs.writeFileSync(path.join(directory, "password"), server.token, { mode: 0o600 });
  return directory;
}

export function gitClientEnv(server: Pick<GitServerState, "username" | "token">, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const basic = Buffer.from(`${server.username}:${server.token}`).toString("base64");
  return {
    ...base,
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "http.extraHeader",
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
}

/** The server stops serving: its port refuses connections until startServing (the process stays). */
export async function stopServing(server: Pick<GitServerState, "pid" | "port">, timeoutMs = 10_000): Promise<void> {
  process.kill(server.pid, "SIGUSR1");
  await waitPort(server.port, false, timeoutMs, "still accepting connections after SIGUSR1");
}

/** The server serves again on the same port. */
export async function startServing(server: Pick<GitServerState, "pid" | "port">, timeoutMs = 15_000): Promise<void> {
  process.kill(server.pid, "SIGUSR2");
  await waitPort(server.port, true, timeoutMs, "not accepting connections again after SIGUSR2");
}
