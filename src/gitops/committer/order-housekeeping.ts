import type { RawObject } from "../../controller/cache/raw-object.ts";
import { WorkQueue, type ReconcileResult } from "../../controller/runtime/work-queue.ts";
import { toConditionMessage, toMetaTime } from "../../controller/status/conditions.ts";
import { Annotations, Labels } from "../../api/well-known.ts";
import { tenantNamespace } from "../../domain/tenant.ts";
import { childNames } from "../../domain/naming.ts";
import type { Logger } from "../../platform/logger.ts";
import { KubeApiError, objectPath, type KubeRestClient } from "../../platform/kube/rest-client.ts";
import { committedConditionOf, COMMITTED, parsePushedMessage, pushed, showsAlready, type CommittedValue } from "./committed-condition.ts";
import type { CommittedTarget } from "./loop-deps.ts";
import type { CommitterMetrics } from "./metrics.ts";
import { isGitopsOrder } from "./order-intent.ts";

export const FIELD_MANAGER = "osac-vm-committer";
export const COMMITTER_FINALIZER = "cloudkit.openshift.io/osac-vm-committer";
const ORDER_API_VERSION = "cloudkit.openshift.io/v1alpha1";
const DELETION_POLL_MS = 2_000;
const DISCARD = { discardBody: true } as const;

/**
 * Whether the order holds the committer's finalizer only until the branch holds none of its files:
 * it is being deleted, or it is no longer managed by gitops. Pure.
 */
export function awaitsRelease(raw: RawObject | undefined): boolean {
  if (!raw || !(raw.metadata.finalizers ?? []).includes(COMMITTER_FINALIZER)) return false;
  return Boolean(raw.metadata.deletionTimestamp) || !isGitopsOrder(raw);
}

export interface HousekeepingDeps {
  readonly rest: KubeRestClient;
  readonly orders: { get(key: string): RawObject | undefined };
  /** The commit loop's view: does the branch hold the order's files, is anything of it pending. */
  readonly loop: { hasFiles(key: string): boolean; isSettled(key: string): boolean };
  readonly logger: Logger;
  readonly metrics: CommitterMetrics;
  readonly concurrency: number;
}

/**
 * Everything the committer writes to the cluster, per order, level-based on a work queue: its
 * finalizer on every gitops order, the Committed condition (server-side apply on /status with
 * field manager osac-vm-committer: the conditions are a map keyed by type, so only this one is
 * ours), and the end of a deletion (docs/adr/0019): once the commit removing the order's files is
 * pushed and Argo CD has pruned the VirtualMachine, the root-disk DataVolume (which Argo CD never
 * prunes) is deleted and the finalizer released.
 */
export class OrderHousekeeping {
  private readonly targets = new Map<string, CommittedTarget>();
  private queue: WorkQueue | undefined;

  constructor(private readonly deps: HousekeepingDeps) {}

  start(): void {
    this.queue = new WorkQueue((key) => this.handle(key), { concurrency: this.deps.concurrency, maxBackoffMs: 30_000 }, {
      onError: (key, error, attempt, retryInMs) => this.deps.logger.warn({ order: key, err: (error as Error).message, attempt, retryInMs }, "Failed to update an order; will retry"),
    });
    this.queue.start();
  }

  async stop(): Promise<void> {
    const queue = this.queue;
    this.queue = undefined;
    await queue?.shutdown();
  }

  /** Looks at the order again (an order event). */
  touch(key: string): void {
    this.queue?.add(key);
  }

  /**
   * The commit loop settled these orders (commit-loop.ts onSettled): those whose finalizer waits on
   * the branch are looked at again. Everything else about an order follows its events.
   */
  settled(keys: Iterable<string>): void {
    for (const key of keys) if (awaitsRelease(this.deps.orders.get(key))) this.queue?.add(key);
  }

  setTargets(targets: ReadonlyMap<string, CommittedTarget>): void {
    for (const [key, target] of targets) {
      this.targets.set(key, target);
      this.queue?.add(key);
    }
  }

