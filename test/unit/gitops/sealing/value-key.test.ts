import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyedInputDigest, parseValueKey, SealingSettingError, valueTag } from "../../../../src/gitops/sealing/index.ts";

const SETTING = "--seal-key-file key";
const RANDOM = randomBytes(48).toString("base64");
const key = parseValueKey(Buffer.from(RANDOM), SETTING);
const REF = { namespace: "tenant-ns", name: "vm-a-cloud-init", key: "userData" };
const FINGERPRINT = "SHA256:abc";
const CIPHERTEXT = "AgBc...";
const VALUE = Buffer.from("#cloud-config\npassword: hunter2\n");

function problem(bytes: Buffer): string {
  try {
    parseValueKey(bytes, SETTING);
  } catch (error) {
    if (error instanceof SealingSettingError) return error.message;
    throw error;
  }
  throw new Error("expected a SealingSettingError");
}

describe("parseValueKey", () => {
  it("GIVEN a key file with and without a trailing newline (or CRLF) THEN the key is the same", () => {
    const tag = (bytes: string) => valueTag(parseValueKey(Buffer.from(bytes), SETTING), REF, FINGERPRINT, CIPHERTEXT, VALUE);
    expect(tag(`${RANDOM}\n`)).toBe(tag(RANDOM));
    expect(tag(`${RANDOM}\r\n`)).toBe(tag(RANDOM));
    expect(tag(`${RANDOM}x`)).not.toBe(tag(RANDOM));
  });

  it("GIVEN fewer than 32 bytes THEN it names the setting, the size and how to make a key, never the bytes", () => {
    const message = problem(Buffer.from("correct horse battery staple\n"));
    expect(message).toBe(
      "--seal-key-file key: the key holds 28 bytes; at least 32 random bytes are needed (generate one with: openssl rand -base64 48 > <file> && chmod 600 <file>)",
    );
    expect(message).not.toContain("horse");
  });

  it("GIVEN 32 equal bytes THEN it is refused as not random", () => {
    expect(problem(Buffer.alloc(64, 0x41))).toMatch(/--seal-key-file key: the key uses fewer than 8 distinct byte values, so it is not random/);
  });
});

describe("valueTag (keyed, bound to place, certificate and ciphertext)", () => {
  const base = valueTag(key, REF, FINGERPRINT, CIPHERTEXT, VALUE);

  it("GIVEN the same inputs THEN the same 43-character tag", () => {
    expect(valueTag(key, REF, FINGERPRINT, CIPHERTEXT, VALUE)).toBe(base);
    expect(base).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ["another value", () => valueTag(key, REF, FINGERPRINT, CIPHERTEXT, Buffer.from("#cloud-config\npassword: hunter3\n"))],
    ["another namespace", () => valueTag(key, { ...REF, namespace: "other-ns" }, FINGERPRINT, CIPHERTEXT, VALUE)],
    ["another name", () => valueTag(key, { ...REF, name: "vm-b-cloud-init" }, FINGERPRINT, CIPHERTEXT, VALUE)],
    ["another data key", () => valueTag(key, { ...REF, key: "userdata" }, FINGERPRINT, CIPHERTEXT, VALUE)],
    ["another certificate", () => valueTag(key, REF, "SHA256:abd", CIPHERTEXT, VALUE)],
    ["another ciphertext", () => valueTag(key, REF, FINGERPRINT, "AgBd...", VALUE)],
    ["another key", () => valueTag(parseValueKey(randomBytes(32), SETTING), REF, FINGERPRINT, CIPHERTEXT, VALUE)],
    ["fields shifted across the separator", () => valueTag(key, { ...REF, namespace: "tenant-ns/vm", name: "a-cloud-init" }, FINGERPRINT, CIPHERTEXT, VALUE)],
  ])("GIVEN %s THEN the tag differs", (_, other) => {
    expect(other()).not.toBe(base);
  });
});

describe("keyedInputDigest", () => {
  it("GIVEN the same input THEN 32 hex characters, different per key and per certificate", () => {
    const digest = keyedInputDigest(key, FINGERPRINT, "order json");
    expect(digest).toMatch(/^[0-9a-f]{32}$/);
    expect(keyedInputDigest(key, FINGERPRINT, "order json")).toBe(digest);
    expect(keyedInputDigest(key, "SHA256:other", "order json")).not.toBe(digest);
    expect(keyedInputDigest(parseValueKey(randomBytes(32), SETTING), FINGERPRINT, "order json")).not.toBe(digest);
    expect(keyedInputDigest(key, FINGERPRINT, "order json2")).not.toBe(digest);
  });
});
