import type { KeyObject } from "node:crypto";
import { Annotations, Labels, type ManagedBy } from "../api/well-known.ts";
import { formatFieldError } from "../domain/field-error.ts";
import { validateOrder, type Order } from "../domain/order.ts";
import { tenantNamespace } from "../domain/tenant.ts";
import type { KubeObject } from "../render/render-order.ts";
import { tenantNamespaceObject } from "../render/tenant-namespace-object.ts";
import type { Logger } from "../platform/logger.ts";
import { KubeApiError, objectPath, type KubeRestClient } from "../platform/kube/rest-client.ts";
import type { ObservationClock } from "../platform/database/index.ts";
import type { ClusterCache, RawObject } from "./cluster-cache.ts";
import type { DatabaseSink } from "./database-sink.ts";
import { childObservations, expectedChildren, observeChildren } from "./observe.ts";
import { KnownNamespaces } from "./known-namespaces.ts";
import { decideApplyPass } from "./plan/apply-pass.ts";
import { planApply } from "./plan/apply-plan.ts";
import { applyWaves } from "./plan/apply-waves.ts";
import { APPLY_GRACE_MS, RecentApplies } from "./recent-applies.ts";
import type { LiveChild } from "./plan/children.ts";
import { nextDeletionStep } from "./plan/deletion-plan.ts";
import { translateKeyedVersions } from "./status/keyed-versions.ts";
import { CONDITION_TYPES } from "./status/order-status.ts";
import { computeOrderStatus, statusEqual, toDatabaseRow, type BlockedChange, type OrderFacts, type OrderStatus } from "./status/index.ts";
import { HUB_REACHABLE_CONDITION, hubUnreachableStatus, HubReachableReasons, withHubReachable } from "./hubs/hub-order-status.ts";
import type { HubTarget } from "./hubs/hub-watch-sets.ts";

export const FIELD_MANAGER = "osac-vm-controller";
export const CONTROLLER_FINALIZER = "cloudkit.openshift.io/osac-vm-controller";
const ORDER_API_VERSION = "cloudkit.openshift.io/v1alpha1";
/** How often to look again while children are being deleted (events also wake the order). */
const DELETION_POLL_MS = 1_000;
const CACHE_SYNC_POLL_MS = 250;
/** Applies and deletes whose answer the reconciler does not read (the caches bring the objects). */
const DISCARD = { discardBody: true } as const;

export interface ReconcilerDeps {
  readonly cache: ClusterCache;
  readonly rest: KubeRestClient;
  readonly sink: DatabaseSink;
  readonly clock: ObservationClock;
  readonly logger: Logger;
  /** @default a RecentApplies with APPLY_GRACE_MS */
  readonly recentApplies?: RecentApplies;
  /** The sealing value key: reads the keyed config versions of sealed GitOps output (keyed-versions.ts). */
  readonly configVersionKey?: KeyObject;
  /** With hubs: where the children of an order placed on a hub are (docs/adr/0031-status-from-every-hub.md). */
  readonly hubs?: { target(hub: string): HubTarget };
}

/** The cluster an order's children are on: the management cluster's caches, or its hub's watch set. */
interface ChildrenSite {
  readonly cache: ClusterCache;
  readonly rest: KubeRestClient;
  /** The hub, when the children are on one. */
  readonly hub?: string;
}

/** cdk8s (~35 MB of modules) is loaded on the first apply: a gitops-only controller never needs it. */
let renderer: Promise<typeof import("../render/render-order.ts")> | undefined;
const loadRenderer = () => (renderer ??= import("../render/render-order.ts"));

/**
 * One order key → converge. `controller` orders: finalizer, server-side apply of the rendered
 * children, pruning, ordered deletion. `controller` and `gitops` orders: status into the order and
 * the database. `aap` or unset: not ours (only a stale finalizer of ours is released).
 */
/**
 * Every expected child is live with the order's config version and nothing else is labelled as
 * the order's: there is nothing to render or apply (the common case on every status event).
 */
function isConverged(order: Order, live: readonly LiveChild[]): boolean {
  const expected = expectedChildren(order.name, Boolean(order.parameters.sshPublicKey));
  const same = (a: { apiVersion: string; kind: string; name: string }, b: { apiVersion: string; kind: string; name: string }) =>
    a.apiVersion === b.apiVersion && a.kind === b.kind && a.name === b.name;
  return (
    live.length === expected.length &&
    expected.every((child) => live.some((l) => same(l, child) && !l.deleting && l.configVersion === order.desiredConfigVersion))
  );
}

export class OrderReconciler {
  /** uid and resourceVersion of orders seen, to mark them deleted once they are gone. */
  private readonly seen = new Map<string, { uid: string; resourceVersion: string }>();
  private readonly namespaces = new KnownNamespaces();
  private readonly recent: RecentApplies;

