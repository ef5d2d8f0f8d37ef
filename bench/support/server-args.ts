import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

/**
 * The command line of the benchmark's comparison servers (the floor and the express variant):
 * `--cert <file> --key <file> [--port 0] [--bind-address 127.0.0.1]` and the server's own boolean
 * `switches`; exits 2 with the usage when the certificate or key is missing.
 */
export function serverArgs(
  name: string,
  switches: readonly string[] = [],
): { port: number; bindAddress: string; cert: Buffer; key: Buffer; switches: ReadonlySet<string> } {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      "bind-address": { type: "string", default: "127.0.0.1" },
      cert: { type: "string" },
      key: { type: "string" },
      ...Object.fromEntries(switches.map((option) => [option, { type: "boolean" as const, default: false }])),
    },
  });
  if (!values.cert || !values.key) {
    const extra = switches.map((option) => ` [--${option}]`).join("");
    process.stderr.write(`usage: ${name} --cert <file> --key <file> [--port 0] [--bind-address 127.0.0.1]${extra}\n`);
    process.exit(2);
  }
  return {
    port: Number(values.port),
    bindAddress: String(values["bind-address"]),
    cert: readFileSync(String(values.cert)),
    key: readFileSync(String(values.key)),
    switches: new Set(switches.filter((option) => (values as Record<string, unknown>)[option] === true)),
  };
}
