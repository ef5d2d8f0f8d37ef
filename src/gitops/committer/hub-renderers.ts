import type { Order } from "../../domain/order.ts";
import type { HubModel } from "../../hubs/hub-model.ts";
import { CERTIFICATE_FIELD, hubRenderOptions } from "../../render/hubs/hub-render-options.ts";
import { planHubTree } from "../../render/hubs/hub-tree-plan.ts";
import type { RenderOptions } from "../../render/profile.ts";
import type { PlannedFile } from "../../render/tree/plan.ts";
import type { ValueKey } from "../sealing/index.ts";
import { FileRenderer } from "./file-renderer.ts";

/**
 * The renderer of one hub's files (docs/adr/0033-committer-per-hub-output.md): planned by the same
 * `planHubTree` as `render --hubs` (paths under `hubs/<hub>/`, the hub named in each header, the
 * input digests of the hub's options), so either writer finds the other's files current.
 */
export class HubFileRenderer extends FileRenderer {
  constructor(
    readonly hub: HubModel,
    options: RenderOptions,
    sealer: ConstructorParameters<typeof FileRenderer>[1],
  ) {
    super(options, sealer);
  }

  override planOrder(order: Order): PlannedFile[] {
    const planned = planHubTree([{ order, hub: this.hub.name, how: "annotation" }], [this.hub], new Map([[this.hub.name, this.options]]), undefined);
    return planned.flatMap(({ source, ...file }) => (source.kind === "hub" ? [{ ...file, source: source.source }] : []));
  }
}

export interface HubRendererSettings {
  /** The committer's render options, without its own sealer (each hub seals with its certificate). */
  readonly base: RenderOptions;
  /** `--sealing-key-file`: needed for any hub with a certificate. */
  readonly valueKey?: ValueKey;
  readonly reseal: boolean;
  readonly now?: () => Date;
}

export type HubRendererOutcome = { readonly renderer: HubFileRenderer } | { readonly problem: string };

/** What of a Hub decides its files: a change of any of these re-renders its orders and its Argo CD objects. */
export function hubRenderFingerprint(hub: HubModel | undefined): string {
  if (!hub) return "absent";
  return JSON.stringify([hub.sealingCertificate ?? null, hub.defaultStorageClass ?? null, hub.argocdClusterName ?? null]);
}

/**
 * One renderer per hub, built as `render --hubs` builds its options (hub-render-options.ts: the
 * hub's `defaultStorageClass` first, its `spec.sealingCertificate` with the one value key), and
 * built again only when the hub's fingerprint changes (a probe rewriting the Hub's status does not).
 */
export class HubRenderers {
  private readonly cache = new Map<string, { readonly fingerprint: string; readonly outcome: HubRendererOutcome }>();

  constructor(private readonly settings: HubRendererSettings) {}

  for(hub: HubModel): HubRendererOutcome {
    const fingerprint = hubRenderFingerprint(hub);
    const cached = this.cache.get(hub.name);
    if (cached && cached.fingerprint === fingerprint) return cached.outcome;
    const outcome = this.build(hub);
    this.cache.set(hub.name, { fingerprint, outcome });
    return outcome;
  }

  private build(hub: HubModel): HubRendererOutcome {
    const { valueKey, reseal } = this.settings;
    if (hub.sealingCertificate !== undefined && valueKey === undefined) {
      return { problem: `hub '${hub.name}' ${CERTIFICATE_FIELD}: the hub has a sealing certificate, and the committer has no value key: start it with --sealing-key-file (the chart's committer.sealing values)` };
    }
    const built = hubRenderOptions([hub], this.settings.base, { ...(valueKey ? { valueKey } : {}), reseal, now: this.settings.now?.() ?? new Date() });
    if (built.errors.length > 0) return { problem: built.errors.join("; ") };
    return { renderer: new HubFileRenderer(hub, built.byHub.get(hub.name)!, built.sealers.get(hub.name)) };
  }
}
