import type { KubeConfig } from "@kubernetes/client-node";
import { Annotations } from "../../api/well-known.ts";
import { orderWorkload, validateAnyOrder, type TemplateCatalog } from "../../domain/catalog-order/index.ts";
import { diskPart, vmPart, type DiskPart, type NamespaceWorkloads, type QuotaView, type VmPart, type Workload } from "../../domain/quota/index.ts";
import { tenantNamespace } from "../../domain/tenant.ts";
import { listAllPages } from "../../platform/kube/list-pages.ts";
import type { KubeRestClient } from "../../platform/kube/rest-client.ts";
import { SupervisedInformer } from "../../platform/kube/supervised-informer.ts";
import type { Logger } from "../../platform/logger.ts";
import { emptyWhenNotServed } from "../watch/not-served.ts";
import { withoutBookkeeping, type WatchedObject } from "../watch/watched-object.ts";
import type { QuotaSource } from "./quota-source.ts";

export const QUOTA_WATCHES = {
  resourceQuotas: "/api/v1/resourcequotas",
  virtualMachines: "/apis/kubevirt.io/v1/virtualmachines",
  dataVolumes: "/apis/cdi.kubevirt.io/v1beta1/datavolumes",
  orders: "/apis/cloudkit.openshift.io/v1alpha1/virtualmachines",
} as const;
type WatchName = keyof typeof QUOTA_WATCHES;

/** What the caches keep: quotas' hard and used, VMs and disks reduced to what they take, orders as written. */
type Slim = WatchedObject & { quota?: QuotaView; vm?: VmPart; disk?: DiskPart };

function slim(kind: WatchName, object: WatchedObject): Slim {
  const { name, namespace, resourceVersion, deletionTimestamp } = object.metadata;
  const head = { apiVersion: object.apiVersion, kind: object.kind, metadata: { name, namespace, resourceVersion, ...(deletionTimestamp ? { deletionTimestamp } : {}) } } as Slim;
  switch (kind) {
    case "resourceQuotas": {
      const spec = (object.spec ?? {}) as { hard?: Record<string, string>; scopes?: unknown[]; scopeSelector?: unknown };
      const status = (object.status ?? {}) as { used?: Record<string, string> };
      const scoped = (Array.isArray(spec.scopes) && spec.scopes.length > 0) || spec.scopeSelector !== undefined;
      return { ...head, quota: { name: name ?? "", hard: spec.hard ?? {}, used: status.used ?? {}, scoped } };
    }
    case "virtualMachines": {
      const part = vmPart(object);
      return part ? { ...head, vm: part } : head;
    }
    case "dataVolumes": {
      const part = diskPart(object);
      return part ? { ...head, disk: part } : head;
    }
    case "orders":
      return withoutBookkeeping(object);
  }
}

/**
 * Quota state from four supervised, cluster-wide watches (ADR 29): ResourceQuotas, KubeVirt VMs,
 * CDI DataVolumes and orders, each reduced on arrival to what quota checks read. Orders are
 * indexed by the namespace their objects go to; an order's workload is computed when a check
 * first needs it and kept until the order changes. A collection the cluster does not serve
 * (no KubeVirt or CDI) counts as empty.
 */
export function watchedQuotas(deps: { kubeConfig: KubeConfig; rest: KubeRestClient; logger: Logger; catalog: () => TemplateCatalog; onRestart: (watch: WatchName) => void }): QuotaSource & {
  start(): Promise<void>;
  stop(): Promise<void>;
} {
  const ordersByTarget = new Map<string, Map<string, Slim>>();
  const targetOf = new Map<string, string>();
  const workloads = new WeakMap<Slim, Workload>();

  const indexOrder = (order: Slim, verb: "add" | "update" | "delete") => {
    const key = `${order.metadata.namespace}/${order.metadata.name}`;
    const previous = targetOf.get(key);
    if (previous !== undefined) ordersByTarget.get(previous)?.delete(key);
    targetOf.delete(key);
    const tenant = order.metadata.annotations?.[Annotations.tenant];
    if (verb === "delete" || !tenant || !order.metadata.namespace) return;
    const target = tenantNamespace(order.metadata.namespace, tenant);
    targetOf.set(key, target);
    let orders = ordersByTarget.get(target);
    if (!orders) ordersByTarget.set(target, (orders = new Map()));
    orders.set(key, order);
  };

  const make = (kind: WatchName) => {
    const path = QUOTA_WATCHES[kind];
    const logger = deps.logger.child({ watch: kind });
    const transform = (object: WatchedObject) => slim(kind, object);
    return new SupervisedInformer<Slim>({
      kubeConfig: deps.kubeConfig,
      path,
      list: emptyWhenNotServed(() => listAllPages<Slim>(deps.rest, path, { transform }), logger, `the cluster does not serve ${path}; quota checks count none`),
      transform,
      logger,
      onChange: () => {},
      ...(kind === "orders" ? { onEvent: indexOrder } : {}),
      onRestart: () => deps.onRestart(kind),
      maxBackoffMs: 60_000,
    });
  };
  const informers: Record<WatchName, SupervisedInformer<Slim>> = {
    resourceQuotas: make("resourceQuotas"),
    virtualMachines: make("virtualMachines"),
    dataVolumes: make("dataVolumes"),
    orders: make("orders"),
  };

  const workloadOf = (order: Slim): Workload | undefined => {
    const known = workloads.get(order);
    if (known) return known;
    const result = validateAnyOrder(order, deps.catalog());
    if (!result.value) return undefined;
    const workload = orderWorkload(result.value);
    workloads.set(order, workload);
    return workload;
  };

  return {
    get synced() {
      return Object.values(informers).every((informer) => informer.hasSynced);
    },
    quotas: (namespace) => informers.resourceQuotas.list(namespace).flatMap((object) => (object.quota ? [object.quota] : [])),
    workloads: (namespace): NamespaceWorkloads => ({
      virtualMachines: new Map(informers.virtualMachines.list(namespace).flatMap((object) => (object.vm ? [[object.vm.name, object.vm] as const] : []))),
      dataVolumes: new Map(informers.dataVolumes.list(namespace).flatMap((object) => (object.disk ? [[object.disk.name, object.disk] as const] : []))),
      orders: [...(ordersByTarget.get(namespace)?.entries() ?? [])].flatMap(([key, order]) => {
        if (order.metadata.deletionTimestamp) return [];
        const workload = workloadOf(order);
        return workload ? [{ key, workload }] : [];
      }),
    }),
    start: async () => {
      await Promise.all(Object.values(informers).map((informer) => informer.start()));
    },
    stop: async () => {
      await Promise.all(Object.values(informers).map((informer) => informer.stop()));
    },
  };
}
