import type { KubeConfig } from "@kubernetes/client-node";
import { AllocationTally, type HubReservation } from "../hubs/allocation-tally.ts";
import { HubCache } from "../hubs/hub-cache.ts";
import { placementCandidates } from "../hubs/placement-candidates.ts";
import { KubeRestClient } from "../platform/kube/rest-client.ts";
import type { Logger } from "../platform/logger.ts";
import type { AdmissionDecision, AdmissionRequest, HubRegistryView } from "./admission/types.ts";
import type { WebhookMetrics } from "./metrics.ts";

/** The hub registry for admission: watched Hubs and orders, plus this process' recent placements. */
export interface HubRegistrySource extends HubRegistryView {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Counts a placement made at admission (never for a dry run). */
  reserve(reservation: HubReservation): void;
}

/**
 * Watches Hubs and orders (orders slimmed to their claim) on the management cluster. The webhook
 * never reads a Secret. Placement asks `candidates()`: a snapshot built from the caches, never a
 * request to the API server.
 */
export function watchedHubRegistry(kubeConfig: KubeConfig, logger: Logger, metrics: WebhookMetrics): HubRegistrySource {
  const rest = new KubeRestClient(kubeConfig);
  const tally = new AllocationTally();
  const cache = new HubCache({ kubeConfig, rest, logger, tally, onWatchRestart: (watch) => metrics.hubWatchRestarts.inc({ watch }) });
  return {
    get synced() {
      return cache.synced;
    },
    candidates: () => placementCandidates(cache.hubs(), tally),
    reserve: (reservation) => {
      tally.reserve(reservation);
      metrics.hubPlacements.inc({ hub: reservation.hub });
    },
    start: () => cache.start(),
    stop: async () => {
      await cache.stop();
      rest.close();
    },
  };
}

/**
 * The mutating handler with placements recorded: the decision is pure, and this is the side
 * effect, taken only when the request is not a dry run (`sideEffects: NoneOnDryRun`).
 */
export function recordingPlacements(decide: (request: AdmissionRequest) => AdmissionDecision, registry: Pick<HubRegistrySource, "reserve"> | undefined) {
  return (request: AdmissionRequest): AdmissionDecision => {
    const decision = decide(request);
    if (decision.reservation && registry && request.dryRun !== true) registry.reserve(decision.reservation);
    return decision;
  };
}
