import { describe, expect, it } from "vitest";
import { mutateDataVolume } from "../../../src/webhook/admission/index.ts";
import { applyJsonPatch } from "../../../src/webhook/admission/json-patch.ts";
import type { AdmissionDeps, AdmissionRequest } from "../../../src/webhook/admission/types.ts";

type Json = Record<string, unknown>;

/** The root disk as the gitops profile renders it (no class), plus what CDI's own defaulting may add. */
function dataVolume(claim: { pvc?: Json; storage?: Json } = { pvc: {} }): Json {
  const request = { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } };
  return {
    apiVersion: "cdi.kubevirt.io/v1beta1",
    kind: "DataVolume",
    metadata: {
      name: "vm-x7k2q-root-disk",
      namespace: "cloudkit-vm-orders-ntfv23cm4rd2e",
      labels: { "cloudkit.openshift.io/virtualmachine": "vm-x7k2q" },
      annotations: { "cdi.kubevirt.io/storage.deleteAfterCompletion": "false", "argocd.argoproj.io/sync-wave": "1" },
    },
    spec: {
      source: { registry: { url: "docker://quay.io/containerdisks/fedora:41" } },
      ...(claim.pvc === undefined ? {} : { pvc: { ...request, ...claim.pvc } }),
      ...(claim.storage === undefined ? {} : { storage: { ...request, ...claim.storage } }),
      futureField: { kept: true },
    },
  };
}

function review(operation: AdmissionRequest["operation"], object: unknown, extra: Partial<AdmissionRequest> & Json = {}): AdmissionRequest {
  return {
    uid: "9e4f1c2d-7b3a-4c5d-8e6f-222222222222",
    kind: { group: "cdi.kubevirt.io", version: "v1beta1", kind: "DataVolume" },
    resource: { group: "cdi.kubevirt.io", version: "v1beta1", resource: "datavolumes" },
    requestKind: { group: "cdi.kubevirt.io", version: "v1beta1", kind: "DataVolume" },
    requestResource: { group: "cdi.kubevirt.io", version: "v1beta1", resource: "datavolumes" },
    name: "vm-x7k2q-root-disk",
    namespace: "cloudkit-vm-orders-ntfv23cm4rd2e",
    operation,
    userInfo: { username: "system:serviceaccount:openshift-gitops:argocd-application-controller" },
    object,
    oldObject: null,
    dryRun: false,
    ...extra,
  } as AdmissionRequest;
}

function deps(overrides: { defaultClass?: string; warnings?: string[]; env?: string } = {}): AdmissionDeps {
  const defaultClass = "defaultClass" in overrides ? overrides.defaultClass : "standard";
  return {
    storageClasses: {
      defaultClass: () => (defaultClass === undefined ? undefined : { name: defaultClass, warnings: overrides.warnings ?? [] }),
      exists: () => true,
    },
    managedBy: { defaultMode: "aap" },
    ...(overrides.env === undefined ? {} : { envStorageClass: overrides.env }),
  };
}

/** Mutates, applies the patch to the raw object and proves a second round changes nothing. */
function mutated(object: Json, dependencies = deps()) {
  const decision = mutateDataVolume(review("CREATE", object), dependencies);
  expect(decision.allowed).toBe(true);
  const result = decision.patch ? (applyJsonPatch(object, decision.patch) as Json) : object;
  expect(mutateDataVolume(review("CREATE", result), dependencies).patch).toBeUndefined();
  return { decision, result };
}

