import { accepted, rejected, type GrammarProblem, type GrammarResult } from "./grammar.ts";
import { isLenientBase64 } from "./base64.ts";
import { quotedList } from "./wording.ts";

/** The OpenSSH public key types accepted, with their certificate variants. */
export const SSH_KEY_TYPES: readonly string[] = Object.freeze([
  "ssh-rsa",
  "ssh-dss",
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
  "ssh-rsa-cert-v01@openssh.com",
  "ssh-dss-cert-v01@openssh.com",
  "ssh-ed25519-cert-v01@openssh.com",
  "ecdsa-sha2-nistp256-cert-v01@openssh.com",
  "ecdsa-sha2-nistp384-cert-v01@openssh.com",
  "ecdsa-sha2-nistp521-cert-v01@openssh.com",
  "sk-ssh-ed25519-cert-v01@openssh.com",
  "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
]);
const KNOWN_TYPES: ReadonlySet<string> = new Set(SSH_KEY_TYPES);

/** Keys are separated by commas and/or line breaks (a trailing "\r" goes with the trim). */
const KEY_SEPARATORS = /[,\n]/;
/** `<type> <body> [comment]`; the comment may hold spaces and is kept but never checked. */
const KEY_LINE = /^(\S+)\s+(\S+)/;
const SHOWN_TYPE_CHARS = 40;
const SHOWN_BODY_CHARS = 20;
const UINT32_BYTES = 4;

/** At most the type and the start of the body: never the whole line, never the comment. */
function shownKey(type: string, body: string): string {
  const shownBody = body.length > SHOWN_BODY_CHARS ? `${body.slice(0, SHOWN_BODY_CHARS)}…` : body;
  return `${type.slice(0, SHOWN_TYPE_CHARS)} ${shownBody}`.trim();
}

/** The key type string a body starts with (SSH wire format: uint32 big-endian length, then the name). */
function wireKeyType(body: string, longestExpected: number): string | undefined {
  const prefixChars = Math.ceil((UINT32_BYTES + longestExpected) / 3) * 4;
  const bytes = Buffer.from(body.slice(0, prefixChars), "base64");
  if (bytes.length < UINT32_BYTES) return undefined;
  const length = bytes.readUInt32BE(0);
  if (length === 0 || length > longestExpected || bytes.length < UINT32_BYTES + length) return undefined;
  return bytes.toString("latin1", UINT32_BYTES, UINT32_BYTES + length);
}

const LONGEST_TYPE = Math.max(...SSH_KEY_TYPES.map((type) => type.length));

function keyProblem(entry: string, keyNumber: number): GrammarProblem | undefined {
  const match = KEY_LINE.exec(entry);
  if (match === null) {
    return {
      message: `key ${keyNumber} must be "<type> <base64 body> [comment]", the whole line of a .pub file`,
      shown: shownKey("", entry),
    };
  }
  const type = match[1] ?? "";
  const body = match[2] ?? "";
  const shown = shownKey(type, body);
  if (!KNOWN_TYPES.has(type)) {
    return { message: `key ${keyNumber} has an unknown type; valid types are ${quotedList(SSH_KEY_TYPES)}`, shown };
  }
  if (!isLenientBase64(body)) {
    return { message: `key ${keyNumber} body must be base64 (A-Z, a-z, 0-9, '+', '/', optional '=' padding)`, shown };
  }
  const bodyType = wireKeyType(body, LONGEST_TYPE);
  if (bodyType !== type) {
    const found = bodyType !== undefined && KNOWN_TYPES.has(bodyType) ? ` but holds a '${bodyType}' key` : "";
    return {
      message: `key ${keyNumber} body must start with the encoded key type '${type}'${found}; paste the whole line of the .pub file`,
      shown,
    };
  }
  return undefined;
}

/**
 * One or more OpenSSH public keys separated by commas and/or line breaks; empty entries (from
 * trailing separators or blank lines) are skipped, and keys are numbered from 1 among the
 * non-empty entries. Returns the keys trimmed; [] when there is none.
 */
export function parseSshPublicKeys(text: string): GrammarResult<readonly string[]> {
  const keys: string[] = [];
  const problems: GrammarProblem[] = [];
  for (const part of text.split(KEY_SEPARATORS)) {
    const entry = part.trim();
    if (entry === "") continue;
    keys.push(entry);
    const problem = keyProblem(entry, keys.length);
    if (problem !== undefined) problems.push(problem);
  }
  return problems.length > 0 ? rejected(problems) : accepted(keys);
}
