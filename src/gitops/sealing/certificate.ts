import { X509Certificate, type KeyObject } from "node:crypto";
import { SealingSettingError } from "./errors.ts";
import { publicKeyFingerprint } from "./fingerprint.ts";

/** The sealed-secrets controller makes 4096-bit keys; RSA-OAEP-SHA-256 needs more than 528 bits. */
export const MIN_RSA_MODULUS_BITS = 2048;

/** What sealing needs of the controller's certificate. */
export interface SealingCertificate {
  readonly publicKey: KeyObject;
  /** `SHA256:…` of the public key, as the controller names its keys (fingerprint.ts). */
  readonly fingerprint: string;
  readonly modulusBits: number;
  readonly subject: string;
  readonly notAfter: Date;
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/;
const ANY_PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----/;
const HOW_TO_GET = "give the sealed-secrets controller's certificate (kubeseal --fetch-cert, or GET /v1/cert.pem on the controller)";

/**
 * Parses the sealing certificate (PEM; the first certificate of a bundle, as kubeseal does) and
 * checks that it can seal: an RSA key of at least 2048 bits, not expired at `now`. Pure: `setting`
 * only names the source in errors.
 */
export function parseSealingCertificate(pem: string, setting: string, now: Date): SealingCertificate {
  const block = CERTIFICATE_BLOCK.exec(pem)?.[0];
  if (!block) throw new SealingSettingError(setting, `${describeContent(pem)}, not a PEM certificate; ${HOW_TO_GET}`);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(block);
  } catch (error) {
    throw new SealingSettingError(setting, `the CERTIFICATE block does not parse as X.509 (${(error as Error).message}); ${HOW_TO_GET}`, { cause: error });
  }
  // The controller's own certificates have an empty subject, for which node gives undefined.
  const subject = (certificate.subject as string | undefined)?.replaceAll("\n", ", ") || "(empty subject)";
  const publicKey = certificate.publicKey;
  const keyType = publicKey.asymmetricKeyType;
  if (keyType !== "rsa") {
    throw new SealingSettingError(
      setting,
      `the certificate '${subject}' holds a key of type ${describeKeyType(publicKey)}; ` +
        `sealed-secrets seals with RSA keys (RSA-OAEP), ${MIN_RSA_MODULUS_BITS} bits or more; ${HOW_TO_GET}`,
    );
  }
  const modulusBits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (modulusBits < MIN_RSA_MODULUS_BITS) {
    throw new SealingSettingError(setting, `the certificate '${subject}' has a ${modulusBits}-bit RSA key; at least ${MIN_RSA_MODULUS_BITS} bits are accepted`);
  }
  const notAfter = new Date(certificate.validTo);
  if (!(notAfter.getTime() > now.getTime())) {
    throw new SealingSettingError(
      setting,
      `the certificate '${subject}' expired on ${certificate.validTo} (notAfter); fetch the controller's current certificate ` +
        `(kubeseal --fetch-cert, or GET /v1/cert.pem)`,
    );
  }
  return { publicKey, fingerprint: publicKeyFingerprint(publicKey), modulusBits, subject, notAfter };
}

function describeContent(text: string): string {
  if (text.trim().length === 0) return "the file is empty";
  const other = ANY_PEM_BLOCK.exec(text)?.[1];
  if (other) return `the file holds a PEM '${other}' block`;
  return `the file holds ${Buffer.byteLength(text)} bytes without a PEM block`;
}

function describeKeyType(key: KeyObject): string {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === "ec") return `EC (${details?.namedCurve ?? "unknown curve"})`;
  if (key.asymmetricKeyType === "rsa-pss") return "RSA-PSS (signing only)";
  return (key.asymmetricKeyType ?? "unknown").toUpperCase();
}
