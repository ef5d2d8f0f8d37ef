import type { RawObject } from "../../controller/cache/raw-object.ts";
import type { EventRecorder } from "../../platform/kube/event-recorder.ts";
import { objectPath, type KubeRestClient } from "../../platform/kube/rest-client.ts";
import type { Logger } from "../../platform/logger.ts";
import type { VdcView } from "../model/records.ts";
import { decideDeletedNamespace } from "../vdc/deletion.ts";
import type { KubeObject } from "../vdc/kube-object.ts";
import { ingressPortsOf, type ServicePortInput } from "../vdc/network-policy.ts";
import { vdcObjects } from "../vdc/vdc-objects.ts";
import type { SsvirtMetrics } from "./metrics.ts";
import type { VdcDirectory } from "./vdc-directory.ts";

/** The field manager of everything this controller applies. */
export const SSVIRT_FIELD_MANAGER = "osac-vm-ssvirt";

export interface VdcReconcilerDeps {
  readonly directory: VdcDirectory;
  /** LoadBalancer Services of a namespace (from the Service cache). */
  readonly loadBalancers: (namespace: string) => { readonly ports: readonly ServicePortInput[] }[];
  /** VirtualMachines and VirtualMachineInstances of a namespace (from the caches), by name. */
  readonly vmsIn: (namespace: string) => string[];
  readonly rest: KubeRestClient;
  readonly events: EventRecorder;
  readonly metrics: SsvirtMetrics;
  readonly logger: Logger;
}

type ReconcileResult = { requeueAfterMs?: number } | void;

/**
 * Keeps one VDC namespace as SSVirt's rows ask (key: the namespace name). A VDC that is not
 * deleted gets its Namespace, quota, limits and ingress policy server-side applied (again only when
 * they changed, or on a resync). A deleted VDC's namespace is deleted when it holds no VM — checked
 * in the caches, then once more against the API server right before the delete — and otherwise kept,
 * closed to new VMs, and reported (Event on the Namespace, log, metric). A namespace no row names
 * is never touched: a missing row is no evidence of a deletion.
 */
export class VdcReconciler {
  private readonly applied = new Map<string, string>();
  private readonly retained = new Map<string, string>();
  private readonly reportedForeign = new Set<string>();

  constructor(private readonly deps: VdcReconcilerDeps) {}

  /** Forget what was applied (a new leader re-applies everything once). */
  forget(): void {
    this.applied.clear();
    this.retained.clear();
    this.reportedForeign.clear();
  }

  get retainedCount(): number {
    return this.retained.size;
  }

  async reconcile(namespace: string, forced: boolean): Promise<ReconcileResult> {
    const entry = this.deps.directory.entry(namespace);
    if (!entry) {
      this.applied.delete(namespace);
      this.retained.delete(namespace);
      return;
    }
    if (entry.kind === "kept") {
      this.retained.delete(namespace);
      await this.apply(namespace, entry.view, forced);
      return;
    }
    const live = await this.deps.rest.request<RawObject | undefined>("GET", `/api/v1/namespaces/${encodeURIComponent(namespace)}`, { allow404: true });
    if (live.status === 404 || !live.body || live.body.metadata?.deletionTimestamp) {
      this.applied.delete(namespace);
      this.retained.delete(namespace);
      return;
    }
    const decision = decideDeletedNamespace({ vdcIds: entry.vdcIds, liveLabels: live.body.metadata.labels ?? {}, vms: this.deps.vmsIn(namespace) });
    if (decision.kind === "foreign") {
      if (!this.reportedForeign.has(namespace)) this.deps.logger.warn({ namespace, vdc: entry.view.vdc.id, reason: decision.reason }, "Left a namespace of a deleted VDC alone: it is not the VDC's");
      this.reportedForeign.add(namespace);
      return;
    }
    if (decision.kind === "retain") {
      await this.apply(namespace, entry.view, forced);
      this.reportRetained(namespace, entry.view, decision.vms, live.body.metadata.uid);
      return;
    }
    if (decision.kind === "remove") return this.remove(namespace, entry.view, live.body.metadata.uid);
  }

  private async apply(namespace: string, view: VdcView, forced: boolean): Promise<void> {
    const result = vdcObjects(view, ingressPortsOf(this.deps.loadBalancers(namespace)));
    const fingerprint = JSON.stringify(result.objects);
    if (!forced && this.applied.get(namespace) === fingerprint) return;
    for (const warning of result.warnings) this.deps.logger.warn({ namespace, vdc: view.vdc.id }, `Applied a VDC namespace without part of its quota: ${warning}`);
    const [namespaceObject, ...inside] = result.objects as [KubeObject, ...KubeObject[]];
    await this.applyObject(namespaceObject);
    await Promise.all(inside.map((object) => this.applyObject(object)));
    const changed = this.applied.has(namespace) ? "Updated" : "Applied";
    this.applied.set(namespace, fingerprint);
    this.deps.logger.info({ namespace, vdc: view.vdc.id, state: result.state }, `${changed} the VDC's namespace objects`);
  }

  private async applyObject(object: KubeObject): Promise<void> {
    await this.deps.rest.apply(objectPath(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name), object, SSVIRT_FIELD_MANAGER, { discardBody: true });
    this.deps.metrics.vdcApplies.inc({ kind: object.kind });
  }

  private reportRetained(namespace: string, view: VdcView, vms: readonly string[], uid: string | undefined): void {
    const summary = vms.join(", ");
    if (this.retained.get(namespace) === summary) return;
    this.retained.set(namespace, summary);
    const message = `VDC ${view.vdc.id} (${JSON.stringify(view.vdc.name)}) was deleted, but the namespace still holds ${vms.length} VM(s): ${summary}. It stays, closed to new VMs, until they are gone.`;
    this.deps.logger.warn({ namespace, vdc: view.vdc.id, vms: vms.length }, "Kept the namespace of a deleted VDC: it still holds VMs");
    this.deps.events.record({ apiVersion: "v1", kind: "Namespace", name: namespace, ...(uid ? { uid } : {}) }, "Warning", "VdcDeletedNamespaceRetained", message);
  }

  private async remove(namespace: string, view: VdcView, uid: string | undefined): Promise<ReconcileResult> {
    // The caches may lag a VM created a moment ago: ask the API server itself before deleting.
    for (const resource of ["virtualmachines", "virtualmachineinstances"]) {
      const list = await this.deps.rest.request<{ items?: unknown[] }>("GET", `/apis/kubevirt.io/v1/namespaces/${encodeURIComponent(namespace)}/${resource}?limit=1`, { allow404: true });
      if (list.status !== 404 && (list.body?.items?.length ?? 0) > 0) return { requeueAfterMs: 1_000 };
    }
    this.deps.events.record({ apiVersion: "v1", kind: "Namespace", name: namespace, ...(uid ? { uid } : {}) }, "Normal", "VdcNamespaceDeleted", `VDC ${view.vdc.id} (${JSON.stringify(view.vdc.name)}) was deleted and the namespace holds no VM: deleting it.`);
    await this.deps.events.drain();
    await this.deps.rest.request("DELETE", `/api/v1/namespaces/${encodeURIComponent(namespace)}`, {
      body: { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background", ...(uid ? { preconditions: { uid } } : {}) },
      allow404: true,
      discardBody: true,
    });
    this.applied.delete(namespace);
    this.retained.delete(namespace);
    this.deps.metrics.vdcNamespaceDeletions.inc();
    this.deps.logger.info({ namespace, vdc: view.vdc.id }, "Deleted the namespace of a deleted VDC: it held no VM");
  }
}
