// Runs an Argo CD Lua health check with the reference Lua 5.1 interpreter (`lua5.1` from apt;
// Argo CD's gopher-lua implements Lua 5.1), with `obj` set the way Argo CD sets it: the object
// as a Lua table (JSON null fields absent). A quick table test; the proof is the gitops suite on
// a real Argo CD.
import { spawnSync } from "node:child_process";

export interface HealthStatus {
  status: string;
  message: string;
}

const LUA = process.env.LUA_BIN ?? "lua5.1";

function luaLiteral(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return JSON.stringify(value).replace(/\\u([0-9a-fA-F]{4})/g, (_m, hex: string) => `\\${parseInt(hex, 16)}`);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `{${value.map(luaLiteral).join(", ")}}`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
  return `{${entries.map(([k, v]) => `[${JSON.stringify(k)}] = ${luaLiteral(v)}`).join(", ")}}`;
}

/** The `{status, message}` the script returns for `obj`; throws when the script fails. */
export function runHealthCheck(script: string, obj: unknown): HealthStatus {
  const level = "=".repeat(Math.max(...[...script.matchAll(/\](=*)\]/g)].map((m) => m[1]!.length + 1), 1));
  const program = [
    `obj = ${luaLiteral(obj)}`,
    `local chunk = assert(loadstring([${level}[${script}]${level}], "health.lua"))`,
    "local hs = chunk()",
    'io.write(tostring(hs.status), "\\n", tostring(hs.message))',
  ].join("\n");
  const run = spawnSync(LUA, ["-"], { input: program, encoding: "utf8" });
  if (run.error) throw new Error(`cannot run ${LUA} (${run.error.message}): install it with \`apt-get install -y lua5.1\`, or set LUA_BIN`);
  if (run.status !== 0) throw new Error(`the health check failed in ${LUA}: ${run.stderr.trim()}`);
  const [status, ...message] = run.stdout.split("\n");
  return { status: status!, message: message.join("\n") };
}