describe("mutateDataVolume", () => {
  it.each([
    ["spec.pvc only", { pvc: {} }, "/spec/pvc/storageClassName"],
    ["spec.storage only", { storage: {} }, "/spec/storage/storageClassName"],
    ["both (CDI refuses it; pvc is the one the role renders)", { pvc: {}, storage: {} }, "/spec/pvc/storageClassName"],
  ])("GIVEN a CREATE with %s and no class THEN the cluster default is set there, and nothing else changes", (_case, claim, path) => {
    const object = dataVolume(claim);
    const { decision, result } = mutated(object);
    expect(decision).toStrictEqual({ allowed: true, warnings: [], patch: [{ op: "add", path, value: "standard" }] });
    const expected = structuredClone(object);
    const key = path.split("/")[2] as string;
    ((expected["spec"] as Json)[key] as Json)["storageClassName"] = "standard";
    expect(result).toStrictEqual(expected);
  });

  it("GIVEN CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS THEN it wins over the cluster default", () => {
    const { decision } = mutated(dataVolume(), deps({ env: "ceph-rbd" }));
    expect(decision.patch).toStrictEqual([{ op: "add", path: "/spec/pvc/storageClassName", value: "ceph-rbd" }]);
  });

  it("GIVEN several cluster defaults THEN the view's warning is passed through", () => {
    const { decision } = mutated(dataVolume(), deps({ defaultClass: "b", warnings: ['several default StorageClasses; chose the newest, "b"'] }));
    expect(decision.warnings).toEqual(['several default StorageClasses; chose the newest, "b"']);
  });

  it.each([
    ["a class", "fast"],
    ['"" (no class, in Kubernetes terms)', ""],
  ])("GIVEN a claim that names %s THEN it is left alone", (_case, storageClassName) => {
    expect(mutateDataVolume(review("CREATE", dataVolume({ pvc: { storageClassName } })), deps())).toStrictEqual({ allowed: true, warnings: [] });
    expect(mutateDataVolume(review("CREATE", dataVolume({ storage: { storageClassName } })), deps())).toStrictEqual({ allowed: true, warnings: [] });
  });

  it("GIVEN a null storageClassName THEN it counts as absent and is set", () => {
    const { result } = mutated(dataVolume({ pvc: { storageClassName: null } }));
    expect(((result["spec"] as Json)["pvc"] as Json)["storageClassName"]).toBe("standard");
  });

  it("GIVEN neither pvc nor storage THEN nothing changes (CDI reports it)", () => {
    expect(mutateDataVolume(review("CREATE", dataVolume({})), deps())).toStrictEqual({ allowed: true, warnings: [] });
  });

  it("GIVEN no class anywhere THEN the DataVolume is allowed unchanged with a short warning", () => {
    const decision = mutateDataVolume(review("CREATE", dataVolume()), deps({ defaultClass: undefined }));
    expect(decision).toStrictEqual({
      allowed: true,
      warnings: ["spec.pvc.storageClassName: not set and no default StorageClass; the volume may stay Pending"],
    });
  });

  it.each(["UPDATE", "DELETE", "CONNECT"] as const)("GIVEN a %s THEN it is allowed without a patch", (operation) => {
    const request = review(operation, operation === "UPDATE" ? dataVolume() : null, { oldObject: dataVolume() });
    expect(mutateDataVolume(request, deps())).toStrictEqual({ allowed: true, warnings: [] });
  });

  it("GIVEN an unexpected resource (a PVC) THEN it is allowed unchanged with a warning", () => {
    const request = review("CREATE", { apiVersion: "v1", kind: "PersistentVolumeClaim", spec: {} }, {
      kind: { group: "", version: "v1", kind: "PersistentVolumeClaim" },
      resource: { group: "", version: "v1", resource: "persistentvolumeclaims" },
    });
    expect(mutateDataVolume(request, deps())).toStrictEqual({
      allowed: true,
      warnings: ["admission: unexpected core/v1 persistentvolumeclaims (PersistentVolumeClaim); allowed unchecked"],
    });
  });

  it("GIVEN dryRun THEN the decision is the same as without", () => {
    expect(mutateDataVolume(review("CREATE", dataVolume(), { dryRun: true }), deps())).toStrictEqual(mutateDataVolume(review("CREATE", dataVolume()), deps()));
  });
});
