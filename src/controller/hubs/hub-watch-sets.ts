import type { HubCache } from "../../hubs/hub-cache.ts";
import type { HubModel } from "../../hubs/hub-model.ts";
import { readKubeconfig } from "../../hubs/kubeconfig.ts";
import { KubeRestClient } from "../../platform/kube/rest-client.ts";
import type { Logger } from "../../platform/logger.ts";
import { ClusterCache, type WatchedKind } from "../cluster-cache.ts";
import type { WatchScope } from "../config.ts";
import { notWatchedMessage, planWatchSets, type RunningWatchSet } from "./hub-watch-decision.ts";

/** Where an order's children are, as the reconciler sees it. */
export type HubTarget =
  | { readonly state: "ready"; readonly cache: ClusterCache; readonly rest: KubeRestClient }
  /** Watched, not listed yet: try again shortly. */
  | { readonly state: "syncing" }
  | { readonly state: "unreachable"; readonly reason: "HubUnreachable" | "HubNotRegistered"; readonly message: string };

interface WatchSet extends RunningWatchSet {
  readonly cache: ClusterCache;
  readonly rest: KubeRestClient;
}

export interface HubWatchSetsOptions {
  readonly hubs: HubCache;
  readonly logger: Logger;
  /** A child changed on a hub: its order's key (`namespace/name` on the management cluster). */
  readonly onOrderKey: (key: string) => void;
  /** A hub's watch set started or stopped: wake every order on that hub. */
  readonly onHubChanged: (hub: string) => void;
  readonly onWatchRestart?: (kind: WatchedKind) => void;
  /** The controller's tenant namespaces, when it is scoped: the hubs are watched there only. */
  readonly scope?: WatchScope;
}

/**
 * One supervised watch set per reachable hub (docs/adr/0031-status-from-every-hub.md): the
 * controller's own ClusterCache, children only, through the hub's kubeconfig from the hub cache.
 * Started, restarted (new credentials) and stopped as the hub registry changes; `refresh` is
 * called on every Hub or kubeconfig Secret event.
 */
export class HubWatchSets {
  private readonly sets = new Map<string, WatchSet>();
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: HubWatchSetsOptions) {}

  /** Brings the watch sets in line with the registry (serialised: one refresh at a time). */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.refreshNow()).catch((error: unknown) => {
      this.options.logger.error({ err: (error as Error).message }, "Failed to update the hub watch sets");
    });
    return this.refreshing;
  }

  private async refreshNow(): Promise<void> {
    if (this.stopped) return;
    const { hubs } = this.options;
    const actions = planWatchSets(hubs.hubs(), (hub) => this.secretVersion(hub), this.sets);
    for (const { action, hub } of actions) {
      const current = this.sets.get(hub);
      if (current) {
        this.sets.delete(hub);
        await current.cache.stop();
        current.rest.close();
        this.options.logger.info({ hub, action }, action === "stop" ? "Stopped watching the hub" : "Restarting the hub's watches (new kubeconfig)");
      }
      if (action !== "stop") {
        const model = hubs.hub(hub);
        const set = model ? this.build(model) : undefined;
        if (set) {
          this.sets.set(hub, set);
          this.options.logger.info({ hub }, "Watching the hub");
          // Not awaited: a hub that lists slowly holds only its own orders (they see "syncing").
          void set.cache.start().then(() => this.options.onHubChanged(hub));
        }
      }
      this.options.onHubChanged(hub);
    }
  }

  private secretVersion(hub: HubModel): string | undefined {
    const secret = this.options.hubs.kubeconfigSecret(hub);
    if (secret?.data?.[hub.kubeconfigSecret.key] === undefined) return undefined;
    return secret.metadata.resourceVersion ?? "";
  }

  private build(hub: HubModel): WatchSet | undefined {
    const secret = this.options.hubs.kubeconfigSecret(hub);
    const encoded = secret?.data?.[hub.kubeconfigSecret.key];
    if (encoded === undefined) return undefined;
    const reading = readKubeconfig(Buffer.from(encoded, "base64").toString("utf8"));
    // The prober says why (its Reachable condition); nothing of the kubeconfig is logged here.
    if (!reading.ok) return undefined;
    const kubeConfig = reading.connection.toKubeConfig();
    const rest = new KubeRestClient(kubeConfig);
    const logger = this.options.logger.child({ hub: hub.name });
    const cache = new ClusterCache({
      kubeConfig,
      rest,
      logger,
      watchOrders: false,
      onOrderKey: (key) => this.options.onOrderKey(key),
      onWatchRestart: (kind) => this.options.onWatchRestart?.(kind),
      ...(this.options.scope ? { scope: this.options.scope } : {}),
    });
    return { cache, rest, secretVersion: secret?.metadata.resourceVersion ?? "" };
  }

  /** Where the children of an order placed on `hub` are. */
  target(hub: string): HubTarget {
    const set = this.sets.get(hub);
    if (set) return set.cache.synced ? { state: "ready", cache: set.cache, rest: set.rest } : { state: "syncing" };
    const model = this.options.hubs.hub(hub);
    return { state: "unreachable", reason: model ? "HubUnreachable" : "HubNotRegistered", message: notWatchedMessage(hub, model) };
  }

  /** Hubs watched now (for metrics and tests). */
  get watchedHubs(): string[] {
    return [...this.sets.keys()].sort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.refreshing;
    const sets = [...this.sets.values()];
    this.sets.clear();
    await Promise.all(sets.map(async (set) => {
      await set.cache.stop();
      set.rest.close();
    }));
  }
}
