import { describe, expect, it } from "vitest";
import { renderOrder, renderTenantNamespace } from "../../../src/render/render-order.ts";
import { PARITY_PARAMETERS, PARITY_SSH_KEY, validOrder } from "../../support/orders.ts";

const NS = "cloudkit-vm-orders-ntfv23cm4rd2e";
const ORDER_LABEL = { "cloudkit.openshift.io/virtualmachine": "vm-x7k2q" };

/** The role's objects for the PARITY.md order, written out from PARITY.md field by field. */
const ROLE_OBJECTS = [
  {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "vm-x7k2q-cloud-init", namespace: NS, labels: ORDER_LABEL },
    type: "Opaque",
    data: { userData: "I2Nsb3VkLWNvbmZpZw==" },
  },
  {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "vm-x7k2q-ssh-public-key", namespace: NS, labels: ORDER_LABEL },
    type: "Opaque",
    data: { "ssh-public-key": Buffer.from(PARITY_SSH_KEY).toString("base64") },
  },
  {
    apiVersion: "cdi.kubevirt.io/v1beta1",
    kind: "DataVolume",
    metadata: { name: "vm-x7k2q-root-disk", namespace: NS, labels: ORDER_LABEL },
    spec: {
      source: { registry: { url: "docker://quay.io/containerdisks/fedora:latest" } },
      pvc: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } }, storageClassName: "nfs-client" },
    },
  },
  {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: { name: "vm-x7k2q", namespace: NS, labels: ORDER_LABEL },
    spec: {
      running: true,
      template: {
        metadata: { labels: ORDER_LABEL },
        spec: {
          domain: {
            cpu: { cores: 4 },
            memory: { guest: "4Gi" },
            devices: {
              disks: [
                { name: "root-disk", disk: { bus: "virtio" } },
                { name: "cloud-init-disk", disk: { bus: "virtio" }, serial: "cloud-init" },
              ],
              interfaces: [{ name: "default", masquerade: {} }],
              rng: {},
            },
            features: {
              smm: { enabled: true },
              acpi: {},
              apic: {},
              hyperv: { relaxed: {}, vapic: {}, spinlocks: { spinlocks: 8191 } },
            },
          },
          networks: [{ name: "default", pod: {} }],
          volumes: [
            { name: "root-disk", dataVolume: { name: "vm-x7k2q-root-disk" } },
            { name: "cloud-init-disk", cloudInitNoCloud: { secretRef: { name: "vm-x7k2q-cloud-init" } } },
          ],
          accessCredentials: [
            {
              sshPublicKey: {
                source: { secret: { secretName: "vm-x7k2q-ssh-public-key" } },
                propagationMethod: { noCloud: {} },
              },
            },
          ],
        },
      },
    },
  },
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "vm-x7k2q-load-balancer", namespace: NS, labels: ORDER_LABEL },
    spec: {
      type: "LoadBalancer",
      selector: ORDER_LABEL,
      ports: [{ name: "tcp-22", port: 22, targetPort: 22, protocol: "TCP" }],
    },
  },
];

const parityOrder = validOrder(PARITY_PARAMETERS, { uuid: "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11" });

