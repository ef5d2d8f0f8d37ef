import type { KubeConfig } from "@kubernetes/client-node";
import type { KubeRestClient } from "../platform/kube/rest-client.ts";
import type { Logger } from "../platform/logger.ts";
import { AllocationTally } from "./allocation-tally.ts";
import { HubCache, type HubWatch } from "./hub-cache.ts";
import { HubProber } from "./hub-prober.ts";

export interface HubRegistryControllerOptions {
  readonly kubeConfig: KubeConfig;
  readonly rest: KubeRestClient;
  readonly logger: Logger;
  readonly secretsNamespace: string;
  readonly probeIntervalMs: number;
  /** The controller's `--order-namespaces`: the tally watches orders only there. */
  readonly orderNamespaces?: readonly string[];
  readonly onWatchRestart?: (watch: HubWatch) => void;
  /** A Hub or its kubeconfig Secret changed (the per-hub watch sets follow the registry). */
  readonly onHubChanged?: (hub: string) => void;
}

/**
 * The hub registry's part of `osac-vm controller`: the hub cache (Hubs, their kubeconfig Secrets,
 * the orders' allocation tally) on every replica, so a new leader starts warm, and the hub prober
 * on the leader only.
 */
export class HubRegistryController {
  readonly cache: HubCache;
  readonly tally: AllocationTally;
  private readonly prober: HubProber;

  constructor(options: HubRegistryControllerOptions) {
    const logger = options.logger.child({ component: "hub-prober" });
    this.tally = new AllocationTally({ onHubChanged: (hub) => this.prober.allocationChanged(hub) });
    this.cache = new HubCache({
      kubeConfig: options.kubeConfig,
      rest: options.rest,
      logger,
      secretsNamespace: options.secretsNamespace,
      tally: this.tally,
      ...(options.orderNamespaces ? { orderNamespaces: options.orderNamespaces } : {}),
      onHubChanged: (hub) => {
        this.prober.hubChanged(hub);
        options.onHubChanged?.(hub);
      },
      ...(options.onWatchRestart ? { onWatchRestart: options.onWatchRestart } : {}),
    });
    this.prober = new HubProber({ cache: this.cache, tally: this.tally, rest: options.rest, logger, secretsNamespace: options.secretsNamespace, intervalMs: options.probeIntervalMs });
  }

  get synced(): boolean {
    return this.cache.synced;
  }

  start(): Promise<void> {
    return this.cache.start();
  }

  startLeading(): void {
    this.prober.start();
  }

  stopLeading(): Promise<void> {
    return this.prober.stop();
  }

  async stop(): Promise<void> {
    await this.prober.stop();
    await this.cache.stop();
  }
}
