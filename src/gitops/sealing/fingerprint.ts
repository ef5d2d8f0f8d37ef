import { createHash, type KeyObject } from "node:crypto";

/**
 * The sealed-secrets controller's name for a public key (`crypto.PublicKeyFingerprint`): the
 * OpenSSH SHA-256 fingerprint, `SHA256:` and the unpadded base64 of SHA-256 over the key in SSH
 * wire format (`string "ssh-rsa"`, `mpint e`, `mpint n`). The controller logs its keys under this
 * name, so a fingerprint in Git can be matched with the key that decrypts it.
 */
export function publicKeyFingerprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: "jwk" });
  if (jwk.kty !== "RSA" || !jwk.n || !jwk.e) throw new Error(`expected an RSA public key, got ${jwk.kty}`);
  const wire = Buffer.concat([sshString(Buffer.from("ssh-rsa")), sshMpint(Buffer.from(jwk.e, "base64url")), sshMpint(Buffer.from(jwk.n, "base64url"))]);
  return `SHA256:${createHash("sha256").update(wire).digest("base64").replace(/=+$/, "")}`;
}

function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** RFC 4251 mpint of a positive big-endian integer: no leading zeros, one zero byte if the top bit is set. */
function sshMpint(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  return sshString(trimmed.length > 0 && (trimmed[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.alloc(1), trimmed]) : trimmed);
}
