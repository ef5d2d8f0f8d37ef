import { describe, expect, it } from "vitest";
import { instantiateForOrder, type InstanceTarget, type JsonObject, type ProcessedTemplate } from "../../../src/domain/openshift-template/index.ts";

const TARGET: InstanceTarget = {
  namespace: "orders-abc",
  orderName: "vm-x7k2q",
  instanceUid: "e139475e-c5d4-5b87-bb85-6db403f2ef04",
  instanceName: "vm-x7k2q",
};
const LABELS = {
  "cloudkit.openshift.io/virtualmachine": "vm-x7k2q",
  "app.kubernetes.io/managed-by": "osac-vm-gitops",
  "template.openshift.io/template-instance-owner": "e139475e-c5d4-5b87-bb85-6db403f2ef04",
  "vapp.ssvirt": "vm-x7k2q",
};
const USER_DATA = "#cloud-config\nuser: fedora\npassword: abcd-efgh-ijkl\nchpasswd: { expire: False }";

function processed(objects: JsonObject[]): ProcessedTemplate {
  return { metadata: { name: "t" }, objects, parameters: [] };
}

function vm(volumes: JsonObject[], extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: { name: "vm-x7k2q", labels: { app: "vm-x7k2q" } },
    spec: { runStrategy: "Halted", template: { metadata: { labels: { "kubevirt.io/domain": "vm-x7k2q" } }, spec: { volumes } } },
    ...extra,
  };
}