describe("aap-parity profile", () => {
  it("GIVEN the PARITY.md order and the role's storage class THEN it renders the role's objects, in the role's order", () => {
    const objects = renderOrder(parityOrder, { profile: "aap-parity", allowPlainSecrets: false, defaultStorageClass: "nfs-client" });
    expect(objects).toEqual(ROLE_OBJECTS);
  });

  it("GIVEN no SSH key THEN there is no key Secret and no access credentials", () => {
    const { ssh_public_key: _, ...withoutKey } = PARITY_PARAMETERS;
    const objects = renderOrder(validOrder(withoutKey), { profile: "aap-parity", allowPlainSecrets: false });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "Secret/vm-x7k2q-cloud-init",
      "DataVolume/vm-x7k2q-root-disk",
      "VirtualMachine/vm-x7k2q",
      "Service/vm-x7k2q-load-balancer",
    ]);
    const vm = objects[2] as unknown as { spec: { template: { spec: Record<string, unknown> } } };
    expect(vm.spec.template.spec).not.toHaveProperty("accessCredentials");
  });

  it("GIVEN no storage class anywhere THEN storageClassName is not rendered", () => {
    const objects = renderOrder(parityOrder, { profile: "aap-parity", allowPlainSecrets: false });
    const dataVolume = objects.find((o) => o.kind === "DataVolume") as unknown as { spec: { pvc: Record<string, unknown> } };
    expect(dataVolume.spec.pvc).not.toHaveProperty("storageClassName");
  });

  it("GIVEN the order names a storage class THEN it wins over the default", () => {
    const order = validOrder({ ...PARITY_PARAMETERS, storage_class: "fast-ssd" });
    const objects = renderOrder(order, { profile: "aap-parity", allowPlainSecrets: false, defaultStorageClass: "nfs-client" });
    const dataVolume = objects.find((o) => o.kind === "DataVolume") as unknown as { spec: { pvc: { storageClassName?: string } } };
    expect(dataVolume.spec.pvc.storageClassName).toBe("fast-ssd");
  });

  it("GIVEN several ports and a docker:// image THEN each port is named <proto>-<port> and the URL has one scheme", () => {
    const order = validOrder({ exposed_ports: "22/tcp, 53/udp,8080/tcp", image_source: "docker://quay.io/containerdisks/ubuntu:24.04" });
    const objects = renderOrder(order, { profile: "aap-parity", allowPlainSecrets: false });
    const service = objects.find((o) => o.kind === "Service") as unknown as { spec: { ports: unknown[] } };
    expect(service.spec.ports).toEqual([
      { name: "tcp-22", port: 22, targetPort: 22, protocol: "TCP" },
      { name: "udp-53", port: 53, targetPort: 53, protocol: "UDP" },
      { name: "tcp-8080", port: 8080, targetPort: 8080, protocol: "TCP" },
    ]);
    const dataVolume = objects.find((o) => o.kind === "DataVolume") as unknown as { spec: { source: { registry: { url: string } } } };
    expect(dataVolume.spec.source.registry.url).toBe("docker://quay.io/containerdisks/ubuntu:24.04");
  });
});

