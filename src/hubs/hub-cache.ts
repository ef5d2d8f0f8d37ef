import type { KubeConfig } from "@kubernetes/client-node";
import { HUBS_PATH, type Hub } from "../api/gitops/v1alpha1/hub.ts";
import { Labels, ORDER_PLURAL } from "../api/well-known.ts";
import { API_VERSION } from "../api/v1alpha1/types.ts";
import { listAllPages } from "../platform/kube/list-pages.ts";
import type { KubeRestClient } from "../platform/kube/rest-client.ts";
import { SupervisedInformer } from "../platform/kube/supervised-informer.ts";
import type { Logger } from "../platform/logger.ts";
import type { AllocationTally } from "./allocation-tally.ts";
import { hubModel, type HubModel } from "./hub-model.ts";
import { orderClaimObject, orderKey, uuidKey, type OrderClaimObject } from "./order-claims.ts";

export const ORDERS_PATH = `/apis/${API_VERSION}/${ORDER_PLURAL}`;

/** A Secret as the cache keeps it: its name, version and data (base64 values). */
export interface CachedSecret {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly resourceVersion?: string };
  readonly data?: Readonly<Record<string, string>>;
}

export type HubWatch = "hubs" | "secrets" | "orders";

export interface HubCacheOptions {
  readonly kubeConfig: KubeConfig;
  readonly rest: Pick<KubeRestClient, "request">;
  readonly logger: Logger;
  /**
   * Watch the Secrets of this namespace, where the kubeconfig Secrets live (the controller). The
   * webhook leaves it unset: it never reads a kubeconfig and needs no access to Secrets.
   */
  readonly secretsNamespace?: string;
  /** Feed this tally from a watch on the orders (slimmed to their claim). */
  readonly tally?: AllocationTally;
  /** Watch orders only in these namespaces (the controller's `--order-namespaces`); absent: everywhere. */
  readonly orderNamespaces?: readonly string[];
  /** A Hub was added, changed or deleted, or its kubeconfig Secret changed. */
  readonly onHubChanged?: (name: string) => void;
  readonly onWatchRestart?: (watch: HubWatch) => void;
}

/**
 * The hub registry as this process sees it, from supervised watches (never a request per
 * question): the Hub objects as typed models, optionally their kubeconfig Secrets, and optionally
 * the allocation tally from the orders. Shared by the admission webhook (placement), the hub
 * prober, and later the per-hub watch sets.
 */
export class HubCache {
  private readonly hubInformer: SupervisedInformer<Hub>;
  private readonly secretInformer: SupervisedInformer<CachedSecret & { metadata: { name: string } }> | undefined;
  private readonly orderInformers: SupervisedInformer<OrderClaimObject & { metadata: { name: string } }>[] = [];
  private readonly models = new Map<string, HubModel>();
  private sortedModels: readonly HubModel[] | undefined;

  constructor(private readonly options: HubCacheOptions) {
    const { kubeConfig, rest, logger } = options;
    const restart = (watch: HubWatch) => () => options.onWatchRestart?.(watch);
    this.hubInformer = new SupervisedInformer<Hub>({
      kubeConfig,
      path: HUBS_PATH,
      list: () => listAllPages<Hub>(rest, HUBS_PATH, { transform: withoutManagedFields }),
      transform: withoutManagedFields,
      logger: logger.child({ watch: "hubs" }),
      onChange: () => {},
      onEvent: (object) => this.hubEvent(object.metadata.name),
      onRestart: restart("hubs"),
    });
    if (options.secretsNamespace !== undefined) {
      const path = `/api/v1/namespaces/${encodeURIComponent(options.secretsNamespace)}/secrets`;
      const transform = (secret: any) => slimSecret(secret);
      this.secretInformer = new SupervisedInformer({
        kubeConfig,
        path,
        list: () => listAllPages(rest, path, { transform }),
        transform,
        logger: logger.child({ watch: "hub-secrets", namespace: options.secretsNamespace }),
        onChange: () => {},
        onEvent: (secret) => this.secretEvent(secret.metadata.name),
        onRestart: restart("secrets"),
      });
    }
    const tally = options.tally;
    if (tally !== undefined) {
      const paths = options.orderNamespaces?.map((namespace) => `/apis/${API_VERSION}/namespaces/${encodeURIComponent(namespace)}/${ORDER_PLURAL}`) ?? [ORDERS_PATH];
      for (const path of paths) this.orderInformers.push(this.tallyInformer(path, tally));
    }
  }

