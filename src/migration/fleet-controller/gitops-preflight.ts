import { validateOrder } from "../../domain/order.ts";
import type { KubeRestClient } from "../../platform/kube/rest-client.ts";
import { expectedChildren } from "../diff/expected-children.ts";
import type { RefusedOrder } from "../fleet/types.ts";
import type { FleetMigration } from "../fleet/types.ts";
import { dataVolumeSpecChanges } from "../fleet-gitops/datavolume-immutable.ts";
import { readOrderStates } from "./batch-reads.ts";

/**
 * The gitops target's own Preflight check (ADR 0034): of the orders the diff accepted, the ones whose gitops rendering would change an immutable DataVolume spec field of the
 * live DataVolume (CDI refuses it; Argo CD's sync would fail over and over): refused by name with
 * the fields, `ImmutableFieldChange`.
 */
export async function immutableDataVolumeRefusals(rest: KubeRestClient, migration: FleetMigration, accepted: readonly string[]): Promise<RefusedOrder[]> {
  if (accepted.length === 0) return [];
  const refused: RefusedOrder[] = [];
  for (const state of await readOrderStates(rest, migration, accepted)) {
    const order = state.order ? validateOrder(state.order).value : undefined;
    if (!order) continue;
    for (const rendered of expectedChildren(order, "gitops").filter((object) => object.kind === "DataVolume")) {
      const live = state.children.find((child) => child.kind === "DataVolume" && child.metadata.name === rendered.metadata.name);
      const fields = live ? dataVolumeSpecChanges(rendered, live) : [];
      if (fields.length > 0) {
        refused.push({ name: state.name, reason: "ImmutableFieldChange", message: `the gitops rendering would change DataVolume ${rendered.metadata.name}'s ${fields.join(", ")}, which CDI does not allow (Argo CD's sync would fail)` });
      }
    }
  }
  return refused;
}
