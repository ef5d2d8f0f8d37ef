import { randomBytes } from "node:crypto";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import {
  CertificateChangedError,
  parseSealingCertificate,
  parseValueKey,
  SecretSealer,
  type PlainSecret,
  type SealedSecretObject,
} from "../../../../src/gitops/sealing/index.ts";
import { hybridDecrypt, rsaKeyPair, selfSignedCertificate } from "../../../support/sealing.ts";

const NOW = new Date();
const first = rsaKeyPair(2048);
const second = rsaKeyPair(2048, "rotated");
const certificate = parseSealingCertificate(selfSignedCertificate(first.publicKey), "--seal-with", NOW);
const rotated = parseSealingCertificate(selfSignedCertificate(second.publicKey), "--seal-with", NOW);
const valueKey = parseValueKey(randomBytes(32), "--seal-key-file");

const USER_DATA = "#cloud-config\nusers:\n  - name: admin\n    passwd: s3cr3t\n";
const cloudInit = (userData = USER_DATA, annotations: Record<string, string> = {}): PlainSecret => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: {
    name: "vm-a-cloud-init",
    namespace: "tenant-ns",
    labels: { "cloudkit.openshift.io/virtualmachine": "vm-a", "app.kubernetes.io/managed-by": "osac-vm-gitops" },
    annotations: { "argocd.argoproj.io/sync-wave": "0", "cloudkit.openshift.io/config-version": "0123456789abcdef", ...annotations },
  },
  type: "Opaque",
  data: { userData: Buffer.from(userData).toString("base64") },
});
const sshKeys: PlainSecret = {
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "vm-a-ssh-public-key", namespace: "tenant-ns" },
  type: "Opaque",
  data: { "ssh-public-key": Buffer.from("ssh-ed25519 AAAA a@b,ssh-ed25519 AAAB c@d").toString("base64") },
  stringData: { extra: "text value" },
};
const disk = { apiVersion: "cdi.kubevirt.io/v1beta1", kind: "DataVolume", metadata: { name: "vm-a-root-disk", namespace: "tenant-ns" } };

const sealer = (settings: { reseal?: boolean; certificate?: typeof certificate; key?: typeof valueKey } = {}) =>
  new SecretSealer({ certificate: settings.certificate ?? certificate, valueKey: settings.key ?? valueKey, reseal: settings.reseal ?? false });

/** The objects as the tree writer would have written them. */
const asFile = (objects: readonly unknown[]) => `# header\n${objects.map((object) => `---\n${yaml.dump(object, { lineWidth: -1 })}`).join("")}`;

function sealed(objects: readonly unknown[], name: string): SealedSecretObject {
  const found = objects.find((object) => (object as SealedSecretObject).kind === "SealedSecret" && (object as SealedSecretObject).metadata.name === name);
  if (!found) throw new Error(`no SealedSecret ${name}`);
  return found as SealedSecretObject;
}

