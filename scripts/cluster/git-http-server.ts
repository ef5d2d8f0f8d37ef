// A Git server over smart HTTP on loopback: Git's own `git http-backend` (CGI) behind a small Node
// HTTP server, serving the bare repositories under --root. Started by git-server.ts.
//
//   node --import tsx scripts/cluster/git-http-server.ts --root <dir> [--port 0] [--credentials-file <file>]
//
// --credentials-file holds `username:token` lines; when given, every request needs HTTP Basic auth
// with one of them (read again on each request, so tokens can be rotated). Pushes are allowed for
// authenticated users (REMOTE_USER), or for everyone without a credentials file.
// SIGUSR1 stops serving (the port is closed, open connections are cut), SIGUSR2 serves again on
// the same port; SIGTERM exits. Prints `git-http-server: serving on port N` on stdout.
import { spawn } from "node:child_process";
import { timingSafeEqual } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type * as net from "node:net";
import * as path from "node:path";

interface Options {
  root: string;
  port: number;
  credentialsFile?: string;
}

function parseArguments(argv: string[]): Options {
  const options: Partial<Options> = { port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--root") options.root = path.resolve(value);
    else if (flag === "--port") options.port = Number(value);
    else if (flag === "--credentials-file") options.credentialsFile = value;
    else throw new Error(`unknown argument ${flag}; accepted: --root, --port, --credentials-file`);
    i++;
  }
  if (!options.root) throw new Error("--root <dir> is required");
  if (!Number.isInteger(options.port) || options.port! < 0 || options.port! > 65535) throw new Error(`--port must be 0-65535, got ${options.port}`);
  return options as Options;
}

const say = (line: string) => process.stdout.write(`git-http-server: ${line}\n`);

/** The user whose `username:token` line matches the request's Basic credentials, or undefined. */
function authenticate(header: string | undefined, credentialsFile: string): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match) return undefined;
  const given = Buffer.from(Buffer.from(match[1]!, "base64").toString("utf8"));
  let lines: string[];
  try {
    lines = fs.readFileSync(credentialsFile, "utf8").split("\n").map((l) => l.trim()).filter(Boolean);
  } catch {
    return undefined;
  }
  for (const line of lines) {
    const expected = Buffer.from(line);
    if (expected.length === given.length && timingSafeEqual(expected, given)) return line.slice(0, line.indexOf(":"));
  }
  return undefined;
}

/** Runs `git http-backend` for one request and streams its CGI answer back. */
function serveWithBackend(request: http.IncomingMessage, response: http.ServerResponse, root: string, user: string, started: number): void {
  const url = new URL(request.url ?? "/", "http://localhost");
  const pathInfo = decodeURIComponent(url.pathname);
  if (pathInfo.split("/").includes("..")) {
    response.writeHead(400).end("bad path\n");
    return;
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: root,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: pathInfo,
    REQUEST_METHOD: request.method ?? "GET",
    QUERY_STRING: url.search.replace(/^\?/, ""),
    CONTENT_TYPE: request.headers["content-type"] ?? "",
    REMOTE_USER: user,
    REMOTE_ADDR: request.socket.remoteAddress ?? "127.0.0.1",
    SERVER_PROTOCOL: "HTTP/1.1",
  };
  if (request.headers["content-length"]) env.CONTENT_LENGTH = request.headers["content-length"];
  if (request.headers["content-encoding"]) env.HTTP_CONTENT_ENCODING = request.headers["content-encoding"];
  if (request.headers["git-protocol"]) env.GIT_PROTOCOL = String(request.headers["git-protocol"]);
  const backend = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
  request.pipe(backend.stdin);
  backend.stdin.on("error", () => {});
  let head = Buffer.alloc(0);
  let headersSent = false;
  let status = 200;
  backend.stdout.on("data", (chunk: Buffer) => {
    if (headersSent) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const text = head.toString("latin1");
    const end = text.search(/\r?\n\r?\n/);
    if (end < 0) return;
    const separator = /\r?\n\r?\n/.exec(text.slice(end))![0];
    for (const line of text.slice(0, end).split(/\r?\n/)) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]) || 500;
      else response.setHeader(name, value);
    }
    response.writeHead(status);
    headersSent = true;
    const rest = head.subarray(end + separator.length);
    if (rest.length) response.write(rest);
  });
  let stderr = "";
  backend.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  backend.on("close", (code) => {
    if (!headersSent) response.writeHead(502).end(`git http-backend exited with ${code}\n`);
    else response.end();
    say(`${request.method} ${url.pathname}${url.search} ${status} ${Date.now() - started}ms user=${user}${stderr ? ` stderr=${JSON.stringify(stderr.trim().slice(0, 500))}` : ""}`);
  });
}

function main(): void {
  const options = parseArguments(process.argv.slice(2));
  if (!fs.statSync(options.root).isDirectory()) throw new Error(`--root ${options.root} is not a directory`);
  const sockets = new Set<net.Socket>();
  const server = http.createServer((request, response) => {
    const started = Date.now();
    let user = "anonymous";
    if (options.credentialsFile) {
      const found = authenticate(request.headers.authorization, options.credentialsFile);
      if (!found) {
        response.writeHead(401, { "WWW-Authenticate": 'Basic realm="osac-vm-gitops git"' }).end("authentication required\n");
        say(`${request.method} ${request.url} 401 (no or wrong credentials)`);
        return;
      }
      user = found;
    }
    serveWithBackend(request, response, options.root, user, started);
  });
  server.keepAliveTimeout = 5_000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  let port = options.port;
  let serving = false;
  const listen = (attempt = 1) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" && attempt < 100) setTimeout(() => listen(attempt + 1), 100);
      else {
        say(`cannot listen on port ${port}: ${error.message}`);
        process.exit(1);
      }
    });
    server.listen(port, "127.0.0.1", () => {
      server.removeAllListeners("error");
      port = (server.address() as net.AddressInfo).port;
      serving = true;
      say(`serving on port ${port}`);
    });
  };
  // Signal listeners do not keep Node alive: while not serving, this timer does.
  setInterval(() => {}, 1 << 30);
  process.on("SIGUSR1", () => {
    if (!serving) return;
    serving = false;
    server.close(() => say(`stopped serving on port ${port}`));
    for (const socket of sockets) socket.destroy();
  });
  process.on("SIGUSR2", () => {
    if (serving || server.listening) return;
    listen();
  });
  process.on("SIGTERM", () => {
    server.close();
    for (const socket of sockets) socket.destroy();
    process.exit(0);
  });
  listen();
}

try {
  main();
} catch (error) {
  say(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
