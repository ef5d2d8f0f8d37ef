import { Annotations } from "../../api/well-known.ts";
import type { RawObject } from "../../controller/cache/raw-object.ts";
import type { HubModel } from "../../hubs/hub-model.ts";
import { splitHubPath } from "../../render/hubs/hub-layout.ts";
import { CERTIFICATE_FIELD } from "../../render/hubs/hub-render-options.ts";
import { checkPlainSecrets } from "../../render/plain-secrets.ts";
import type { RenderOptions } from "../../render/profile.ts";
import type { HubRendererOutcome } from "./hub-renderers.ts";
import { intentOf, type OrderIntent } from "./order-intent.ts";

/** The hub registry as the committer reads it (the watched Hubs) and each hub's renderer. */
export interface HubDirectory {
  hub(name: string): HubModel | undefined;
  names(): readonly string[];
  rendererFor(hub: HubModel): HubRendererOutcome;
}

/**
 * What the committer wants for one order when hubs are configured
 * (docs/adr/0033-committer-per-hub-output.md). Pure given the hub directory.
 *
 * - The order's hub is its `cloudkit.openshift.io/hub` (set at admission), else the hub whose
 *   `hubs/<hub>/` holds its file already (`render --hubs` may have placed it there); the committer
 *   never places an order. Neither: the single-cluster layout, as without hubs.
 * - A hub that is not a known Hub, or an order whose file is on another hub (or in the
 *   single-cluster layout) than its annotation names: its files stay as they are (`UnknownHub`,
 *   `HubChanged`); moving a file between hubs would delete the VM on one and create an empty one
 *   on the other.
 * - A hub whose sealing cannot work, or an order with its own cloud-init for a hub without a
 *   certificate: `SealingUnavailable`, naming the hub.
 *
 * `existingTreePath` is the order's file in the tree, relative to the committer's `--path`.
 */
export function hubIntentOf(raw: RawObject | undefined, existingTreePath: string | undefined, hubs: HubDirectory, single: RenderOptions): OrderIntent {
  const validated = intentOf(raw, { ...single, allowPlainSecrets: true });
  if (validated.kind !== "write") return validated;
  const { order } = validated;
  const existingHub = existingTreePath === undefined ? undefined : splitHubPath(existingTreePath)?.hub;
  const hubName = order.hub ?? existingHub;
  if (hubName === undefined) return intentOf(raw, single);
  const hub = hubs.hub(hubName);
  if (!hub) {
    const known = hubs.names();
    const where = order.hub !== undefined ? `Its annotation ${Annotations.hub} names hub '${hubName}'` : `Its files are under hubs/${hubName}/`;
    return {
      kind: "keep",
      reason: "UnknownHub",
      message: `${where}, which is not a Hub on this cluster (${known.length === 0 ? "there are none" : `known: ${known.join(", ")}`}). Its files are written once that Hub exists (osac-vm hubs add)`,
    };
  }
  if (existingTreePath !== undefined && existingHub !== hubName) {
    const there = existingHub === undefined ? "in the single-cluster layout" : `on hub '${existingHub}'`;
    return {
      kind: "keep",
      reason: "HubChanged",
      message:
        `Its files are ${there} (${existingTreePath}), and its annotation ${Annotations.hub} names hub '${hubName}'. The committer never moves an order between hubs ` +
        `(that would delete the VM where it runs and create an empty one elsewhere): delete the order and create it again on the new hub`,
    };
  }
  const built = hubs.rendererFor(hub);
  if ("problem" in built) return { kind: "keep", reason: "SealingUnavailable", message: `The order goes to hub '${hubName}', whose Secrets cannot be sealed: ${built.problem}` };
  if (checkPlainSecrets(order, built.renderer.options).length > 0) {
    return {
      kind: "keep",
      reason: "SealingUnavailable",
      message:
        `The order has its own cloud-init user data, and its hub '${hubName}' has no ${CERTIFICATE_FIELD}: the committer does not write user data into Git as a plain Secret. ` +
        `Give the Hub its sealed-secrets certificate (kubeseal --fetch-cert; osac-vm hubs add --sealing-certificate-file)`,
    };
  }
  return { kind: "write", order, renderer: built.renderer };
}
