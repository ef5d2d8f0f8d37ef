import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSshPublicKeys, SSH_KEY_TYPES } from "../../../src/domain/templates/ssh-keys.ts";

/** SSH wire string: uint32 big-endian length, then the bytes. */
function wireString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function bodyFor(type: string, rest: Uint8Array = new Uint8Array(32)): string {
  return Buffer.concat([wireString(Buffer.from(type)), Buffer.from(rest)]).toString("base64");
}

/** A real ed25519 public key line, built the way ssh-keygen writes it. */
function realEd25519Key(): string {
  const { publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
  return `ssh-ed25519 ${Buffer.concat([wireString(Buffer.from("ssh-ed25519")), wireString(raw)]).toString("base64")} alice@laptop`;
}

const EXAMPLE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly user@example";
const RSA_KEY = `ssh-rsa ${bodyFor("ssh-rsa")} bob@host`;

function problemsOf(text: string) {
  const result = parseSshPublicKeys(text);
  return result.ok ? [] : result.problems;
}

describe("parseSshPublicKeys", () => {
  it("GIVEN the PARITY example key WHEN parsed THEN it is accepted as one key", () => {
    expect(parseSshPublicKeys(EXAMPLE_KEY)).toEqual({ ok: true, value: [EXAMPLE_KEY] });
  });

  it("GIVEN a real ed25519 key WHEN parsed THEN it is accepted", () => {
    const key = realEd25519Key();
    expect(parseSshPublicKeys(key)).toEqual({ ok: true, value: [key] });
  });

  it.each([
    ["comma separated", `${EXAMPLE_KEY},${RSA_KEY}`, [EXAMPLE_KEY, RSA_KEY]],
    ["comma and space separated", `${EXAMPLE_KEY}, ${RSA_KEY}`, [EXAMPLE_KEY, RSA_KEY]],
    ["newline separated", `${EXAMPLE_KEY}\n${RSA_KEY}\n`, [EXAMPLE_KEY, RSA_KEY]],
    ["CRLF separated", `${EXAMPLE_KEY}\r\n${RSA_KEY}\r\n`, [EXAMPLE_KEY, RSA_KEY]],
    ["with blank lines and trailing commas", `\n${EXAMPLE_KEY},,\n\n${RSA_KEY},`, [EXAMPLE_KEY, RSA_KEY]],
    ["without a comment", `ssh-rsa ${bodyFor("ssh-rsa")}`, [`ssh-rsa ${bodyFor("ssh-rsa")}`]],
    ["with a comment holding spaces", `${RSA_KEY} on my laptop`, [`${RSA_KEY} on my laptop`]],
    ["with tabs between fields", `ssh-rsa\t${bodyFor("ssh-rsa")}\tbob`, [`ssh-rsa\t${bodyFor("ssh-rsa")}\tbob`]],
    ["empty", "", []],
    ["only separators and blanks", " ,\n , \r\n", []],
  ])("GIVEN keys %s WHEN parsed THEN the trimmed keys come back", (_case, text, keys) => {
    expect(parseSshPublicKeys(text)).toEqual({ ok: true, value: keys });
  });

  it.each(SSH_KEY_TYPES.map((type) => [type]))("GIVEN a %s key with a matching body WHEN parsed THEN it is accepted", (type) => {
    const key = `${type} ${bodyFor(type)} someone`;
    expect(parseSshPublicKeys(key)).toEqual({ ok: true, value: [key] });
  });

  it("GIVEN the key types WHEN listed THEN the plain types and their certificates are there", () => {
    expect(SSH_KEY_TYPES).toHaveLength(16);
    expect(SSH_KEY_TYPES).toContain("sk-ecdsa-sha2-nistp256@openssh.com");
    expect(SSH_KEY_TYPES).toContain("sk-ecdsa-sha2-nistp256-cert-v01@openssh.com");
    expect(SSH_KEY_TYPES).toContain("ecdsa-sha2-nistp521-cert-v01@openssh.com");
  });

  it.each([
    ["a body for another type", `ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly user@example`, "ssh-rsa AAAAC3NzaC1lZDI1NTE5…", "key 1 body must start with the encoded key type 'ssh-rsa' but holds a 'ssh-ed25519' key"],
    ["a body of random bytes", `ssh-ed25519 ${Buffer.from("hello world, not a key").toString("base64")}`, "ssh-ed25519 aGVsbG8gd29ybGQsIG5v…", "key 1 body must start with the encoded key type 'ssh-ed25519';"],
    ["a body too short for its type", "ssh-ed25519 AAAAC3NzaC1lZDI1", "ssh-ed25519 AAAAC3NzaC1lZDI1", "must start with the encoded key type"],
    ["a body that is not base64", "ssh-ed25519 AAAA*not-base64", "ssh-ed25519 AAAA*not-base64", "key 1 body must be base64"],
    ["a body of impossible length", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5A", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5…", "key 1 body must be base64"],
    ["an unknown type", `ssh-foo ${bodyFor("ssh-foo")}`, `ssh-foo ${bodyFor("ssh-foo").slice(0, 20)}…`, "key 1 has an unknown type; valid types are 'ssh-rsa', 'ssh-dss'"],
    ["a signature algorithm as type", `rsa-sha2-512 ${bodyFor("ssh-rsa")}`, `rsa-sha2-512 ${bodyFor("ssh-rsa").slice(0, 20)}…`, "unknown type"],
    ["authorized_keys options", `no-pty ${RSA_KEY}`, "no-pty ssh-rsa", "unknown type"],
    ["a body without its type", "AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly", "AAAAC3NzaC1lZDI1NTE5…", "key 1 must be \"<type> <base64 body> [comment]\""],
  ])("GIVEN %s WHEN parsed THEN one problem shows %j and says it", (_case, text, shown, message) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.shown).toBe(shown);
    expect(problems[0]?.message).toContain(message);
  });

  it("GIVEN good and bad keys WHEN parsed THEN each bad key is named by its place among the keys", () => {
    const problems = problemsOf(`${EXAMPLE_KEY},,\nnonsense\n${RSA_KEY}, ssh-rsa ${bodyFor("ssh-dss")}`);
    expect(problems.map((problem) => problem.message.slice(0, 5))).toEqual(["key 2", "key 4"]);
  });

  it("GIVEN a bad key with a long body and a comment WHEN parsed THEN the problem shows neither the comment nor more than 20 body characters", () => {
    const body = bodyFor("ssh-dss", new Uint8Array(200).fill(9));
    const [problem] = problemsOf(`ssh-rsa ${body} secret-comment@host`);
    expect(problem?.shown).toBe(`ssh-rsa ${body.slice(0, 20)}…`);
    expect(JSON.stringify(problem)).not.toContain("secret-comment");
  });

  it("GIVEN any known type and any key material WHEN encoded as a key line THEN it is accepted", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SSH_KEY_TYPES), fc.uint8Array({ maxLength: 600 }), fc.boolean(), (type, rest, unpadded) => {
        const body = bodyFor(type, rest);
        const line = `${type} ${unpadded ? body.replace(/=+$/, "") : body} comment`;
        expect(parseSshPublicKeys(line)).toEqual({ ok: true, value: [line] });
      }),
    );
  });

  it("GIVEN a body encoding one known type WHEN declared as another THEN it is rejected", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SSH_KEY_TYPES), fc.constantFrom(...SSH_KEY_TYPES), (declared, encoded) => {
        fc.pre(declared !== encoded);
        expect(parseSshPublicKeys(`${declared} ${bodyFor(encoded)}`).ok).toBe(false);
      }),
    );
  });

  it("GIVEN any string WHEN parsed THEN it never throws", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(..."ssh-rsa AQ=/+,\n\r") })), (text) => {
        const result = parseSshPublicKeys(text);
        expect(result.ok || result.problems.length > 0).toBe(true);
      }),
    );
  });
});
