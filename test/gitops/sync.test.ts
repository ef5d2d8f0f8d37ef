// Proofs 1 and 2 of issue 13 on a real Argo CD: `osac-vm render` of the example orders, committed
// to a real Git server, synced by the example Application (only repoURL substituted): Synced and
// Healthy, objects created in the order of their sync waves; then no drift under Server-Side Diff
// once the project's webhook has set the DataVolume class and KubeVirt's webhook its defaults.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { REPO_ROOT } from "../../scripts/cluster/harness.ts";
import { adminKubeConfig, rawRequest } from "../e2e/support/kube.ts";
import { ArgoApplications, describeApplication, exampleApplication, type Application } from "./support/argocd-app.ts";
import { dataVolumePath, getObject, playOrderReady, vmPath, writeKubeVirtDefaults } from "./support/play-kubevirt.ts";
import { RENDERED_DIR, RenderedRepo } from "./support/rendered-repo.ts";
import { FirstSeen, objectKey } from "./support/first-seen.ts";
import "./support/context.ts";

const ctx = inject("gitops");
const admin = adminKubeConfig(ctx.cluster);
const apps = new ArgoApplications(admin, ctx.argocd.controller.logFile);
const EXAMPLE = exampleApplication("osac-vm-orders", "unused").application.metadata.name;
let repo: RenderedRepo;
let tenantNamespaces: string[] = [];
/** Every rendered object: `Kind namespace/name` → its sync wave. */
let rendered: Map<string, { kind: string; namespace?: string; name: string; wave: number }>;
let synced: Application;
let commit: string;
const seen = new FirstSeen(admin);

beforeAll(async () => {
  repo = await RenderedRepo.create(ctx.git, "sync");
  repo.writeOrders(fs.readFileSync(path.join(REPO_ROOT, "examples/orders/orders.yaml"), "utf8"));
  await repo.render();
  commit = await repo.commitAndPush("Render the example orders");
  tenantNamespaces = fs.readdirSync(path.join(repo.work, RENDERED_DIR)).sort();
  rendered = repo.renderedObjects();
});

afterAll(async () => {
  seen.stop();
  repo?.dispose();
});

describe("GIVEN the rendered example orders in Git and the example Application", () => {
  it("THEN Argo CD syncs every object, in the order of the sync waves, and the Application is Synced", async () => {
    expect(tenantNamespaces).toHaveLength(3);
    seen.start(tenantNamespaces);
    const example = exampleApplication(EXAMPLE, repo.url);
    await apps.apply(example);
    synced = await apps.waitSynced(EXAMPLE, { revision: commit, timeoutMs: 120_000 });
    expect(synced.status?.operationState?.phase, describeApplication(synced)).toBe("Succeeded");
    const applied = synced.status?.operationState?.syncResult?.resources ?? [];
    expect(applied.filter((r) => r.status !== "Synced"), describeApplication(synced)).toEqual([]);
    expect(new Set(applied.map((r) => objectKey(r.kind, r.namespace || undefined, r.name)))).toEqual(new Set(rendered.keys()));

    await seen.waitFor(rendered.size, 10_000);
    const firstSeen = seen.times();
    const byWave = new Map<number, number[]>();
    for (const [key, object] of rendered) {
      const time = firstSeen.get(key);
      expect(time, `${key} was never seen`).toBeDefined();
      byWave.set(object.wave, [...(byWave.get(object.wave) ?? []), time!]);
    }
    const waves = [...byWave.keys()].sort((a, b) => a - b);
    expect(waves).toEqual([-1, 0, 1]);
    for (let i = 1; i < waves.length; i++) {
      const previousLast = Math.max(...byWave.get(waves[i - 1]!)!);
      const firstOfWave = Math.min(...byWave.get(waves[i]!)!);
      expect(firstOfWave, `wave ${waves[i]} started before wave ${waves[i - 1]} was complete`).toBeGreaterThan(previousLast);
    }
  });

  it("THEN, once KubeVirt, CDI and the load balancer report, the Application is Healthy", async () => {
    const app = await apps.get(EXAMPLE);
    expect(app?.status?.health?.status).not.toBe("Healthy"); // nothing has reported yet
    let ip = 10;
    for (const [, object] of rendered) {
      if (object.kind === "VirtualMachine") await playOrderReady(admin, object.namespace!, object.name, `192.0.2.${ip++}`);
    }
    const healthy = await apps.waitSynced(EXAMPLE, { revision: commit, health: "Healthy" });
    const judged = (healthy.status?.resources ?? []).filter((r) => ["VirtualMachine", "DataVolume", "Service"].includes(r.kind));
    expect(judged).toHaveLength(12);
    expect(judged.filter((r) => r.health?.status !== "Healthy"), describeApplication(healthy)).toEqual([]);
  });
});

