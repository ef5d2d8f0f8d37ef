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

/**
 * Every order, watched on every replica (a new leader starts warm). The managed-by annotation is
 * not selectable on the server, so all orders are listed and the committer looks only at gitops
 * ones (and at orders still carrying its finalizer).
 */
export class OrderCache {
  private readonly informer: SupervisedInformer<RawObject>;

  constructor(deps: { kubeConfig: KubeConfig; rest: KubeRestClient; logger: Logger; onKey: (key: string) => void; onRestart: () => void }) {
    this.informer = new SupervisedInformer<RawObject>({
      kubeConfig: deps.kubeConfig,
      path: ORDERS_PATH,
      list: () => listAllPages<RawObject>(deps.rest, ORDERS_PATH, { transform: slimOrder }),
      transform: slimOrder,
      logger: deps.logger.child({ watch: "orders" }),
      onChange: () => {},
      onEvent: (object) => deps.onKey(`${object.metadata.namespace}/${object.metadata.name}`),
      onRestart: deps.onRestart,
    });
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  get synced(): boolean {
    return this.informer.hasSynced;
  }

  get(key: string): RawObject | undefined {
    const slash = key.indexOf("/");
    return this.informer.get(key.slice(slash + 1), key.slice(0, slash));
  }

  keys(): string[] {
    return this.informer.list().map((order) => `${order.metadata.namespace}/${order.metadata.name}`);
  }

  get size(): number {
    return this.informer.list().length;
  }
}
