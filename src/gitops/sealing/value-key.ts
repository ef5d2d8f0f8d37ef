import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from "node:crypto";
import { SealingSettingError } from "./errors.ts";

/**
 * The secret key of the keyed hashes kept beside sealed values. It lives outside Git (a key file
 * for the CLI, a Secret for the committer): without it, nothing in Git lets anyone confirm a guess
 * of a sealed value.
 */
export type ValueKey = KeyObject;

export const MIN_VALUE_KEY_BYTES = 32;
const MIN_DISTINCT_BYTES = 8;
const GENERATE_HINT = "generate one with: openssl rand -base64 48 > <file> && chmod 600 <file>";

/**
 * The key from a key file's or a Secret's bytes. One trailing newline is not part of the key (an
 * editor or `echo` adds one). At least 32 bytes, and not a constant: a key of 32 equal bytes is a
 * placeholder, not a secret. Pure; errors never show the bytes.
 */
export function parseValueKey(bytes: Uint8Array, setting: string): ValueKey {
  let material = Buffer.from(bytes);
  if (material.at(-1) === 0x0a) material = material.subarray(0, material.at(-2) === 0x0d ? -2 : -1);
  if (material.length < MIN_VALUE_KEY_BYTES) {
    throw new SealingSettingError(setting, `the key holds ${material.length} bytes; at least ${MIN_VALUE_KEY_BYTES} random bytes are needed (${GENERATE_HINT})`);
  }
  if (new Set(material).size < MIN_DISTINCT_BYTES) {
    throw new SealingSettingError(setting, `the key uses fewer than ${MIN_DISTINCT_BYTES} distinct byte values, so it is not random (${GENERATE_HINT})`);
  }
  const key = createSecretKey(material);
  material.fill(0);
  return key;
}

/** Where a sealed value belongs: its tag is bound to it, so tags of equal values in two places differ. */
export interface ValueRef {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
}

const VALUE_TAG_CONTEXT = "osac-vm-gitops sealed value v1";
const INPUT_DIGEST_CONTEXT = "osac-vm-gitops sealed order input v1";

/**
 * HMAC-SHA-256 binding a plaintext value to where it belongs, to the certificate it was sealed
 * with and to its ciphertext: a matching tag proves, to whoever holds the key, that this very
 * ciphertext was made by us for this value (so a hand-edited or copied ciphertext is never
 * reused). Unpadded base64url, 43 characters.
 */
export function valueTag(key: ValueKey, ref: ValueRef, fingerprint: string, ciphertextBase64: string, value: Uint8Array): string {
  return createHmac("sha256", key)
    .update([VALUE_TAG_CONTEXT, ref.namespace, ref.name, ref.key, fingerprint, ciphertextBase64, ""].join("\0"))
    .update(value)
    .digest("base64url");
}

/** Constant-time comparison of two tags (false for anything malformed). */
export function tagsEqual(expected: string, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(actual, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The input digest of an order file when its Secrets are sealed: keyed, because the order's text
 * holds the values (an unkeyed digest of it would let anyone confirm a guess), and covering the
 * certificate, so a new certificate makes every order file stale. 32 hex characters, the tree
 * writer's digest format.
 */
export function keyedInputDigest(key: ValueKey, fingerprint: string, input: string): string {
  return createHmac("sha256", key).update(`${INPUT_DIGEST_CONTEXT}\0${fingerprint}\0`).update(input).digest("hex").slice(0, 32);
}
