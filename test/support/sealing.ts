// Sealing test helpers: RSA key pairs, self-signed X.509 certificates built with node:crypto and a
// few lines of DER (so the tests need neither openssl nor fixture keys on disk; only what node's
// X509Certificate reads is encoded), and sealed-secrets' decryption written out independently.
import { constants, createDecipheriv, generateKeyPairSync, privateDecrypt, sign, type KeyObject } from "node:crypto";

export interface TestKeyPair {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

const keyCache = new Map<string, TestKeyPair>();

/** An RSA key pair of the given size, generated once per test file and size. */
export function rsaKeyPair(modulusLength = 2048, id = "default"): TestKeyPair {
  const cacheKey = `${modulusLength}/${id}`;
  let pair = keyCache.get(cacheKey);
  if (!pair) {
    pair = generateKeyPairSync("rsa", { modulusLength });
    keyCache.set(cacheKey, pair);
  }
  return pair;
}

export interface CertificateOptions {
  /** "" for an empty subject, as the sealed-secrets controller makes (no --my-cn). */
  readonly commonName?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

/** A PEM certificate for `subjectKey`, signed by a test RSA key (sha256WithRSAEncryption). */
export function selfSignedCertificate(subjectKey: KeyObject, options: CertificateOptions = {}): string {
  const signer = rsaKeyPair(2048, "certificate-signer").privateKey;
  const now = Date.now();
  const commonName = options.commonName ?? "sealed-secret";
  const name = commonName === "" ? sequence() : sequence(set(sequence(oid("2.5.4.3"), tlv(0x0c, Buffer.from(commonName)))));
  const algorithm = sequence(oid("1.2.840.113549.1.1.11"), tlv(0x05, Buffer.alloc(0)));
  const validity = sequence(time(options.notBefore ?? new Date(now - 3_600_000)), time(options.notAfter ?? new Date(now + 10 * 365 * 86_400_000)));
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(Buffer.from([0x01, 0x23, 0x45, 0x67])),
    algorithm,
    name,
    validity,
    name,
    subjectKey.export({ type: "spki", format: "der" }),
  );
  const signature = sign("sha256", tbs, signer);
  const der = sequence(tbs, algorithm, tlv(0x03, Buffer.concat([Buffer.alloc(1), signature])));
  const lines = der.toString("base64").match(/.{1,64}/g)!;
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), content]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length, ...bytes]), content]);
}

function sequence(...parts: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(parts));
}

function set(...parts: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(parts));
}

function integer(magnitude: Buffer): Buffer {
  return tlv(0x02, (magnitude[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.alloc(1), magnitude]) : magnitude);
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift(0x80 | (value & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime up to 2049, GeneralizedTime after (RFC 5280). */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

/** sealed-secrets' HybridDecrypt, for tests: RSA-OAEP-SHA-256 with the label, then AES-256-GCM with a zero nonce. */
export function hybridDecrypt(privateKey: KeyObject, sealed: Buffer, label: string): Buffer {
  const rsaLength = sealed.readUInt16BE(0);
  const sessionKey = privateDecrypt(
    { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: Buffer.from(label, "utf8") },
    sealed.subarray(2, 2 + rsaLength),
  );
  const rest = sealed.subarray(2 + rsaLength);
  const decipher = createDecipheriv("aes-256-gcm", sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(rest.subarray(rest.length - 16));
  return Buffer.concat([decipher.update(rest.subarray(0, rest.length - 16)), decipher.final()]);
}

/** A well-formed OpenSSH ed25519 public key line around 32 given bytes. */
export function sshEd25519Key(keyBytes: Uint8Array, comment = "user@example"): string {
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const body = Buffer.concat([field(Buffer.from("ssh-ed25519")), field(Buffer.from(keyBytes))]).toString("base64");
  return `ssh-ed25519 ${body} ${comment}`;
}
