import type { KubeConfig } from "@kubernetes/client-node";
import type { RawObject } from "../../controller/cache/raw-object.ts";
import { slimForCache } from "../../controller/cache/cache-transform.ts";
import type { Logger } from "../../platform/logger.ts";
import { listAllPages } from "../../platform/kube/list-pages.ts";
import type { KubeRestClient } from "../../platform/kube/rest-client.ts";
import { SupervisedInformer } from "../../platform/kube/supervised-informer.ts";
import { COMMITTED } from "./committed-condition.ts";

export const ORDERS_PATH = "/apis/cloudkit.openshift.io/v1alpha1/virtualmachines";

/**
 * What the committer keeps of an order: metadata (without managedFields), the spec it renders,
 * and of the status only its own Committed condition (to write it only when it changes). Pure.
 */
export function slimOrder(object: RawObject): RawObject {
  const slim = slimForCache(object, "whole");
  if (!slim?.metadata) return slim;
  const conditions = (slim.status?.conditions as { type: string }[] | undefined)?.filter((condition) => condition.type === COMMITTED);
  const { status: _status, ...rest } = slim;
  return { ...rest, ...(conditions && conditions.length > 0 ? { status: { conditions } } : {}) } as RawObject;
}

/** The orders' collection: cluster-wide, or in one namespace. */
export const ordersPath = (namespace?: string) => (namespace ? `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${namespace}/virtualmachines` : ORDERS_PATH);

/**
 * Every order, watched on every replica (a new leader starts warm): cluster-wide, or with
 * --order-namespaces one watch per namespace (namespaced Roles then suffice). The managed-by
 * annotation is not selectable on the server, so all orders are listed and the committer looks
 * only at gitops ones (and at orders still carrying its finalizer).
 */
export class OrderCache {
  /** By namespace; the key "" is the cluster-wide watch. */
  private readonly informers = new Map<string, SupervisedInformer<RawObject>>();

  constructor(deps: { kubeConfig: KubeConfig; rest: KubeRestClient; logger: Logger; namespaces?: readonly string[]; onKey: (key: string) => void; onRestart: () => void }) {
    for (const namespace of deps.namespaces ?? [""]) {
      const path = ordersPath(namespace || undefined);
      this.informers.set(
        namespace,
        new SupervisedInformer<RawObject>({
          kubeConfig: deps.kubeConfig,
          path,
          list: () => listAllPages<RawObject>(deps.rest, path, { transform: slimOrder }),
          transform: slimOrder,
          logger: deps.logger.child({ watch: "orders", ...(namespace ? { namespace } : {}) }),
          onChange: () => {},
          onEvent: (object) => deps.onKey(`${object.metadata.namespace}/${object.metadata.name}`),
          onRestart: deps.onRestart,
        }),
      );
    }
  }

  async start(): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.stop()));
  }

  get synced(): boolean {
    return [...this.informers.values()].every((informer) => informer.hasSynced);
  }

  get(key: string): RawObject | undefined {
    const slash = key.indexOf("/");
    const namespace = key.slice(0, slash);
    return (this.informers.get("") ?? this.informers.get(namespace))?.get(key.slice(slash + 1), namespace);
  }

  private list(): RawObject[] {
    return [...this.informers.values()].flatMap((informer) => informer.list());
  }

  keys(): string[] {
    return this.list().map((order) => `${order.metadata.namespace}/${order.metadata.name}`);
  }

  get size(): number {
    return this.list().length;
  }
}