  private async handle(key: string): Promise<ReconcileResult> {
    const raw = this.deps.orders.get(key);
    if (!raw) {
      this.targets.delete(key);
      return;
    }
    const finalizers = raw.metadata.finalizers ?? [];
    const ours = finalizers.includes(COMMITTER_FINALIZER);
    const gitops = isGitopsOrder(raw);
    const deleting = Boolean(raw.metadata.deletionTimestamp);
    if (gitops && !deleting && !ours) await this.setFinalizer(raw, true);
    const target = this.targets.get(key);
    if (target && (gitops || ours)) await this.writeCondition(raw, target);
    // Being deleted, or no longer gitops: the finalizer goes once the branch holds none of its files
    // (when the loop settles the order after its push, it calls settled() for it).
    if (!awaitsRelease(raw)) return;
    if (!this.deps.loop.isSettled(key) || this.deps.loop.hasFiles(key)) return;
    if (deleting && gitops) {
      const waiting = await this.waitForPrune(raw);
      if (waiting) return { requeueAfterMs: DELETION_POLL_MS };
    }
    await this.setFinalizer(raw, false);
    this.targets.delete(key);
    this.deps.logger.info({ kind: "VirtualMachine", namespace: raw.metadata.namespace, name: raw.metadata.name }, "Released the committer's finalizer");
  }

  /**
   * While Argo CD has not pruned the VirtualMachine (and KubeVirt its instance), the disk is in
   * use: wait. Then delete the order's DataVolumes (label-selected in its tenant namespace).
   */
  private async waitForPrune(raw: RawObject): Promise<boolean> {
    const name = raw.metadata.name ?? "";
    const tenant = raw.metadata.annotations?.[Annotations.tenant];
    if (!tenant || !raw.metadata.namespace) return false;
    const namespace = tenantNamespace(raw.metadata.namespace, tenant);
    const vmName = childNames(name).virtualMachine;
    for (const kind of ["VirtualMachine", "VirtualMachineInstance"]) {
      const found = await this.deps.rest.request("GET", objectPath("kubevirt.io/v1", kind, namespace, vmName), { allow404: true, discardBody: true });
      if (found.status !== 404) return true;
    }
    const selector = encodeURIComponent(`${Labels.order}=${name}`);
    const list = await this.deps.rest.request<{ items?: RawObject[] }>("GET", `/apis/cdi.kubevirt.io/v1beta1/namespaces/${namespace}/datavolumes?labelSelector=${selector}`, { allow404: true });
    for (const dataVolume of list.body?.items ?? []) {
      if (dataVolume.metadata.deletionTimestamp) continue;
      await this.deps.rest.request("DELETE", objectPath("cdi.kubevirt.io/v1beta1", "DataVolume", namespace, dataVolume.metadata.name ?? ""), {
        body: { propagationPolicy: "Background" },
        allow404: true,
        ...DISCARD,
      });
      this.deps.logger.info({ kind: "DataVolume", namespace, name: dataVolume.metadata.name, order: `${raw.metadata.namespace}/${name}` }, "Deleted the deleted order's DataVolume");
    }
    return false;
  }

  private async writeCondition(raw: RawObject, target: CommittedTarget): Promise<void> {
    const current = committedConditionOf(raw.status?.conditions);
    const generation = raw.metadata.generation ?? 1;
    let value: CommittedValue;
    if (target.kind === "current") {
      // The file is current: a Pushed condition naming this version stays as it is (it names the
      // commit that wrote it); otherwise the tip that holds it is named.
      const shown = current?.reason === "Pushed" ? parsePushedMessage(current.message) : undefined;
      if (shown?.configVersion === target.configVersion && current?.status === "True") return;
      value = pushed(target.commit, target.configVersion);
    } else value = target.value;
    if (showsAlready(current, value, generation)) return;
    const { namespace = "", name = "" } = raw.metadata;
    const condition = {
      type: COMMITTED,
      status: value.status,
      reason: value.reason,
      message: toConditionMessage(value.message),
      lastTransitionTime: current && current.status === value.status ? current.lastTransitionTime : toMetaTime(new Date()),
      observedGeneration: generation,
    };
    const body = { apiVersion: ORDER_API_VERSION, kind: "VirtualMachine", metadata: { name, namespace }, status: { conditions: [condition] } };
    try {
      await this.deps.rest.apply(objectPath(ORDER_API_VERSION, "VirtualMachine", namespace, name, "status"), body, FIELD_MANAGER, DISCARD);
      this.deps.metrics.statusWrites.inc();
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return; // the order is gone
      throw error;
    }
  }

  /** Adds or releases the committer's finalizer with server-side apply (other finalizers untouched). */
  private async setFinalizer(raw: RawObject, present: boolean): Promise<void> {
    const { namespace = "", name = "" } = raw.metadata;
    const body = { apiVersion: ORDER_API_VERSION, kind: "VirtualMachine", metadata: { name, namespace, finalizers: present ? [COMMITTER_FINALIZER] : [] } };
    try {
      await this.deps.rest.apply(objectPath(ORDER_API_VERSION, "VirtualMachine", namespace, name), body, `${FIELD_MANAGER}-finalizer`, DISCARD);
    } catch (error) {
      if (!present && error instanceof KubeApiError && error.status === 404) return;
      throw error;
    }
  }
}
