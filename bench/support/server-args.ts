import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

/**
 * The command line of the benchmark's comparison servers (the floor and the express variant):
 * `--cert <file> --key <file> [--port 0] [--bind-address 127.0.0.1]`; exits 2 with the usage
 * when the certificate or key is missing.
 */
export function serverArgs(name: string): { port: number; bindAddress: string; cert: Buffer; key: Buffer } {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      "bind-address": { type: "string", default: "127.0.0.1" },
      cert: { type: "string" },
      key: { type: "string" },
    },
  });
  if (!values.cert || !values.key) {
    process.stderr.write(`usage: ${name} --cert <file> --key <file> [--port 0] [--bind-address 127.0.0.1]\n`);
    process.exit(2);
  }
  return { port: Number(values.port), bindAddress: values["bind-address"], cert: readFileSync(values.cert), key: readFileSync(values.key) };
}
