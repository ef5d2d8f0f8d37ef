import { showValue } from "../field-error.ts";
import { accepted, rejected, rejectedWith, type GrammarProblem, type GrammarResult } from "./grammar.ts";

export interface ExposedPort {
  readonly port: number;
  readonly protocol: "tcp" | "udp";
}

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

const DIGITS = /^[0-9]+$/;
/** More digits than this cannot be a port, whatever the leading zeros: no need to convert them. */
const MAX_PORT_DIGITS = 10;
const EXAMPLE = "e.g. \"22/tcp,80/tcp\"";

function portProblem(text: string): string | undefined {
  if (!DIGITS.test(text)) return `port must be a whole number from ${MIN_PORT} to ${MAX_PORT}, without sign`;
  const port = text.length > MAX_PORT_DIGITS ? Number.POSITIVE_INFINITY : Number(text);
  if (port < MIN_PORT || port > MAX_PORT) return `port must be from ${MIN_PORT} to ${MAX_PORT}`;
  return undefined;
}

function protocolProblem(text: string): string | undefined {
  if (text === "tcp" || text === "udp") return undefined;
  const lower = text.toLowerCase();
  if (lower === "tcp" || lower === "udp") return `protocol must be written in lowercase, '${lower}'`;
  return "protocol must be 'tcp' or 'udp'";
}

/**
 * The role's `exposed_ports` grammar, `<port>/<tcp|udp>` entries separated by commas, with
 * whitespace around entries tolerated. Every bad entry is reported on its own (1-based), and a
 * port+protocol pair listed twice is an error: the Service would get two ports with the same name.
 * Leading zeros are accepted ("022/tcp" is port 22), as the role's regex and `int` filter accept them.
 */
export function parseExposedPorts(text: string): GrammarResult<readonly ExposedPort[]> {
  if (text.trim() === "") {
    return rejectedWith(`must list at least one port, ${EXAMPLE}: a Service without ports is invalid`);
  }
  const ports: ExposedPort[] = [];
  const problems: GrammarProblem[] = [];
  const firstEntryOf = new Map<string, number>();
  const entries = text.split(",");
  for (let index = 0; index < entries.length; index += 1) {
    const entryNumber = index + 1;
    const entry = (entries[index] ?? "").trim();
    if (entry === "") {
      problems.push({ message: `entry ${entryNumber} is empty; give <port>/<tcp|udp> entries separated by single commas, ${EXAMPLE}`, shown: "" });
      continue;
    }
    const slash = entry.indexOf("/");
    if (slash < 0) {
      problems.push({ message: `entry ${entryNumber} must be <port>/<tcp|udp>, ${EXAMPLE}`, shown: showValue(entry) });
      continue;
    }
    const portText = entry.slice(0, slash);
    const protocolText = entry.slice(slash + 1);
    const entryProblems = [portProblem(portText), protocolProblem(protocolText)].filter((p) => p !== undefined);
    if (entryProblems.length > 0) {
      problems.push({ message: `entry ${entryNumber}: ${entryProblems.join("; ")}`, shown: showValue(entry) });
      continue;
    }
    const exposed: ExposedPort = { port: Number(portText), protocol: protocolText as ExposedPort["protocol"] };
    const key = `${exposed.port}/${exposed.protocol}`;
    const first = firstEntryOf.get(key);
    if (first !== undefined) {
      problems.push({ message: `entry ${entryNumber} repeats ${key} from entry ${first}; list each port and protocol once`, shown: showValue(entry) });
      continue;
    }
    firstEntryOf.set(key, entryNumber);
    ports.push(exposed);
  }
  return problems.length > 0 ? rejected(problems) : accepted(ports);
}