describe("SecretSealer.sealObjects", () => {
  it("GIVEN an order's objects THEN each Secret becomes a SealedSecret in place and the rest passes through untouched", () => {
    const objects = sealer().sealObjects([cloudInit(), sshKeys, disk], undefined);
    expect(objects.map((object) => object.kind)).toEqual(["SealedSecret", "SealedSecret", "DataVolume"]);
    expect(objects[2]).toBe(disk);
  });

  it("GIVEN a plain Secret THEN the SealedSecret keeps its name, namespace, labels and annotations, and the template carries its metadata and type", () => {
    const plain = cloudInit();
    const result = sealed(sealer().sealObjects([plain], undefined), "vm-a-cloud-init");
    expect(result.apiVersion).toBe("bitnami.com/v1alpha1");
    expect(result.metadata.name).toBe("vm-a-cloud-init");
    expect(result.metadata.namespace).toBe("tenant-ns");
    expect(result.metadata.labels).toEqual(plain.metadata.labels);
    expect(result.metadata.annotations).toEqual({
      ...plain.metadata.annotations,
      "cloudkit.openshift.io/sealed-with": certificate.fingerprint,
      "cloudkit.openshift.io/sealed-value-hmac": expect.stringMatching(/^\{"userData":"[A-Za-z0-9_-]{43}"\}$/),
    });
    expect(result.spec.template).toEqual({ metadata: plain.metadata, type: "Opaque" });
    expect(Object.keys(result.spec.encryptedData)).toEqual(["userData"]);
  });

  it("GIVEN data and stringData THEN every value decrypts, under the strict label, to the bytes the plain Secret holds", () => {
    const result = sealed(sealer().sealObjects([sshKeys], undefined), "vm-a-ssh-public-key");
    const decrypt = (key: string) => hybridDecrypt(first.privateKey, Buffer.from(result.spec.encryptedData[key]!, "base64"), "tenant-ns/vm-a-ssh-public-key");
    expect(decrypt("ssh-public-key").toString("base64")).toBe(sshKeys.data!["ssh-public-key"]);
    expect(decrypt("extra").toString()).toBe("text value");
    expect(Object.keys(result.spec.encryptedData)).toEqual(["extra", "ssh-public-key"]);
  });

  it.each([
    ["namespace-wide", { "sealedsecrets.bitnami.com/namespace-wide": "true" }, "tenant-ns"],
    ["cluster-wide", { "sealedsecrets.bitnami.com/cluster-wide": "true" }, ""],
  ])("GIVEN a %s Secret THEN the SealedSecret says so and the value is sealed under that scope's label", (_, annotations, label) => {
    const result = sealed(sealer().sealObjects([cloudInit(USER_DATA, annotations)], undefined), "vm-a-cloud-init");
    expect(result.metadata.annotations).toMatchObject(annotations);
    expect(hybridDecrypt(first.privateKey, Buffer.from(result.spec.encryptedData.userData!, "base64"), label).toString()).toBe(USER_DATA);
  });

  it("GIVEN non-canonical base64 in data THEN it refuses (the produced Secret would not hold the same bytes)", () => {
    const plain = { ...cloudInit(), data: { userData: "aGk" } };
    expect(() => sealer().sealObjects([plain], undefined)).toThrow("Secret vm-a-cloud-init: data.userData is not canonical base64");
  });
});

