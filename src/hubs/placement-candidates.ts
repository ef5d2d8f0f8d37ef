import type { HubCandidate } from "../domain/placement/place.ts";
import type { AllocationTally } from "./allocation-tally.ts";
import type { HubModel } from "./hub-model.ts";
import { placementCandidate } from "./hub-model.ts";

/** Every registered hub as placement sees it now: the watched Hub plus what the tally says is allocated. */
export function placementCandidates(hubs: readonly HubModel[], tally: AllocationTally): HubCandidate[] {
  return hubs.map((hub) => placementCandidate(hub, tally.allocated(hub.name)));
}
