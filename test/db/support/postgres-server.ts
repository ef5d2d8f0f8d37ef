// A throw-away PostgreSQL 15 server for the database tests: initdb + pg_ctl in a temp dir on a free
// loopback port, run as the `postgres` user when we are root (initdb refuses root). Failures are
// explicit, never skips: missing binaries name the package to install.
import { execFile, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** What the global setup hands to the test files (vitest provide/inject). */
export interface PostgresServerInfo {
  readonly binDir: string;
  readonly tempDir: string;
  readonly dataDir: string;
  readonly host: "127.0.0.1";
  readonly port: number;
  readonly user: "postgres";
  /** The OS user the server runs as when the tests run as root; undefined otherwise. */
  readonly runAs: string | undefined;
}

const DEFAULT_BIN_DIR = "/usr/lib/postgresql/15/bin";

/** `PG_BIN_DIR` overrides the Debian location. */
export function postgresBinDir(): string {
  const binDir = process.env.PG_BIN_DIR ?? DEFAULT_BIN_DIR;
  const missing = ["initdb", "pg_ctl", "postgres"].filter((tool) => !existsSync(join(binDir, tool)));
  if (missing.length > 0) {
    throw new Error(
      `PostgreSQL 15 server binaries not found (${missing.join(", ")} missing in ${binDir}): ` +
        "install them with `apt-get install -y postgresql` (Debian postgresql-15), or set PG_BIN_DIR to their directory",
    );
  }
  return binDir;
}

export function connectionUrl(info: PostgresServerInfo, database = "postgres"): string {
  return `postgresql://${info.user}@${info.host}:${info.port}/${database}`;
}

/** Runs a PostgreSQL tool as the server's OS user. */
async function tool(info: Pick<PostgresServerInfo, "binDir" | "runAs">, name: string, args: string[]): Promise<string> {
  const binary = join(info.binDir, name);
  const [command, argv] = info.runAs ? ["runuser", ["-u", info.runAs, "--", binary, ...args]] : [binary, args];
  try {
    const { stdout, stderr } = await run(command, argv, { timeout: 60_000 });
    return stdout + stderr;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${name} ${args.join(" ")} failed: ${(error as Error).message}\n${stdout}${stderr}`, { cause: error });
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function lookupUser(name: string): { uid: number; gid: number } {
  const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(`The OS user '${name}' does not exist: install the server with \`apt-get install -y postgresql\` (it creates the user)`);
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Starts the server of `info` (again) on its port; waits until it accepts connections. */
export async function startServer(info: PostgresServerInfo): Promise<void> {
  const options = `-p ${info.port} -k ${info.tempDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  await tool(info, "pg_ctl", ["-D", info.dataDir, "-l", join(info.tempDir, "server.log"), "-o", options, "-w", "-t", "30", "start"]);
}

/** Stops the server; `fast` terminates sessions (clients see 57P01), like a restart in production. */
export async function stopServer(info: PostgresServerInfo, mode: "fast" | "immediate" = "fast"): Promise<void> {
  await tool(info, "pg_ctl", ["-D", info.dataDir, "-m", mode, "-w", "-t", "30", "stop"]);
}

function serverRunning(info: PostgresServerInfo): boolean {
  return existsSync(join(info.dataDir, "postmaster.pid"));
}

/** Stops the server if it runs and removes its directory; synchronous, so it also works in an `exit` hook. */
export function destroyServerSync(info: PostgresServerInfo): void {
  if (serverRunning(info)) {
    const binary = join(info.binDir, "pg_ctl");
    const args = ["-D", info.dataDir, "-m", "immediate", "-w", "-t", "30", "stop"];
    if (info.runAs) spawnSync("runuser", ["-u", info.runAs, "--", binary, ...args], { stdio: "ignore" });
    else spawnSync(binary, args, { stdio: "ignore" });
  }
  rmSync(info.tempDir, { recursive: true, force: true });
}

export function serverLogTail(info: PostgresServerInfo, lines = 30): string {
  try {
    return readFileSync(join(info.tempDir, "server.log"), "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no server log)"; // the server never got far enough to write one
  }
}

/**
 * initdb + start in a fresh temp dir. On any failure the directory is removed (and a started
 * server stopped) before the error is thrown. A start that loses the port race is retried.
 */
export async function createPostgresServer(): Promise<PostgresServerInfo> {
  const binDir = postgresBinDir();
  const runAs = process.getuid?.() === 0 ? "postgres" : undefined;
  const tempDir = mkdtempSync(join(tmpdir(), "osac-pg-"));
  const base = { binDir, tempDir, dataDir: join(tempDir, "data"), host: "127.0.0.1" as const, user: "postgres" as const, runAs };
  try {
    if (runAs) {
      const { uid, gid } = lookupUser(runAs);
      chownSync(tempDir, uid, gid);
    }
    await tool(base, "initdb", ["-D", base.dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
    for (let attempt = 1; ; attempt++) {
      const info: PostgresServerInfo = { ...base, port: await freeLoopbackPort() };
      try {
        await startServer(info);
        return info;
      } catch (error) {
        if (attempt >= 3) throw new Error(`${(error as Error).message}\nserver log:\n${serverLogTail(info)}`, { cause: error });
      }
    }
  } catch (error) {
    destroyServerSync({ ...base, port: 0 });
    throw error;
  }
}
