// The tests play the controllers the harness does not run, by writing what they write: KubeVirt's
// mutating webhook (the fields it defaults into every new VM, as an update by another manager),
// KubeVirt's VM controller and CDI (status), and a load-balancer provider (Service ingress).
import { randomUUID } from "node:crypto";
import type * as k8s from "@kubernetes/client-node";
import { rawRequest, type KubeObject } from "../../e2e/support/kube.ts";

const VMS = (ns: string) => `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines`;
const DVS = (ns: string) => `/apis/cdi.kubevirt.io/v1beta1/namespaces/${ns}/datavolumes`;
const SERVICES = (ns: string) => `/api/v1/namespaces/${ns}/services`;

async function mergePatch(kc: k8s.KubeConfig, path: string, patch: unknown, fieldManager: string): Promise<KubeObject> {
  const res = await rawRequest(kc, "PATCH", `${path}?fieldManager=${fieldManager}&fieldValidation=Strict`, JSON.stringify(patch), "application/merge-patch+json");
  if (res.status !== 200) throw new Error(`PATCH ${path} as ${fieldManager}: HTTP ${res.status}: ${res.body.slice(0, 500)}`);
  return JSON.parse(res.body) as KubeObject;
}

export async function getObject(kc: k8s.KubeConfig, path: string): Promise<KubeObject | undefined> {
  const res = await rawRequest(kc, "GET", path);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body) as KubeObject;
}

export const vmPath = (ns: string, name: string) => `${VMS(ns)}/${name}`;
export const dataVolumePath = (ns: string, name: string) => `${DVS(ns)}/${name}`;
export const servicePath = (ns: string, name: string) => `${SERVICES(ns)}/${name}`;
export const secretPath = (ns: string, name: string) => `/api/v1/namespaces/${ns}/secrets/${name}`;

/** What KubeVirt's mutating webhook writes into every new VM that Git does not have (PITFALLS.md). */
export async function writeKubeVirtDefaults(kc: k8s.KubeConfig, ns: string, name: string): Promise<KubeObject> {
  return mergePatch(
    kc,
    vmPath(ns, name),
    {
      metadata: { annotations: { "kubevirt.io/pci-topology-version": "v3" } },
      spec: { template: { spec: { architecture: "amd64", domain: { machine: { type: "q35" }, firmware: { serial: randomUUID() } } } } },
    },
    "virt-api",
  );
}

/** KubeVirt's VM controller reporting a running, ready VM for the VM's current generation. */
export async function writeVmRunning(kc: k8s.KubeConfig, ns: string, name: string): Promise<void> {
  const vm = await getObject(kc, vmPath(ns, name));
  const generation = (vm?.metadata as { generation?: number } | undefined)?.generation ?? 1;
  await writeVmStatus(kc, ns, name, {
    printableStatus: "Running",
    ready: true,
    created: true,
    observedGeneration: generation,
    desiredGeneration: generation,
    conditions: [{ type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z") }],
  });
}

export async function writeVmStatus(kc: k8s.KubeConfig, ns: string, name: string, status: Record<string, unknown>): Promise<void> {
  await mergePatch(kc, `${vmPath(ns, name)}/status`, { status }, "virt-controller");
}

/** CDI reporting the DataVolume's phase (e.g. Succeeded, WaitForFirstConsumer). */
export async function writeDataVolumePhase(kc: k8s.KubeConfig, ns: string, name: string, phase: string, progress = phase === "Succeeded" ? "100.0%" : "N/A"): Promise<void> {
  await mergePatch(kc, `${dataVolumePath(ns, name)}/status`, { status: { phase, progress } }, "cdi-controller");
}

/** A load-balancer provider (MetalLB, a cloud) giving the Service an address. */
export async function writeServiceIngress(kc: k8s.KubeConfig, ns: string, name: string, ip: string): Promise<void> {
  await mergePatch(kc, `${servicePath(ns, name)}/status`, { status: { loadBalancer: { ingress: [{ ip }] } } }, "lb-controller");
}

/** Plays every controller for one order's children: DV imported, VM running, Service addressed. */
export async function playOrderReady(kc: k8s.KubeConfig, ns: string, order: string, ip: string): Promise<void> {
  await writeDataVolumePhase(kc, ns, `${order}-root-disk`, "Succeeded");
  await writeVmRunning(kc, ns, order);
  await writeServiceIngress(kc, ns, `${order}-load-balancer`, ip);
}
