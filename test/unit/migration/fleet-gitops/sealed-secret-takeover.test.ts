// The sealed-secrets takeover and release decisions of the gitops target mode
// (docs/adr/0034-fleet-migration-gitops-mode.md): which Secrets Adopt marks managed, the JSON
// patch a rollback releases a Secret with, and Verify's data check (keys named, never values).
import { describe, expect, it } from "vitest";
import type { OrderBackup } from "../../../../src/migration/fleet/backup.ts";
import { gitopsVerifyProblems } from "../../../../src/migration/fleet-gitops/argo-observation.ts";
import { appliedByArgoCd } from "../../../../src/migration/fleet-controller/gitops-reads.ts";
import { controlledBySealedSecret, SEALED_SECRET_MANAGED, sealedSecretDataProblems, sealedSecretRelease, secretsToMarkManaged } from "../../../../src/migration/fleet-gitops/sealed-secret-takeover.ts";
import type { LiveObject } from "../../../../src/migration/live-object.ts";

const SEALED_OWNER = { apiVersion: "bitnami.com/v1alpha1", kind: "SealedSecret", name: "vm-1-cloud-init", uid: "ss-uid", controller: true };
const OTHER_OWNER = { apiVersion: "v1", kind: "ConfigMap", name: "keep", uid: "cm-uid" };

function object(kind: string, name: string, extra: { owners?: unknown[]; annotations?: Record<string, string>; data?: Record<string, string> } = {}): LiveObject {
  return {
    apiVersion: kind === "VirtualMachine" ? "kubevirt.io/v1" : "v1",
    kind,
    metadata: { name, namespace: "tenant", uid: `uid-${name}`, annotations: extra.annotations ?? {}, ...(extra.owners ? { ownerReferences: extra.owners } : {}) },
    ...(extra.data ? { data: extra.data } : {}),
  };
}

describe("secretsToMarkManaged", () => {
  it("GIVEN an order's children THEN only its Secrets that no SealedSecret controls and that are not marked yet are marked", () => {
    const children = [
      object("Secret", "vm-1-cloud-init"),
      object("Secret", "vm-1-ssh-public-key", { annotations: { [SEALED_SECRET_MANAGED]: "true" } }),
      object("Secret", "vm-2-cloud-init", { owners: [SEALED_OWNER] }),
      object("Secret", "vm-3-cloud-init", { annotations: { [SEALED_SECRET_MANAGED]: "false" } }),
      object("VirtualMachine", "vm-1"),
      object("Service", "vm-1-load-balancer"),
    ];
    expect(secretsToMarkManaged(children).map((secret) => secret.metadata.name)).toEqual(["vm-1-cloud-init", "vm-3-cloud-init"]);
  });

  it("GIVEN a Secret a SealedSecret owns without controlling it THEN it is still marked", () => {
    const secret = object("Secret", "vm-1-cloud-init", { owners: [{ ...SEALED_OWNER, controller: false }] });
    expect(controlledBySealedSecret(secret)).toBe(false);
    expect(secretsToMarkManaged([secret])).toHaveLength(1);
  });
});

describe("sealedSecretRelease", () => {
  it("GIVEN a Secret its SealedSecret controls THEN its ownerReference is tested and removed, other owners kept", () => {
    const secret = object("Secret", "vm-1-cloud-init", { owners: [OTHER_OWNER, SEALED_OWNER] });
    expect(sealedSecretRelease(secret)).toEqual([
      { op: "test", path: "/metadata/ownerReferences/1", value: SEALED_OWNER },
      { op: "remove", path: "/metadata/ownerReferences/1" },
    ]);
  });

  it("GIVEN a Secret still marked managed THEN the mark is tested and removed (JSON pointer escapes the slash)", () => {
    const secret = object("Secret", "vm-1-cloud-init", { owners: [SEALED_OWNER], annotations: { [SEALED_SECRET_MANAGED]: "true", other: "kept" } });
    expect(sealedSecretRelease(secret)).toEqual([
      { op: "test", path: "/metadata/ownerReferences/0", value: SEALED_OWNER },
      { op: "remove", path: "/metadata/ownerReferences/0" },
      { op: "test", path: "/metadata/annotations/sealedsecrets.bitnami.com~1managed", value: "true" },
      { op: "remove", path: "/metadata/annotations/sealedsecrets.bitnami.com~1managed" },
    ]);
  });

  it("GIVEN nothing to release (a free Secret, another kind) THEN no patch", () => {
    expect(sealedSecretRelease(object("Secret", "vm-1-cloud-init", { owners: [OTHER_OWNER] }))).toBeUndefined();
    expect(sealedSecretRelease(object("Service", "vm-1-load-balancer", { owners: [SEALED_OWNER] }))).toBeUndefined();
  });
});

describe("sealedSecretDataProblems", () => {
  const saved: OrderBackup = { order: "vm-1", objects: [object("Secret", "vm-1-cloud-init", { data: { userData: "b3JpZ2luYWw=", extra: "eA==" } })] };

  it("GIVEN a taken-over Secret with the backed-up data THEN no problem", () => {
    expect(sealedSecretDataProblems(saved, [object("Secret", "vm-1-cloud-init", { owners: [SEALED_OWNER], data: { extra: "eA==", userData: "b3JpZ2luYWw=" } })])).toEqual([]);
  });

  it("GIVEN a taken-over Secret whose data differs THEN the keys that differ are named, never a value", () => {
    const problems = sealedSecretDataProblems(saved, [object("Secret", "vm-1-cloud-init", { owners: [SEALED_OWNER], data: { userData: "Y2hhbmdlZA==", added: "YQ==" } })]);
    expect(problems).toEqual(["vm-1: Secret tenant/vm-1-cloud-init's data decrypted from its SealedSecret differs from the backup (keys: added, extra, userData)"]);
    expect(problems.join()).not.toMatch(/b3JpZ2luYWw=|Y2hhbmdlZA==|YQ==|eA==/);
  });

  it("GIVEN a Secret no SealedSecret controls THEN its data is not this check's concern", () => {
    expect(sealedSecretDataProblems(saved, [object("Secret", "vm-1-cloud-init", { data: {} })])).toEqual([]);
  });
});

describe("Verify's uid check with a taken-over Secret", () => {
  const saved: OrderBackup = { order: "vm-1", objects: [object("Secret", "vm-1-cloud-init", { data: { userData: "eA==" } })] };
  const applied = (children: LiveObject[]) => (child: LiveObject) => appliedByArgoCd(children).includes(child);

  it("GIVEN the sealed-secrets controller updated the role's Secret (same uid, no tracking id) THEN no problem", () => {
    const children = [object("Secret", "vm-1-cloud-init", { owners: [SEALED_OWNER], data: { userData: "eA==" } })];
    expect(gitopsVerifyProblems(saved, children, applied(children))).toEqual([]);
  });

  it("GIVEN the Secret was re-created under its SealedSecret (another uid) THEN the batch fails naming both uids", () => {
    const children = [{ ...object("Secret", "vm-1-cloud-init", { owners: [SEALED_OWNER], data: { userData: "eA==" } }), metadata: { name: "vm-1-cloud-init", namespace: "tenant", uid: "new-uid", ownerReferences: [SEALED_OWNER] } }];
    expect(gitopsVerifyProblems(saved, children, applied(children))).toEqual(["vm-1: Secret tenant/vm-1-cloud-init was re-created (uid uid-vm-1-cloud-init → new-uid)"]);
  });
});