  constructor(private readonly deps: ReconcilerDeps) {
    this.recent = deps.recentApplies ?? new RecentApplies(APPLY_GRACE_MS);
  }

  async reconcile(key: string): Promise<{ requeueAfterMs?: number } | void> {
    // Never act on caches that have not listed yet: an empty child cache would look like a
    // finished deletion and release the finalizer too early.
    if (!this.deps.cache.synced) return { requeueAfterMs: CACHE_SYNC_POLL_MS };
    const observedAt = this.deps.clock.now();
    const raw = this.deps.cache.order(key);
    if (!raw) return this.forget(key, observedAt);
    const managedBy = raw.metadata.annotations?.[Annotations.managedBy] as ManagedBy | undefined;
    const finalizers = raw.metadata.finalizers ?? [];
    if (managedBy !== "controller") this.recent.forget(raw.metadata.uid ?? key);
    if (managedBy !== "controller" && managedBy !== "gitops") {
      if (finalizers.includes(CONTROLLER_FINALIZER)) await this.setFinalizer(raw, false);
      return;
    }
    this.seen.set(key, { uid: raw.metadata.uid ?? "", resourceVersion: raw.metadata.resourceVersion ?? "" });
    const hub = this.deps.hubs ? raw.metadata.annotations?.[Annotations.hub] : undefined;
    let site: ChildrenSite = { cache: this.deps.cache, rest: this.deps.rest };
    if (hub !== undefined) {
      const target = this.deps.hubs!.target(hub);
      if (target.state === "syncing") return { requeueAfterMs: CACHE_SYNC_POLL_MS };
      if (target.state === "unreachable") return this.writeHubUnreachable(raw, target, observedAt);
      site = { cache: target.cache, rest: target.rest, hub };
    }

    const validation = validateOrder(raw);
    const order = validation.value;
    const tenant = raw.metadata.annotations?.[Annotations.tenant];
    const childrenNamespace = order?.tenantNamespace ?? (tenant && raw.metadata.namespace ? tenantNamespace(raw.metadata.namespace, tenant) : undefined);
    const name = raw.metadata.name ?? "";
    let blocked: BlockedChange | undefined;
    let requeueAfterMs: number | undefined;

    // Namespace-scoped: children outside the tenant namespaces are neither seen nor writable. Say
    // so in the status; apply nothing, delete nothing, and keep any finalizer (the children stay).
    if (childrenNamespace && !site.cache.watchesTenantNamespace(childrenNamespace)) {
      const message = `the tenant namespace ${childrenNamespace} is not one this controller watches (--tenant-namespaces ${site.cache.tenantNamespaces?.join(",")}); add it to the chart's controller.watchNamespaces.tenants`;
      await this.writeStatus(site, raw, order, [message, ...validation.errors.map(formatFieldError)], childrenNamespace, undefined, observedAt, "TenantNamespaceNotWatched");
      return;
    }

    if (managedBy === "controller" && childrenNamespace) {
      if (raw.metadata.deletionTimestamp) {
        this.recent.forget(raw.metadata.uid ?? "");
        if (finalizers.includes(CONTROLLER_FINALIZER)) {
          const done = await this.deleteChildren(site, childrenNamespace, name);
          if (!done) requeueAfterMs = DELETION_POLL_MS;
          else {
            await this.writeStatus(site, raw, order, validation.errors.map(formatFieldError), childrenNamespace, undefined, observedAt);
            await this.setFinalizer(raw, false);
            return;
          }
        }
      } else {
        if (!finalizers.includes(CONTROLLER_FINALIZER)) await this.setFinalizer(raw, true);
        if (order) {
          const pass = await this.applyChildren(site, order, raw.metadata.uid ?? key);
          blocked = pass.blocked;
          // The children just applied (or applied moments ago) are on their way to the caches:
          // their events wake this order, and the status is written once they are there.
          if (pass.deferStatus && !blocked) return { requeueAfterMs: pass.requeueAfterMs ?? APPLY_GRACE_MS };
        }
      }
    }
    await this.writeStatus(site, raw, order, validation.errors.map(formatFieldError), childrenNamespace, blocked, observedAt);
    return requeueAfterMs ? { requeueAfterMs } : undefined;
  }

  private forget(key: string, observedAt: Date): void {
    const seen = this.seen.get(key);
    if (!seen) return;
    this.seen.delete(key);
    this.recent.forget(seen.uid);
    this.deps.sink.submitDeleted(seen.uid, seen.resourceVersion, observedAt);
  }

