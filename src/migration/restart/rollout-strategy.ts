/** KubeVirt's `spec.configuration.vmRolloutStrategy`. */
export const ROLLOUT_STRATEGIES = ["LiveUpdate", "Stage"] as const;
export type RolloutStrategy = (typeof ROLLOUT_STRATEGIES)[number];

export function isRolloutStrategy(value: string): value is RolloutStrategy {
  return (ROLLOUT_STRATEGIES as readonly string[]).includes(value);
}

/** The parts of a KubeVirt CR (kubevirt.io/v1 KubeVirt) the decision reads. */
export interface KubeVirtResource {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: { readonly configuration?: { readonly vmRolloutStrategy?: string } };
  readonly status?: { readonly observedKubeVirtVersion?: string; readonly phase?: string };
}

export interface RolloutStrategyChoice {
  readonly strategy: RolloutStrategy;
  /** Where it came from, for the report. */
  readonly source: string;
}

/** KubeVirt made LiveUpdate the default in v1.6 (kubevirt#14068). */
const LIVE_UPDATE_DEFAULT_SINCE = [1, 6] as const;

/**
 * The rollout strategy the restart prediction assumes: the `--rollout-strategy` flag; else the
 * cluster's KubeVirt CR (`spec.configuration.vmRolloutStrategy`, or its version's default:
 * LiveUpdate from v1.6, Stage before); else Stage, which predicts the most restarts. `kubevirts`
 * undefined: the KubeVirt API is not served. Pure.
 */
export function chooseRolloutStrategy(override: RolloutStrategy | undefined, kubevirts: readonly KubeVirtResource[] | undefined): RolloutStrategyChoice {
  if (override) return { strategy: override, source: "--rollout-strategy" };
  const [kubevirt] = [...(kubevirts ?? [])].sort((a, b) => (a.status?.phase === "Deployed" ? -1 : 0) - (b.status?.phase === "Deployed" ? -1 : 0));
  if (!kubevirt) {
    return {
      strategy: "Stage",
      source: kubevirts === undefined ? "the cluster serves no KubeVirt API: assumed Stage (predicts the most restarts)" : "no KubeVirt CR on the cluster: assumed Stage (predicts the most restarts)",
    };
  }
  const name = `KubeVirt ${kubevirt.metadata?.namespace ?? ""}/${kubevirt.metadata?.name ?? ""}`;
  const configured = kubevirt.spec?.configuration?.vmRolloutStrategy;
  if (configured !== undefined && isRolloutStrategy(configured)) return { strategy: configured, source: `${name} spec.configuration.vmRolloutStrategy` };
  const version = kubevirt.status?.observedKubeVirtVersion;
  const parsed = /^v?(\d+)\.(\d+)/.exec(version ?? "");
  if (!parsed) return { strategy: "Stage", source: `${name} sets no vmRolloutStrategy and reports no version: assumed Stage` };
  const [major, minor] = [Number(parsed[1]), Number(parsed[2])];
  const liveUpdateDefault = major > LIVE_UPDATE_DEFAULT_SINCE[0] || (major === LIVE_UPDATE_DEFAULT_SINCE[0] && minor >= LIVE_UPDATE_DEFAULT_SINCE[1]);
  return { strategy: liveUpdateDefault ? "LiveUpdate" : "Stage", source: `${name} sets no vmRolloutStrategy: the default of KubeVirt ${version}` };
}