describe("SecretSealer: no churn", () => {
  it("GIVEN the previous file of an unchanged Secret THEN the SealedSecret is byte for byte the same, and no value is sealed again", () => {
    const firstRun = sealer().sealObjects([cloudInit(), sshKeys, disk], undefined);
    const again = sealer();
    const secondRun = again.sealObjects([cloudInit(), sshKeys, disk], asFile(firstRun));
    expect(asFile(secondRun)).toBe(asFile(firstRun));
    expect(again.tally).toEqual({ reused: 3, sealed: { new: 0, changed: 0, resealed: 0, unverified: 0 } });
  });

  it("GIVEN a changed value THEN only that value is sealed again; the others keep their ciphertext", () => {
    const before = sealer().sealObjects([cloudInit(), sshKeys], undefined);
    const run = sealer();
    const after = run.sealObjects([cloudInit("#cloud-config\n"), sshKeys], asFile(before));
    expect(sealed(after, "vm-a-cloud-init").spec.encryptedData.userData).not.toBe(sealed(before, "vm-a-cloud-init").spec.encryptedData.userData);
    expect(sealed(after, "vm-a-ssh-public-key")).toEqual(sealed(before, "vm-a-ssh-public-key"));
    expect(run.tally).toEqual({ reused: 2, sealed: { new: 0, changed: 1, resealed: 0, unverified: 0 } });
  });

  it("GIVEN a hand-edited ciphertext with the old tag THEN it is not reused: the value is sealed again", () => {
    const before = sealer().sealObjects([cloudInit()], undefined);
    const other = sealer().sealObjects([cloudInit()], undefined);
    const edited = structuredClone(before) as SealedSecretObject[];
    (edited[0]!.spec.encryptedData as Record<string, string>).userData = sealed(other, "vm-a-cloud-init").spec.encryptedData.userData!;
    const run = sealer();
    const after = run.sealObjects([cloudInit()], asFile(edited));
    expect(run.tally.sealed.changed).toBe(1);
    const ciphertext = sealed(after, "vm-a-cloud-init").spec.encryptedData.userData!;
    expect([sealed(before, "vm-a-cloud-init").spec.encryptedData.userData, sealed(other, "vm-a-cloud-init").spec.encryptedData.userData]).not.toContain(ciphertext);
  });

  it("GIVEN another order's SealedSecret copied under this name THEN its ciphertext is not reused (tags are bound to namespace/name)", () => {
    const otherOrder = { ...cloudInit(), metadata: { ...cloudInit().metadata, name: "vm-b-cloud-init" } };
    const copied = structuredClone(sealer().sealObjects([otherOrder], undefined)) as SealedSecretObject[];
    (copied[0]!.metadata as { name: string }).name = "vm-a-cloud-init";
    const run = sealer();
    run.sealObjects([cloudInit()], asFile(copied));
    expect(run.tally.sealed.changed).toBe(1);
  });

  it("GIVEN another value key THEN every value is sealed again (the old tags do not verify)", () => {
    const before = sealer().sealObjects([cloudInit(), sshKeys], undefined);
    const run = sealer({ key: parseValueKey(randomBytes(32), "--seal-key-file") });
    run.sealObjects([cloudInit(), sshKeys], asFile(before));
    expect(run.tally).toEqual({ reused: 0, sealed: { new: 0, changed: 3, resealed: 0, unverified: 0 } });
  });

  it("GIVEN an unreadable previous file THEN every value is sealed afresh", () => {
    const run = sealer();
    run.sealObjects([cloudInit()], "kind: SealedSecret\n: : : not yaml [");
    expect(run.tally.sealed.new).toBe(1);
  });
});

describe("SecretSealer: certificate rotation", () => {
  it("GIVEN a file sealed under another certificate and no re-seal THEN it throws CertificateChangedError naming both fingerprints", () => {
    const before = sealer().sealObjects([cloudInit()], undefined);
    const run = () => sealer({ certificate: rotated }).sealObjects([cloudInit()], asFile(before));
    expect(run).toThrow(CertificateChangedError);
    expect(run).toThrow(`SealedSecret tenant-ns/vm-a-cloud-init was sealed with the certificate ${certificate.fingerprint}, not with the given ${rotated.fingerprint}`);
  });

  it("GIVEN re-seal with the new certificate THEN every value is sealed again, decrypts with the new key only, and a second run changes nothing", () => {
    const before = sealer().sealObjects([cloudInit(), sshKeys], undefined);
    const run = sealer({ certificate: rotated, reseal: true });
    const after = run.sealObjects([cloudInit(), sshKeys], asFile(before));
    expect(run.tally).toEqual({ reused: 0, sealed: { new: 0, changed: 0, resealed: 3, unverified: 0 } });
    const value = Buffer.from(sealed(after, "vm-a-cloud-init").spec.encryptedData.userData!, "base64");
    expect(hybridDecrypt(second.privateKey, value, "tenant-ns/vm-a-cloud-init").toString()).toBe(USER_DATA);
    expect(() => hybridDecrypt(first.privateKey, value, "tenant-ns/vm-a-cloud-init")).toThrow();
    expect(sealed(after, "vm-a-cloud-init").metadata.annotations["cloudkit.openshift.io/sealed-with"]).toBe(rotated.fingerprint);

    const again = sealer({ certificate: rotated, reseal: true });
    expect(asFile(again.sealObjects([cloudInit(), sshKeys], asFile(after)))).toBe(asFile(after));
    expect(again.tally.reused).toBe(3);
  });
});