  /** A watch on one collection of orders, slimmed to their claims, feeding the tally. */
  private tallyInformer(path: string, tally: AllocationTally): SupervisedInformer<OrderClaimObject & { metadata: { name: string } }> {
    const { kubeConfig, rest, logger } = this.options;
    const transform = (order: any) => orderClaimObject(order) as OrderClaimObject & { metadata: { name: string } };
    const informer: SupervisedInformer<OrderClaimObject & { metadata: { name: string } }> = new SupervisedInformer({
      kubeConfig,
      path,
      list: () => listAllPages(rest, path, { transform }),
      transform,
      logger: logger.child({ watch: "orders" }),
      onChange: () => {},
      onEvent: (event) => {
        // The informer's cache already holds the state after this event: absent means deleted.
        const namespace = event.metadata.namespace ?? "";
        const current = informer.get(event.metadata.name, namespace);
        const uuid = event.metadata.labels?.[Labels.orderUuid];
        tally.observe(orderKey(namespace, event.metadata.name), current?.claim, uuid === undefined ? undefined : uuidKey(uuid));
      },
      onRestart: () => this.options.onWatchRestart?.("orders"),
    });
    return informer;
  }

  async start(): Promise<void> {
    await Promise.all([this.hubInformer.start(), this.secretInformer?.start(), ...this.orderInformers.map((informer) => informer.start())]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.hubInformer.stop(), this.secretInformer?.stop(), ...this.orderInformers.map((informer) => informer.stop())]);
  }

  /** Every watch has listed at least once. */
  get synced(): boolean {
    return this.hubInformer.hasSynced && (this.secretInformer?.hasSynced ?? true) && this.orderInformers.every((informer) => informer.hasSynced);
  }

  /** Every Hub, sorted by name. */
  hubs(): readonly HubModel[] {
    this.sortedModels ??= [...this.models.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return this.sortedModels;
  }

  hub(name: string): HubModel | undefined {
    return this.models.get(name);
  }

  /** The Hub object as last seen (for its status). */
  hubObject(name: string): Hub | undefined {
    return this.hubInformer.get(name);
  }

  /** The hub's kubeconfig Secret, when the cache watches Secrets and it exists. */
  kubeconfigSecret(hub: HubModel): CachedSecret | undefined {
    return this.secretInformer?.get(hub.kubeconfigSecret.name, this.options.secretsNamespace);
  }

  private hubEvent(name: string): void {
    const object = this.hubInformer.get(name);
    if (object === undefined) this.models.delete(name);
    else this.models.set(name, hubModel(object));
    this.sortedModels = undefined;
    this.options.onHubChanged?.(name);
  }

  private secretEvent(secretName: string): void {
    for (const hub of this.models.values()) {
      if (hub.kubeconfigSecret.name === secretName) this.options.onHubChanged?.(hub.name);
    }
  }
}

function withoutManagedFields<T extends { metadata?: object }>(object: T): T {
  if (!object?.metadata || !("managedFields" in object.metadata)) return object;
  const { managedFields: _managedFields, ...metadata } = object.metadata as { managedFields?: unknown };
  return { ...object, metadata } as T;
}

/** Name, version and data only: no annotations (kubectl's last-applied copy would hold the data twice), no managedFields. */
function slimSecret(secret: { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; resourceVersion?: string }; data?: Record<string, string> }): CachedSecret & { metadata: { name: string } } {
  return {
    ...(secret.apiVersion ? { apiVersion: secret.apiVersion } : {}),
    ...(secret.kind ? { kind: secret.kind } : {}),
    metadata: {
      name: secret.metadata?.name ?? "",
      ...(secret.metadata?.namespace ? { namespace: secret.metadata.namespace } : {}),
      ...(secret.metadata?.resourceVersion ? { resourceVersion: secret.metadata.resourceVersion } : {}),
    },
    ...(secret.data ? { data: secret.data } : {}),
  };
}