describe("gitops profile", () => {
  const objects = renderOrder(parityOrder, { profile: "gitops", allowPlainSecrets: false });
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind) as Array<Record<string, any>>;

  it("THEN it renders the same objects with the same names", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(
      ROLE_OBJECTS.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`),
    );
  });

  it("THEN the config version is the order's FNV-1a hash of its spec", () => {
    expect(parityOrder.desiredConfigVersion).toMatch(/^[0-9a-f]{16}$/);
    expect(parityOrder.desiredConfigVersion).not.toBe("1235a48e65b9b809");
  });

  it("THEN every child carries the order label, managed-by/part-of, the config version and a sync wave", () => {
    for (const object of objects as Array<Record<string, any>>) {
      expect(object.metadata.labels).toEqual({
        "cloudkit.openshift.io/virtualmachine": "vm-x7k2q",
        "app.kubernetes.io/managed-by": "osac-vm-gitops",
        "app.kubernetes.io/part-of": "osac",
      });
      expect(object.metadata.annotations["cloudkit.openshift.io/config-version"]).toBe(parityOrder.desiredConfigVersion);
      expect(object.metadata.annotations["argocd.argoproj.io/sync-wave"]).toMatch(/^-?\d+$/);
    }
  });

  it("THEN the DataVolume shares the VirtualMachine's sync wave (no WaitForFirstConsumer deadlock) and Secrets come first", () => {
    const wave = (kind: string) => Number(byKind(kind)[0]!.metadata.annotations["argocd.argoproj.io/sync-wave"]);
    expect(wave("DataVolume")).toBe(wave("VirtualMachine"));
    expect(wave("Secret")).toBeLessThan(wave("VirtualMachine"));
    expect(wave("Service")).toBeLessThanOrEqual(wave("VirtualMachine"));
  });

  it("THEN the VM uses runStrategy Always, not running, and a deterministic firmware UUID", () => {
    const [vm] = byKind("VirtualMachine");
    expect(vm!.spec.runStrategy).toBe("Always");
    expect(vm!.spec).not.toHaveProperty("running");
    const uuid = vm!.spec.template.spec.domain.firmware.uuid;
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    const again = renderOrder(parityOrder, { profile: "gitops", allowPlainSecrets: false });
    expect((again.find((o) => o.kind === "VirtualMachine") as any).spec.template.spec.domain.firmware.uuid).toBe(uuid);
  });

  it("GIVEN a pinned firmware UUID (cloudkit.openshift.io/firmware-uuid) THEN the VM renders it instead of the derived one, with the same config version", () => {
    const pin = "0b7e2c41-93f5-4d0a-8e6b-2f1c9d3a7e55";
    const pinnedOrder = { ...parityOrder, pinnedFirmwareUuid: pin };
    const pinnedVm = renderOrder(pinnedOrder, { profile: "gitops", allowPlainSecrets: false }).find((o) => o.kind === "VirtualMachine") as any;
    const [derivedVm] = byKind("VirtualMachine");
    expect(pinnedVm.spec.template.spec.domain.firmware.uuid).toBe(pin);
    expect(derivedVm!.spec.template.spec.domain.firmware.uuid).not.toBe(pin);
    expect(pinnedVm.metadata.annotations["cloudkit.openshift.io/config-version"]).toBe(derivedVm!.metadata.annotations["cloudkit.openshift.io/config-version"]);
  });

  it("THEN the DataVolume is kept after completion", () => {
    expect(byKind("DataVolume")[0]!.metadata.annotations["cdi.kubevirt.io/storage.deleteAfterCompletion"]).toBe("false");
  });

  it("THEN the DataVolume outlives its file in Git (never pruned or deleted by Argo CD, not OutOfSync once gone) and nothing else does", () => {
    const annotations = byKind("DataVolume")[0]!.metadata.annotations;
    expect(annotations["argocd.argoproj.io/sync-options"]).toBe("Prune=false,Delete=false");
    expect(annotations["argocd.argoproj.io/compare-options"]).toBe("IgnoreExtraneous");
    for (const kind of ["Secret", "VirtualMachine", "Service"]) {
      for (const object of byKind(kind)) {
        expect(object.metadata.annotations, `${kind} ${object.metadata.name}`).not.toHaveProperty(["argocd.argoproj.io/sync-options"]);
        expect(object.metadata.annotations, `${kind} ${object.metadata.name}`).not.toHaveProperty(["argocd.argoproj.io/compare-options"]);
      }
    }
  });

  it("THEN apart from the documented additions the objects equal the role's", () => {
    const strip = (object: Record<string, any>) => {
      const copy = structuredClone(object);
      delete copy.metadata.annotations;
      copy.metadata.labels = { "cloudkit.openshift.io/virtualmachine": copy.metadata.labels["cloudkit.openshift.io/virtualmachine"] };
      if (copy.kind === "VirtualMachine") {
        delete copy.spec.runStrategy;
        copy.spec = { running: true, ...copy.spec };
        delete copy.spec.template.spec.domain.firmware;
      }
      return copy;
    };
    const expected = structuredClone(ROLE_OBJECTS) as Array<Record<string, any>>;
    delete expected[2]!.spec.pvc.storageClassName;
    expect((objects as Array<Record<string, any>>).map(strip)).toEqual(expected);
  });

  it("THEN the tenant Namespace is labelled for the webhooks, never pruned by Argo CD, and not OutOfSync once its last order is gone", () => {
    const namespace = renderTenantNamespace({ name: NS, tenant: "my-tenant", orderNamespace: "cloudkit-vm-orders" }) as Record<string, any>;
    expect(namespace).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: NS,
        labels: {
          "cloudkit.openshift.io/tenant-namespace": "true",
          "app.kubernetes.io/managed-by": "osac-vm-gitops",
          "app.kubernetes.io/part-of": "osac",
        },
        annotations: {
          "cloudkit.openshift.io/tenant": "my-tenant",
          "cloudkit.openshift.io/order-namespace": "cloudkit-vm-orders",
          "argocd.argoproj.io/sync-wave": "-1",
          "argocd.argoproj.io/sync-options": "Prune=false,Delete=false",
          "argocd.argoproj.io/compare-options": "IgnoreExtraneous",
        },
      },
    });
  });
});
