import { constants, createCipheriv, publicEncrypt, randomBytes, type KeyObject } from "node:crypto";

/**
 * Which Secrets a sealed value may become (sealed-secrets' SealingScope). The scope is the RSA-OAEP
 * label, so a value sealed for one scope decrypts in no other.
 */
export type SealingScope = "strict" | "namespace-wide" | "cluster-wide";

/** The OAEP label of a scope (sealed-secrets `EncryptionLabel`). */
export function encryptionLabel(scope: SealingScope, namespace: string, name: string): string {
  if (scope === "cluster-wide") return "";
  if (scope === "namespace-wide") return namespace;
  return `${namespace}/${name}`;
}

const SESSION_KEY_BYTES = 32;
const GCM_NONCE_BYTES = 12;

/**
 * sealed-secrets' `HybridEncrypt`: a fresh AES-256-GCM session key per value, used once (so the
 * all-zero nonce is safe), encrypted with RSA-OAEP (SHA-256 for the digest and MGF1) under the
 * scope's label. Output: 2-byte big-endian length of the RSA ciphertext ‖ RSA ciphertext ‖ GCM
 * ciphertext ‖ 16-byte GCM tag.
 */
export function hybridEncrypt(publicKey: KeyObject, plaintext: Uint8Array, label: string): Buffer {
  const sessionKey = randomBytes(SESSION_KEY_BYTES);
  try {
    const sealedKey = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: Buffer.from(label, "utf8") },
      sessionKey,
    );
    const cipher = createCipheriv("aes-256-gcm", sessionKey, Buffer.alloc(GCM_NONCE_BYTES));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(sealedKey.length);
    return Buffer.concat([length, sealedKey, body, cipher.getAuthTag()]);
  } finally {
    sessionKey.fill(0);
  }
}