  /**
   * Direct apply, one pass (`decideApplyPass`): renders and applies only when the children are
   * not converged and were not applied moments ago. The tenant Namespace is applied only when this
   * process has not applied it yet; the rest goes in the renderer's sync waves, each wave's
   * objects concurrently. Returns a change that cannot be applied in place, if any, and whether
   * to hold the status back until the children are in the caches.
   */
  private async applyChildren(site: ChildrenSite, order: Order, uid: string): Promise<{ blocked?: BlockedChange; deferStatus: boolean; requeueAfterMs?: number }> {
    const observation = observeChildren(site.cache, order.tenantNamespace, order.name);
    const pass = decideApplyPass(isConverged(order, observation.live), this.recent.state(uid, order.desiredConfigVersion), APPLY_GRACE_MS);
    if (pass.forgetApply) this.recent.forget(uid);
    const result = { deferStatus: pass.deferStatus, ...(pass.requeueAfterMs !== undefined ? { requeueAfterMs: pass.requeueAfterMs } : {}) };
    if (!pass.apply) return result;

    const { renderOrder } = await loadRenderer();
    const desired: KubeObject[] = [
      tenantNamespaceObject({ name: order.tenantNamespace, tenant: order.tenant, orderNamespace: order.namespace }),
      ...renderOrder(order, { profile: "gitops", allowPlainSecrets: true }),
    ];
    const plan = planApply(desired, observation.live, order.desiredConfigVersion);
    const toApply = plan.apply.filter((object) => !(object.kind === "Namespace" && this.namespaces.has(object.metadata.name)));
    try {
      for (const wave of applyWaves(toApply)) {
        await Promise.all(wave.map((object) => site.rest.apply(objectPath(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name), object, FIELD_MANAGER, DISCARD)));
      }
    } catch (error) {
      this.namespaces.forget(order.tenantNamespace);
      throw error;
    }
    if (plan.apply.length > 0) this.namespaces.add(order.tenantNamespace);
    await Promise.all(plan.remove.map((child) => this.deleteObject(site, child.apiVersion, child.kind, child.namespace, child.name)));
    if (plan.apply.length > 0 || plan.remove.length > 0) {
      this.recent.record(uid, order.desiredConfigVersion);
      this.deps.logger.info(
        { kind: "VirtualMachine", namespace: order.namespace, name: order.name, applied: toApply.length, removed: plan.remove.length, configVersion: order.desiredConfigVersion },
        "Applied the order's children",
      );
    }
    return { ...result, ...(plan.blocked ? { blocked: plan.blocked } : {}), deferStatus: pass.deferStatus && (plan.apply.length > 0 || plan.remove.length > 0) };
  }

  /** One step of the role's deletion order; true once every child is gone. */
  private async deleteChildren(site: ChildrenSite, namespace: string, name: string): Promise<boolean> {
    const step = nextDeletionStep(observeChildren(site.cache, namespace, name).live);
    if (step.kind === "done") return true;
    if (step.kind === "delete") {
      for (const child of step.objects) await this.deleteObject(site, child.apiVersion, child.kind, child.namespace, child.name);
      this.deps.logger.info({ kind: step.objects[0]!.kind, namespace, order: name, count: step.objects.length }, "Deleted the order's children");
    }
    return false;
  }

  private async deleteObject(site: ChildrenSite, apiVersion: string, kind: string, namespace: string, name: string): Promise<void> {
    await site.rest.request("DELETE", objectPath(apiVersion, kind, namespace, name), { body: { propagationPolicy: "Background" }, allow404: true, ...DISCARD });
  }

  /** Adds or releases this controller's finalizer with server-side apply (other finalizers untouched). */
  private async setFinalizer(raw: RawObject, present: boolean): Promise<void> {
    const { namespace = "", name = "" } = raw.metadata;
    const body = { apiVersion: ORDER_API_VERSION, kind: "VirtualMachine", metadata: { name, namespace, finalizers: present ? [CONTROLLER_FINALIZER] : [] } };
    try {
      await this.deps.rest.apply(objectPath(ORDER_API_VERSION, "VirtualMachine", namespace, name), body, `${FIELD_MANAGER}-finalizer`, DISCARD);
    } catch (error) {
      if (!present && error instanceof KubeApiError && error.status === 404) return;
      throw error;
    }
  }

  /**
   * The order's hub cannot be watched: `HubReachable=False` and phase `Unknown` on its last known
   * status, nothing else. No child is applied or deleted, no finalizer released, and the database
   * row keeps the last observation from the hub (its `observed_at` says how old it is).
   */
  private async writeHubUnreachable(raw: RawObject, target: Extract<HubTarget, { state: "unreachable" }>, observedAt: Date): Promise<void> {
    const { name = "", namespace = "" } = raw.metadata;
    const previous = raw.status as OrderStatus | undefined;
    const reason = target.reason === "HubNotRegistered" ? HubReachableReasons.hubNotRegistered : HubReachableReasons.hubUnreachable;
    const status = hubUnreachableStatus(previous, { status: "False", reason, message: target.message }, raw.metadata.generation ?? 1, observedAt);
    if (statusEqual(previous, status)) return;
    const body = { apiVersion: ORDER_API_VERSION, kind: "VirtualMachine", metadata: { name, namespace }, status: withOwnConditions(status) };
    await this.deps.rest.apply(objectPath(ORDER_API_VERSION, "VirtualMachine", namespace, name, "status"), body, FIELD_MANAGER, DISCARD);
  }

