// redis-server (Debian's package) for Argo CD's caches: loopback only, a free port, no
// persistence (no RDB snapshots, no AOF), inside a ProcessStack.
import { execFile } from "node:child_process";
import * as net from "node:net";
import { freePort, sleep } from "./harness.ts";
import type { ProcessStack, StackProcess } from "./process-stack.ts";

export interface RedisServer {
  readonly port: number;
  readonly process: StackProcess;
  /** `127.0.0.1:<port>`, as Argo CD's `--redis` flag takes it. */
  readonly address: string;
}

const INSTALL_HINT = "install it with `apt-get install -y redis-server` (Debian/Ubuntu), or set REDIS_SERVER_BIN to a redis-server binary";

/** The redis-server binary: $REDIS_SERVER_BIN, else redis-server on PATH. */
export async function findRedisServer(): Promise<string> {
  const override = process.env.REDIS_SERVER_BIN;
  const bin = override ?? "redis-server";
  return new Promise((resolve, reject) => {
    execFile(bin, ["--version"], (error, stdout) => {
      if (error) reject(new Error(`redis-server not found (${override ? `REDIS_SERVER_BIN=${override}` : "not on PATH"}): ${INSTALL_HINT}`));
      else if (!stdout.includes("Redis server")) reject(new Error(`${bin} --version does not look like redis-server: ${stdout.trim()}`));
      else resolve(bin);
    });
  });
}

/** true once the server answers PING with PONG. */
export function redisPing(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let answer = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString();
      if (answer.includes("\r\n")) done(answer.startsWith("+PONG"));
    });
  });
}

export async function startRedis(stack: ProcessStack, options: { readyTimeoutMs?: number } = {}): Promise<RedisServer> {
  const bin = await findRedisServer();
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const started = await stack.spawn("redis", bin, [
      "--bind", "127.0.0.1",
      "--port", String(port),
      "--save", "",
      "--appendonly", "no",
      "--dir", stack.dir,
      "--dbfilename", "redis-never-written.rdb",
      "--daemonize", "no",
      "--loglevel", "warning",
      "--logfile", "",
      "--protected-mode", "yes",
    ]);
    const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
    for (;;) {
      if (await redisPing(port)) return { port, process: started, address: `127.0.0.1:${port}` };
      if (!started.alive()) {
        const log = started.logTail();
        await stack.stopProcess(started);
        if (/Address already in use/i.test(log) && attempt < 5) break;
        throw new Error(`redis-server exited during start-up (log ${started.logFile}):\n${log}`);
      }
      if (Date.now() > deadline) throw new Error(`redis-server not answering PING on port ${port} after ${options.readyTimeoutMs ?? 20_000} ms:\n${started.logTail()}`);
      await sleep(50);
    }
  }
}
