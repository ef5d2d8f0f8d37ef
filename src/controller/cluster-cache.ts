import type { KubeConfig } from "@kubernetes/client-node";
import { Labels } from "../api/well-known.ts";
import type { Logger } from "../platform/logger.ts";
import { listAllPages } from "../platform/kube/list-pages.ts";
import type { KubeRestClient } from "../platform/kube/rest-client.ts";
import { SupervisedInformer } from "../platform/kube/supervised-informer.ts";
import { TENANT_HASH_LENGTH } from "../domain/tenant.ts";
import { slimForCache, type CacheProjection } from "./cache/cache-transform.ts";
import type { RawObject } from "./cache/raw-object.ts";

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

/**
 * Supervised informers for every watched collection. Child events are mapped back to their order's
 * key: the tenant namespace is `<order namespace>-<13-character hash>` and the label value is the
 * order's name.
 */
export class ClusterCache {
  private readonly informers: Record<WatchedKind, SupervisedInformer<RawObject>>;

  constructor(deps: { kubeConfig: KubeConfig; rest: KubeRestClient; logger: Logger; onOrderKey: (key: string) => void; onWatchRestart: (kind: WatchedKind) => void }) {
    const make = (kind: WatchedKind, labelSelector?: string) => {
      const transform = (object: RawObject) => slimForCache(object, PROJECTIONS[kind]);
      const informer: SupervisedInformer<RawObject> = new SupervisedInformer<RawObject>({
        kubeConfig: deps.kubeConfig,
        path: WATCHED[kind],
        ...(labelSelector ? { labelSelector } : {}),
        list: () => listAllPages<RawObject>(deps.rest, WATCHED[kind], { ...(labelSelector ? { labelSelector } : {}), transform }),
        transform,
        logger: deps.logger.child({ watch: kind }),
        onChange: () => {},
        onEvent: (object) => {
          const key = kind === "orders" ? `${object.metadata.namespace}/${object.metadata.name}` : orderKeyOfChild(object);
          if (key) deps.onOrderKey(key);
        },
        onRestart: () => deps.onWatchRestart(kind),
      });
      return informer;
    };
    this.informers = {
      orders: make("orders"),
      virtualMachines: make("virtualMachines", Labels.order),
      virtualMachineInstances: make("virtualMachineInstances", Labels.order),
      dataVolumes: make("dataVolumes", Labels.order),
      services: make("services", Labels.order),
      secrets: make("secrets", Labels.order),
    };
  }

  async start(): Promise<void> {
    await Promise.all(Object.values(this.informers).map((informer) => informer.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.informers).map((informer) => informer.stop()));
  }

  get synced(): boolean {
    return Object.values(this.informers).every((informer) => informer.hasSynced);
  }

  order(key: string): RawObject | undefined {
    const [namespace, name] = key.split("/");
    return name === undefined ? undefined : this.informers.orders.get(name, namespace);
  }

  orderKeys(): string[] {
    return this.informers.orders.list().map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
  }

  get orderCount(): number {
    return this.informers.orders.list().length;
  }

  /** The live objects of one kind labelled as children of the order `name` in `tenantNamespace`. */
  children(kind: (typeof CHILD_KINDS)[number], tenantNamespace: string, name: string): RawObject[] {
    return this.informers[kind].list(tenantNamespace).filter((o) => o.metadata.labels?.[Labels.order] === name);
  }
}

export function orderKeyOfChild(object: RawObject): string | undefined {
  const namespace = object.metadata.namespace ?? "";
  const name = object.metadata.labels?.[Labels.order];
  if (!name || namespace.length <= TENANT_HASH_LENGTH + 1) return undefined;
  return `${namespace.slice(0, -(TENANT_HASH_LENGTH + 1))}/${name}`;
}
