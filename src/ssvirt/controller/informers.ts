import type { KubeConfig } from "@kubernetes/client-node";
import type { RawObject } from "../../controller/cache/raw-object.ts";
import { listAllPages } from "../../platform/kube/list-pages.ts";
import type { KubeRestClient } from "../../platform/kube/rest-client.ts";
import { SupervisedInformer } from "../../platform/kube/supervised-informer.ts";
import type { Logger } from "../../platform/logger.ts";
import { slimService, slimVirtualMachine, slimVirtualMachineInstance } from "./projections.ts";

export const SSVIRT_WATCHED = {
  virtualMachines: "/apis/kubevirt.io/v1/virtualmachines",
  virtualMachineInstances: "/apis/kubevirt.io/v1/virtualmachineinstances",
  services: "/api/v1/services",
} as const;
export type SsvirtWatchedKind = keyof typeof SSVIRT_WATCHED;

const PROJECTIONS: Record<SsvirtWatchedKind, (object: RawObject) => RawObject> = {
  virtualMachines: slimVirtualMachine,
  virtualMachineInstances: slimVirtualMachineInstance,
  services: slimService,
};

/**
 * The project's supervised informers on what the SSVirt controller reads, cluster-wide (a VM
 * belongs to SSVirt by its namespace or its row, not by a label it is sure to carry): KubeVirt VMs
 * and VMIs, and Services when the VDC namespaces are applied. Each object is slimmed before it is
 * cached; events outside VDC namespaces are dropped by the callers.
 */
export class SsvirtCaches {
  private readonly informers: Partial<Record<SsvirtWatchedKind, SupervisedInformer<RawObject>>> = {};

  constructor(deps: {
    readonly kubeConfig: KubeConfig;
    readonly rest: KubeRestClient;
    readonly logger: Logger;
    readonly kinds: readonly SsvirtWatchedKind[];
    readonly onEvent: (kind: SsvirtWatchedKind, object: RawObject, gone: boolean) => void;
    readonly onRestart: (kind: SsvirtWatchedKind) => void;
  }) {
    for (const kind of deps.kinds) {
      const transform = PROJECTIONS[kind];
      const informer: SupervisedInformer<RawObject> = new SupervisedInformer<RawObject>({
        kubeConfig: deps.kubeConfig,
        path: SSVIRT_WATCHED[kind],
        list: () => listAllPages<RawObject>(deps.rest, SSVIRT_WATCHED[kind], { transform }),
        transform,
        logger: deps.logger.child({ watch: kind }),
        onChange: () => {},
        // client-node removes a deleted object from the cache before it calls back.
        onEvent: (object) => deps.onEvent(kind, object, informer.get(object.metadata.name ?? "", object.metadata.namespace) === undefined),
        onRestart: () => deps.onRestart(kind),
      });
      this.informers[kind] = informer;
    }
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

  get(kind: SsvirtWatchedKind, namespace: string, name: string): RawObject | undefined {
    return this.informers[kind]?.get(name, namespace);
  }

  list(kind: SsvirtWatchedKind, namespace?: string): readonly RawObject[] {
    return this.informers[kind]?.list(namespace) ?? [];
  }
}