describe("instantiating a processed Template for an order", () => {
  it("GIVEN a VM with inline cloud-init user data THEN it moves into a Secret and the VM references it", () => {
    const result = instantiateForOrder(processed([vm([{ name: "rootdisk", dataVolume: { name: "vm-x7k2q" } }, { name: "cloudinitdisk", cloudInitNoCloud: { userData: USER_DATA } }])]), TARGET);
    expect(result.errors).toEqual([]);
    expect(result.value!.secretsToSeal).toEqual([
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "vm-x7k2q-cloudinitdisk", namespace: "orders-abc", labels: LABELS },
        type: "Opaque",
        data: { userData: Buffer.from(USER_DATA).toString("base64") },
      },
    ]);
    expect(result.value!.objects).toEqual([
      {
        apiVersion: "kubevirt.io/v1",
        kind: "VirtualMachine",
        metadata: { name: "vm-x7k2q", namespace: "orders-abc", labels: { app: "vm-x7k2q", ...LABELS } },
        spec: {
          runStrategy: "Halted",
          template: {
            metadata: { labels: { "kubevirt.io/domain": "vm-x7k2q", "cloudkit.openshift.io/virtualmachine": "vm-x7k2q" } },
            spec: {
              volumes: [
                { name: "rootdisk", dataVolume: { name: "vm-x7k2q" } },
                { name: "cloudinitdisk", cloudInitNoCloud: { secretRef: { name: "vm-x7k2q-cloudinitdisk" } } },
              ],
            },
          },
        },
      },
    ]);
    expect(JSON.stringify(result.value!.objects)).not.toContain("abcd-efgh-ijkl");
  });

  it("GIVEN config-drive, base64 user data and network data THEN user data moves, network data stays", () => {
    const encoded = Buffer.from(USER_DATA).toString("base64");
    const result = instantiateForOrder(
      processed([vm([{ name: "ci", cloudInitConfigDrive: { userDataBase64: encoded, networkData: "version: 2" } }])]),
      TARGET,
    );
    const volume = ((((result.value!.objects[0]!.spec as JsonObject).template as JsonObject).spec as JsonObject).volumes as JsonObject[])[0];
    expect(volume).toEqual({ name: "ci", cloudInitConfigDrive: { networkData: "version: 2", secretRef: { name: "vm-x7k2q-ci" } } });
    expect(result.value!.secretsToSeal[0]!.data).toEqual({ userData: encoded });
  });

  it("GIVEN a VirtualMachineInstance THEN its spec.volumes are handled the same way", () => {
    const vmi: JsonObject = { apiVersion: "kubevirt.io/v1", kind: "VirtualMachineInstance", metadata: { name: "vmi-1" }, spec: { volumes: [{ name: "c", cloudInitNoCloud: { userData: "x" } }] } };
    const result = instantiateForOrder(processed([vmi]), TARGET);
    expect(result.value!.secretsToSeal.map((s) => (s.metadata as JsonObject).name)).toEqual(["vmi-1-c"]);
    expect((result.value!.objects[0]!.spec as JsonObject).volumes).toEqual([{ name: "c", cloudInitNoCloud: { secretRef: { name: "vmi-1-c" } } }]);
  });

  it("GIVEN a VM whose cloud-init already uses a secretRef THEN nothing moves", () => {
    const result = instantiateForOrder(processed([vm([{ name: "c", cloudInitNoCloud: { secretRef: { name: "mine" }, userData: null } }])]), TARGET);
    expect(result.errors).toEqual([]);
    expect(result.value!.secretsToSeal).toEqual([]);
  });

  it.each([
    ["both userData and userDataBase64", { userData: "a", userDataBase64: "YQ==" }, "only one"],
    ["secretRef beside inline user data", { userData: "a", secretRef: { name: "x" } }, "only one of userData, userDataBase64 and secretRef"],
    ["non-canonical base64", { userDataBase64: "YQ" }, "canonical standard base64"],
    ["a number as user data", { userData: 5 }, "must be a string"],
  ] as [string, JsonObject, string][])("GIVEN %s THEN InvalidCloudInit, never quoting the data", (_name, source, message) => {
    const result = instantiateForOrder(processed([vm([{ name: "c", cloudInitNoCloud: source }])]), TARGET);
    expect(result.value).toBeUndefined();
    expect(result.errors[0]).toMatchObject({ code: "InvalidCloudInit" });
    expect(result.errors[0]!.field).toMatch(/^objects\[0\]\.spec\.template\.spec\.volumes\[0\]\.cloudInitNoCloud/);
    expect(result.errors[0]!.message).toContain(message);
    expect(result.errors[0]).not.toHaveProperty("value");
  });

  it("GIVEN objects of other kinds THEN they get namespace and labels, nothing else", () => {
    const config: JsonObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { userData: "not cloud-init" } };
    const result = instantiateForOrder(processed([config]), TARGET);
    expect(result.value!.objects).toEqual([{ ...config, metadata: { name: "c", namespace: "orders-abc", labels: LABELS } }]);
    expect(result.value!.secretsToSeal).toEqual([]);
  });

  it("GIVEN an object in another namespace THEN ForeignNamespace; the order's own namespace is accepted", () => {
    const foreign: JsonObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "kube-system" } };
    const own: JsonObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "d", namespace: "orders-abc" } };
    const result = instantiateForOrder(processed([own, foreign]), TARGET);
    expect(result.errors).toEqual([
      expect.objectContaining({ code: "ForeignNamespace", field: "objects[1].metadata.namespace", value: "kube-system" }),
    ]);
    expect(instantiateForOrder(processed([own]), TARGET).errors).toEqual([]);
  });

  it("GIVEN a template label of the same key THEN the instance's label wins", () => {
    const object: JsonObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", labels: { "app.kubernetes.io/managed-by": "someone" } } };
    expect((instantiateForOrder(processed([object]), TARGET).value!.objects[0]!.metadata as JsonObject).labels).toEqual(LABELS);
  });

  it.each([
    ["orderName", { orderName: "" }],
    ["instanceName", { instanceName: "urn:vcloud:vapp:1" }],
    ["instanceUid", { instanceUid: "x".repeat(64) }],
  ] as [string, Partial<InstanceTarget>][])("GIVEN an invalid %s THEN InvalidInstance", (field, change) => {
    const result = instantiateForOrder(processed([]), { ...TARGET, ...change });
    expect(result.errors).toMatchObject([{ code: "InvalidInstance", field }]);
  });

  it("GIVEN the processed Template THEN it is not changed", () => {
    const given = processed([vm([{ name: "c", cloudInitNoCloud: { userData: USER_DATA } }])]);
    const before = JSON.stringify(given);
    instantiateForOrder(given, TARGET);
    expect(JSON.stringify(given)).toBe(before);
  });
});