  private async writeStatus(
    site: ChildrenSite,
    raw: RawObject,
    order: Order | undefined,
    errors: string[],
    childrenNamespace: string | undefined,
    blocked: BlockedChange | undefined,
    observedAt: Date,
    notAcceptedReason = "InvalidParameters",
  ): Promise<void> {
    const name = raw.metadata.name ?? "";
    const namespace = raw.metadata.namespace ?? "";
    const observation = childrenNamespace ? observeChildren(site.cache, childrenNamespace, name) : { live: [] };
    const facts: OrderFacts = {
      name,
      namespace,
      ...(raw.metadata.uid ? { uid: raw.metadata.uid } : {}),
      generation: raw.metadata.generation ?? 1,
      ...(raw.metadata.deletionTimestamp ? { deletionTimestamp: String(raw.metadata.deletionTimestamp) } : {}),
      ...(order ? { desiredConfigVersion: order.desiredConfigVersion } : {}),
      ...(raw.metadata.annotations?.[Annotations.tenant] ? { tenant: raw.metadata.annotations[Annotations.tenant] } : {}),
      ...(raw.metadata.labels?.[Labels.orderUuid] ? { orderUuid: raw.metadata.labels[Labels.orderUuid] } : {}),
    };
    const expected = order ? expectedChildren(name, Boolean(order.parameters.sshPublicKey)) : [];
    const versions = translateKeyedVersions(childObservations(expected, observation.live), order ? { namespace, name, desiredConfigVersion: order.desiredConfigVersion } : undefined, this.deps.configVersionKey);
    const previous = raw.status as OrderStatus | undefined;
    const computed = computeOrderStatus({
      order: facts,
      acceptance: errors.length === 0 ? { accepted: true } : { accepted: false, reason: notAcceptedReason, message: errors.join("\n") },
      children: versions.children,
      ...(versions.unverifiable ? { configVersionsUnverifiable: true } : {}),
      ...(observation.virtualMachine ? { virtualMachine: observation.virtualMachine } : {}),
      ...(observation.virtualMachineInstance ? { virtualMachineInstance: observation.virtualMachineInstance } : {}),
      ...(observation.dataVolume ? { dataVolume: observation.dataVolume } : {}),
      ...(observation.service ? { service: observation.service } : {}),
      ...(blocked ? { blocked } : {}),
      ...(previous ? { previous } : {}),
      now: observedAt,
    });
    const status = site.hub === undefined ? computed : withHubReachable(computed, { status: "True", reason: HubReachableReasons.watching, message: `watching hub '${site.hub}'` }, facts.generation, observedAt);
    // The row carries the order's resourceVersion that holds this status: after a status write,
    // the one the write produced, so the write's own watch event finds the row already written.
    let resourceVersion = raw.metadata.resourceVersion ?? "";
    if (!statusEqual(previous, status)) {
      const body = { apiVersion: ORDER_API_VERSION, kind: "VirtualMachine", metadata: { name, namespace }, status: withOwnConditions(status) };
      const answer = await this.deps.rest.apply<RawObject | undefined>(objectPath(ORDER_API_VERSION, "VirtualMachine", namespace, name, "status"), body, FIELD_MANAGER);
      resourceVersion = answer.body?.metadata?.resourceVersion ?? resourceVersion;
    }
    if (facts.uid) {
      this.deps.sink.submit(
        toDatabaseRow({ ...facts, uid: facts.uid }, status, {
          resourceVersion,
          observedAt,
          ...(observation.virtualMachine ? { virtualMachine: observation.virtualMachine } : {}),
        }, site.hub),
      );
    }
  }
}

/** The condition types the controller writes: its own status conditions and, for orders on a hub, HubReachable. */
const OWN_CONDITION_TYPES: readonly string[] = [...CONDITION_TYPES, HUB_REACHABLE_CONDITION];

/**
 * The status with only the controller's own conditions: the conditions are a map keyed by type,
 * and another writer's (the committer's Committed) stays that writer's, never applied back stale.
 */
function withOwnConditions(status: OrderStatus): OrderStatus {
  return { ...status, conditions: (status.conditions ?? []).filter((condition) => OWN_CONDITION_TYPES.includes(condition.type)) };
}