describe("GIVEN the synced Application, the project's webhook and KubeVirt's defaults", () => {
  it("THEN the DataVolume class set by the webhook and KubeVirt's defaults show no drift through two hard refreshes", async () => {
    // The project's webhook set the class of every DataVolume whose order names none ...
    const vmx = [...rendered.values()].find((o) => o.kind === "DataVolume" && o.name === "vm-x7k2q-root-disk")!;
    const dataVolume = (await getObject(admin, dataVolumePath(vmx.namespace!, vmx.name))) as any;
    expect(dataVolume.spec.pvc.storageClassName).toBe("standard");
    const renderedText = fs.readFileSync(path.join(repo.work, RENDERED_DIR, vmx.namespace!, "vm-x7k2q.yaml"), "utf8");
    expect(renderedText).not.toContain("storageClassName");
    // ... and KubeVirt's webhook writes its defaults into every VM.
    for (const object of rendered.values()) {
      if (object.kind !== "VirtualMachine") continue;
      const vm = (await writeKubeVirtDefaults(admin, object.namespace!, object.name)) as any;
      expect(vm.spec.template.spec.architecture).toBe("amd64");
      expect(vm.spec.template.spec.domain.machine.type).toBe("q35");
    }
    const before = (await apps.get(EXAMPLE))!;
    for (const round of [1, 2]) {
      const app = await apps.refresh(EXAMPLE, "hard");
      expect(app.status?.sync?.status, `hard refresh ${round}:\n  ${describeApplication(app)}`).toBe("Synced");
      expect(app.status?.resources?.filter((r) => r.status !== "Synced"), `hard refresh ${round}`).toEqual([]);
      expect(app.status?.resources?.length).toBe(rendered.size);
    }
    // No sync ran (self-heal had nothing to heal), and the fields are still there.
    const after = (await apps.get(EXAMPLE))!;
    expect(after.status?.operationState?.finishedAt).toBe(before.status?.operationState?.finishedAt);
    for (const object of rendered.values()) {
      if (object.kind !== "VirtualMachine") continue;
      const vm = (await getObject(admin, vmPath(object.namespace!, object.name))) as any;
      expect(vm.spec.template.spec.architecture).toBe("amd64");
      expect(vm.metadata.annotations["kubevirt.io/pci-topology-version"]).toBe("v3");
    }
    const dvAfter = (await getObject(admin, dataVolumePath(vmx.namespace!, vmx.name))) as any;
    expect(dvAfter.spec.pvc.storageClassName).toBe("standard");
  });

  it("THEN the tenant Namespaces carry Argo CD's tracking annotation and were never created by anyone else", async () => {
    for (const ns of tenantNamespaces) {
      const res = await rawRequest(admin, "GET", `/api/v1/namespaces/${ns}`);
      const namespace = JSON.parse(res.body) as any;
      expect(namespace.metadata.annotations["argocd.argoproj.io/tracking-id"]).toMatch(new RegExp(`^${EXAMPLE}:/Namespace:.*/${ns}$`));
      expect(namespace.metadata.managedFields.map((m: any) => m.manager)).toContain("argocd-controller");
    }
  });
});
