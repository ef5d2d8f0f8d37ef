import { StorageV1Api, type KubeConfig, type V1StorageClass } from "@kubernetes/client-node";
import type { Logger } from "../platform/logger.ts";
import { SupervisedInformer } from "../platform/kube/supervised-informer.ts";
import { chooseDefaultStorageClass, summarizeStorageClass } from "./storage-class-choice.ts";
import type { StorageClassView } from "./admission/types.ts";
import type { WebhookMetrics } from "./metrics.ts";

/** StorageClasses as the admission decisions see them: from a watch, or nothing when standalone. */
export interface StorageClassSource extends StorageClassView {
  readonly synced: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Watches StorageClasses; the default is recomputed on every change, never fetched per request. */
export function watchedStorageClasses(kubeConfig: KubeConfig, logger: Logger, metrics: WebhookMetrics): StorageClassSource {
  const api = kubeConfig.makeApiClient(StorageV1Api);
  let names = new Set<string>();
  let chosen: ReturnType<typeof chooseDefaultStorageClass>;
  const informer: SupervisedInformer<V1StorageClass> = new SupervisedInformer<V1StorageClass>({
    kubeConfig,
    path: "/apis/storage.k8s.io/v1/storageclasses",
    list: () => api.listStorageClass(),
    logger,
    onChange: () => {
      const summaries = informer.list().map(summarizeStorageClass);
      names = new Set(summaries.map((s) => s.name));
      chosen = chooseDefaultStorageClass(summaries);
    },
    onRestart: () => metrics.watchRestarts.inc(),
  });
  return {
    get synced() {
      return informer.hasSynced;
    },
    start: () => informer.start(),
    stop: () => informer.stop(),
    defaultClass: () => chosen,
    exists: (name) => (informer.hasSynced ? names.has(name) : undefined),
  };
}

/** Without cluster access: no cluster default; only CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS applies. */
export function standaloneStorageClasses(): StorageClassSource {
  return {
    synced: true,
    start: async () => {},
    stop: async () => {},
    defaultClass: () => undefined,
    exists: () => undefined,
  };
}
