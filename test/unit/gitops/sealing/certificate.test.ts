import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseSealingCertificate, publicKeyFingerprint, SealingSettingError } from "../../../../src/gitops/sealing/index.ts";
import { rsaKeyPair, selfSignedCertificate } from "../../../support/sealing.ts";

const NOW = new Date();
const SETTING = "--seal-with cert.pem";

/** A 2048-bit public key and its fingerprint as `ssh-keygen -lf` printed it (an independent implementation). */
const VECTOR_KEY = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqmP7QgvtsiKJziUANPzZ
z8HkiCwe7TuQf3iCAZiZfFvtzgocudhIEjz4OvEGQhSPaABTE0Y/P3Cn+lkcJ1mQ
ipgGo0bC5b+teldaJdOZ+1klElPhQTpjFxDLLV7G8m8GTV/B/31G/EP/LVIoScYa
517FVfcBZfjLjrTzsaTA63I4WjvLj/NMhXC5fwt26NZKuQlGKsBs89vUv45w1Bfa
h863boKjT3BNVUh6O8B9X2P9TmE35AYDsSQ6lC2jioH1b0yTzsRQOCxHCgzjckar
wORqeyjqYwSY4nMtpBV1+ah0i1IrDJmYD67QDo/2lbiFIckzGMxlU4YsYQaXEa54
4wIDAQAB
-----END PUBLIC KEY-----
`;
const VECTOR_FINGERPRINT = "SHA256:seLX+1ZpnMl1iy8linmEiMsOjjy+N3Ba9wl7x15d3V4";

function settingError(run: () => unknown): SealingSettingError {
  try {
    run();
  } catch (error) {
    if (error instanceof SealingSettingError) return error;
    throw error;
  }
  throw new Error("expected a SealingSettingError");
}

describe("publicKeyFingerprint (sealed-secrets PublicKeyFingerprint)", () => {
  it("GIVEN a known key THEN it equals OpenSSH's SHA256 fingerprint", () => {
    expect(publicKeyFingerprint(createPublicKey(VECTOR_KEY))).toBe(VECTOR_FINGERPRINT);
  });

  it("GIVEN two keys THEN the fingerprints differ", () => {
    expect(publicKeyFingerprint(rsaKeyPair(2048).publicKey)).not.toBe(publicKeyFingerprint(rsaKeyPair(2048, "other").publicKey));
  });
});

describe("parseSealingCertificate", () => {
  it("GIVEN the controller's kind of certificate THEN it yields the public key, its fingerprint and size", () => {
    const { publicKey } = rsaKeyPair(3072);
    const certificate = parseSealingCertificate(selfSignedCertificate(publicKey), SETTING, NOW);
    expect(certificate.fingerprint).toBe(publicKeyFingerprint(publicKey));
    expect(certificate.modulusBits).toBe(3072);
    expect(certificate.subject).toBe("CN=sealed-secret");
    expect(certificate.publicKey.equals(publicKey)).toBe(true);
  });

  it("GIVEN an empty subject (the controller's certificates without --my-cn) THEN it parses, and errors call it so", () => {
    expect(parseSealingCertificate(selfSignedCertificate(rsaKeyPair().publicKey, { commonName: "" }), SETTING, NOW).subject).toBe("(empty subject)");
    const expired = selfSignedCertificate(rsaKeyPair().publicKey, { commonName: "", notBefore: new Date("2020-01-01"), notAfter: new Date("2021-01-01") });
    expect(settingError(() => parseSealingCertificate(expired, SETTING, NOW)).message).toContain("the certificate '(empty subject)' expired on");
  });

  it("GIVEN a bundle THEN the first certificate is used (as kubeseal does)", () => {
    const first = rsaKeyPair(2048).publicKey;
    const pem = selfSignedCertificate(first) + selfSignedCertificate(rsaKeyPair(2048, "other").publicKey);
    expect(parseSealingCertificate(`some text before\n${pem}`, SETTING, NOW).fingerprint).toBe(publicKeyFingerprint(first));
  });

  it("GIVEN a certificate valid for years beyond 2049 THEN its GeneralizedTime is read", () => {
    const notAfter = new Date("2125-01-01T00:00:00Z");
    expect(parseSealingCertificate(selfSignedCertificate(rsaKeyPair().publicKey, { notAfter }), SETTING, NOW).notAfter.toISOString()).toBe(notAfter.toISOString());
  });

  it.each([
    ["an empty file", "", /--seal-with cert\.pem: the file is empty, not a PEM certificate; give the sealed-secrets controller's certificate \(kubeseal --fetch-cert/],
    ["text without PEM", "hello\n", /the file holds 6 bytes without a PEM block, not a PEM certificate/],
    ["a public key instead of a certificate", VECTOR_KEY, /the file holds a PEM 'PUBLIC KEY' block, not a PEM certificate/],
    [
      "a broken certificate block",
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
      /the CERTIFICATE block does not parse as X\.509 .*; give the sealed-secrets controller's certificate/,
    ],
  ])("GIVEN %s THEN it names the setting, what it found and what is accepted", (_, pem, message) => {
    const error = settingError(() => parseSealingCertificate(pem, SETTING, NOW));
    expect(error.setting).toBe(SETTING);
    expect(error.message).toMatch(message);
  });

  it("GIVEN an expired certificate THEN it says when it expired and how to get the current one", () => {
    const pem = selfSignedCertificate(rsaKeyPair().publicKey, { notBefore: new Date("2020-01-01T00:00:00Z"), notAfter: new Date("2021-06-01T12:00:00Z") });
    expect(settingError(() => parseSealingCertificate(pem, SETTING, NOW)).message).toMatch(
      /--seal-with cert\.pem: the certificate 'CN=sealed-secret' expired on Jun {2}1 12:00:00 2021 GMT \(notAfter\); fetch the controller's current certificate/,
    );
  });

  it.each([
    ["an EC key", () => generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey, /holds a key of type EC \(prime256v1\); sealed-secrets seals with RSA keys \(RSA-OAEP\), 2048 bits or more/],
    ["an Ed25519 key", () => generateKeyPairSync("ed25519").publicKey, /holds a key of type ED25519; sealed-secrets seals with RSA keys/],
    ["a 1024-bit RSA key", () => rsaKeyPair(1024).publicKey, /has a 1024-bit RSA key; at least 2048 bits are accepted/],
  ])("GIVEN %s THEN it is refused, naming the key and what is accepted", (_, key, message) => {
    const error = settingError(() => parseSealingCertificate(selfSignedCertificate(key()), SETTING, NOW));
    expect(error.message).toMatch(message);
    expect(error.message).toContain("'CN=sealed-secret'");
  });
});
