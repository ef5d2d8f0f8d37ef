import type { KubeConfig } from "@kubernetes/client-node";
import { Labels } from "../api/well-known.ts";
import type { Logger } from "../platform/logger.ts";
import { listAllPages } from "../platform/kube/list-pages.ts";
import type { KubeRestClient } from "../platform/kube/rest-client.ts";
import { SupervisedInformer } from "../platform/kube/supervised-informer.ts";
import { TENANT_HASH_LENGTH } from "../domain/tenant.ts";
import { slimForCache, type CacheProjection } from "./cache/cache-transform.ts";
import type { RawObject } from "./cache/raw-object.ts";
import type { WatchScope } from "./config.ts";

export type { RawObject } from "./cache/raw-object.ts";

/** The collections the controller watches: orders, and the children labelled with their order. */
export const WATCHED = {
  orders: "/apis/cloudkit.openshift.io/v1alpha1/virtualmachines",
  virtualMachines: "/apis/kubevirt.io/v1/virtualmachines",
  virtualMachineInstances: "/apis/kubevirt.io/v1/virtualmachineinstances",
  dataVolumes: "/apis/cdi.kubevirt.io/v1beta1/datavolumes",
  services: "/api/v1/services",
  secrets: "/api/v1/secrets",
} as const;
export type WatchedKind = keyof typeof WATCHED;

/** What the caches keep of each collection: only what the reconciler reads (see `slimForCache`). */
export const PROJECTIONS: Record<WatchedKind, CacheProjection> = {
  orders: "whole",
  virtualMachines: "metadataAndStatus",
  virtualMachineInstances: "metadataAndStatus",
  dataVolumes: "metadataStatusAndSpec",
  services: "metadataAndStatus",
  secrets: "metadataOnly",
};
const CHILD_KINDS = ["virtualMachines", "virtualMachineInstances", "dataVolumes", "services", "secrets"] as const;
/** Key of the one informer of a kind watched cluster-wide. */
const ALL_NAMESPACES = "";

/** `/apis/g/v/things` in `namespace` → `/apis/g/v/namespaces/<namespace>/things`. */
export function namespacedCollectionPath(collectionPath: string, namespace: string): string {
  const slash = collectionPath.lastIndexOf("/");
  return `${collectionPath.slice(0, slash)}/namespaces/${namespace}${collectionPath.slice(slash)}`;
}

/**
 * Supervised informers for every watched collection: one per kind cluster-wide, or, with a
 * `scope`, one per kind and namespace (orders in the order namespaces, children in the tenant
 * namespaces). Child events are mapped back to their order's key: the tenant namespace is
 * `<order namespace>-<13-character hash>` and the label value is the order's name.
 */
export class ClusterCache {
  /** Per kind: informers by namespace (ALL_NAMESPACES when cluster-wide). */
  private readonly informers: Record<WatchedKind, Map<string, SupervisedInformer<RawObject>>>;
  private readonly scope: WatchScope | undefined;

  constructor(deps: {
    kubeConfig: KubeConfig;
    rest: KubeRestClient;
    logger: Logger;
    onOrderKey: (key: string) => void;
    onWatchRestart: (kind: WatchedKind) => void;
    scope?: WatchScope;
    /** false: children only (a hub's watch set; the orders live on the management cluster). @default true */
    watchOrders?: boolean;
  }) {
    this.scope = deps.scope;
    const makeOne = (kind: WatchedKind, namespace: string, labelSelector?: string) => {
      const transform = (object: RawObject) => slimForCache(object, PROJECTIONS[kind]);
      const path = namespace === ALL_NAMESPACES ? WATCHED[kind] : namespacedCollectionPath(WATCHED[kind], namespace);
      const informer: SupervisedInformer<RawObject> = new SupervisedInformer<RawObject>({
        kubeConfig: deps.kubeConfig,
        path,
        ...(labelSelector ? { labelSelector } : {}),
        list: () => listAllPages<RawObject>(deps.rest, path, { ...(labelSelector ? { labelSelector } : {}), transform }),
        transform,
        logger: deps.logger.child(namespace === ALL_NAMESPACES ? { watch: kind } : { watch: kind, namespace }),
        onChange: () => {},
        onEvent: (object) => {
          const key = kind === "orders" ? `${object.metadata.namespace}/${object.metadata.name}` : orderKeyOfChild(object);
          if (key) deps.onOrderKey(key);
        },
        onRestart: () => deps.onWatchRestart(kind),
      });
      return informer;
    };
    const make = (kind: WatchedKind, labelSelector?: string) => {
      const namespaces = !this.scope ? [ALL_NAMESPACES] : kind === "orders" ? this.scope.orderNamespaces : this.scope.tenantNamespaces;
      return new Map(namespaces.map((namespace) => [namespace, makeOne(kind, namespace, labelSelector)]));
    };
    this.informers = {
      orders: deps.watchOrders === false ? new Map() : make("orders"),
      virtualMachines: make("virtualMachines", Labels.order),
      virtualMachineInstances: make("virtualMachineInstances", Labels.order),
      dataVolumes: make("dataVolumes", Labels.order),
      services: make("services", Labels.order),
      secrets: make("secrets", Labels.order),
    };
  }

  private all(): SupervisedInformer<RawObject>[] {
    return Object.values(this.informers).flatMap((byNamespace) => [...byNamespace.values()]);
  }

  /** The informer of `kind` that sees `namespace`, if any. */
  private informerFor(kind: WatchedKind, namespace: string): SupervisedInformer<RawObject> | undefined {
    return this.informers[kind].get(ALL_NAMESPACES) ?? this.informers[kind].get(namespace);
  }

  async start(): Promise<void> {
    await Promise.all(this.all().map((informer) => informer.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((informer) => informer.stop()));
  }

  get synced(): boolean {
    return this.all().every((informer) => informer.hasSynced);
  }

  /** Whether children in `namespace` are watched (always, without a scope). */
  watchesTenantNamespace(namespace: string): boolean {
    return this.informerFor("secrets", namespace) !== undefined;
  }

  /** The tenant namespaces of the scope (undefined: cluster-wide). */
  get tenantNamespaces(): readonly string[] | undefined {
    return this.scope?.tenantNamespaces;
  }

  order(key: string): RawObject | undefined {
    const [namespace, name] = key.split("/");
    if (namespace === undefined || name === undefined) return undefined;
    return this.informerFor("orders", namespace)?.get(name, namespace);
  }

  private orders(): RawObject[] {
    return [...this.informers.orders.values()].flatMap((informer) => informer.list());
  }

  orderKeys(): string[] {
    return this.orders().map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
  }

  get orderCount(): number {
    return this.orders().length;
  }

  /** The live objects of one kind labelled as children of the order `name` in `tenantNamespace`. */
  children(kind: (typeof CHILD_KINDS)[number], tenantNamespace: string, name: string): RawObject[] {
    return (this.informerFor(kind, tenantNamespace)?.list(tenantNamespace) ?? []).filter((o) => o.metadata.labels?.[Labels.order] === name);
  }
}

export function orderKeyOfChild(object: RawObject): string | undefined {
  const namespace = object.metadata.namespace ?? "";
  const name = object.metadata.labels?.[Labels.order];
  if (!name || namespace.length <= TENANT_HASH_LENGTH + 1) return undefined;
  return `${namespace.slice(0, -(TENANT_HASH_LENGTH + 1))}/${name}`;
}
