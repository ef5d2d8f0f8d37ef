import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encryptionLabel, hybridEncrypt, type SealingScope } from "../../../../src/gitops/sealing/index.ts";
import { hybridDecrypt, rsaKeyPair } from "../../../support/sealing.ts";

describe("encryptionLabel (the OAEP label is the scope)", () => {
  it.each<[SealingScope, string]>([
    ["strict", "tenant-ns/vm-a-cloud-init"],
    ["namespace-wide", "tenant-ns"],
    ["cluster-wide", ""],
  ])("GIVEN scope %s THEN the label is %j", (scope, label) => {
    expect(encryptionLabel(scope, "tenant-ns", "vm-a-cloud-init")).toBe(label);
  });
});

describe("hybridEncrypt (sealed-secrets HybridEncrypt)", () => {
  const { publicKey, privateKey } = rsaKeyPair(2048);

  it("GIVEN a value THEN the output is u16be(RSA length) ‖ RSA ciphertext ‖ GCM ciphertext ‖ 16-byte tag", () => {
    const plaintext = Buffer.from("#cloud-config\npassword: hunter2\n");
    const sealed = hybridEncrypt(publicKey, plaintext, "ns/name");
    expect(sealed.readUInt16BE(0)).toBe(256);
    expect(sealed.length).toBe(2 + 256 + plaintext.length + 16);
  });

  it("GIVEN a 3072-bit key THEN the length prefix says 384 (the controller makes 4096-bit keys: e2e)", () => {
    const big = rsaKeyPair(3072);
    const sealed = hybridEncrypt(big.publicKey, Buffer.from("x"), "ns/name");
    expect(sealed.readUInt16BE(0)).toBe(384);
    expect(hybridDecrypt(big.privateKey, sealed, "ns/name").toString()).toBe("x");
  });

  it.each<SealingScope>(["strict", "namespace-wide", "cluster-wide"])("GIVEN scope %s THEN the private key and the same label decrypt it", (scope) => {
    const label = encryptionLabel(scope, "tenant-ns", "vm-a-ssh-public-key");
    const sealed = hybridEncrypt(publicKey, Buffer.from("ssh-ed25519 AAAA a@b"), label);
    expect(hybridDecrypt(privateKey, sealed, label).toString()).toBe("ssh-ed25519 AAAA a@b");
  });

  it("GIVEN a value sealed for one namespace/name THEN another name's label does not decrypt it (strict scope)", () => {
    const sealed = hybridEncrypt(publicKey, Buffer.from("secret"), "tenant-ns/vm-a-cloud-init");
    expect(() => hybridDecrypt(privateKey, sealed, "tenant-ns/vm-b-cloud-init")).toThrow();
    expect(() => hybridDecrypt(privateKey, sealed, "other-ns/vm-a-cloud-init")).toThrow();
    expect(() => hybridDecrypt(privateKey, sealed, "tenant-ns")).toThrow();
  });

  it("GIVEN another key pair THEN it does not decrypt", () => {
    const sealed = hybridEncrypt(publicKey, Buffer.from("secret"), "ns/name");
    expect(() => hybridDecrypt(rsaKeyPair(2048, "other").privateKey, sealed, "ns/name")).toThrow();
  });

  it("GIVEN one flipped bit of the GCM part THEN decryption fails (authenticated)", () => {
    const sealed = hybridEncrypt(publicKey, Buffer.from("secret value"), "ns/name");
    sealed[sealed.length - 20]! ^= 0x01;
    expect(() => hybridDecrypt(privateKey, sealed, "ns/name")).toThrow();
  });

  it("GIVEN the same value twice THEN the ciphertexts differ (a fresh session key each time)", () => {
    const a = hybridEncrypt(publicKey, Buffer.from("same"), "ns/name");
    const b = hybridEncrypt(publicKey, Buffer.from("same"), "ns/name");
    expect(a.equals(b)).toBe(false);
    expect(a.subarray(2 + 256).equals(b.subarray(2 + 256))).toBe(false);
  });

  it("GIVEN any bytes THEN they round-trip (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.string({ maxLength: 80 }), (bytes, label) => {
        const sealed = hybridEncrypt(publicKey, bytes, label);
        expect(sealed.length).toBe(2 + 256 + bytes.length + 16);
        expect(hybridDecrypt(privateKey, sealed, label).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
