/** A condition as the order's status holds it. */
export interface ConditionView {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}

export interface LastCommit {
  readonly sha: string;
  readonly configVersion: string;
  /** The commit holds the order's current configuration. */
  readonly current: boolean;
  readonly at?: string;
}

const PUSHED = /^Pushed commit ([0-9a-f]{40}) with config version (\S+)$/;

/**
 * The last commit the committer pushed for a gitops order, from its `Committed` condition
 * (`reason: Pushed`, `message: "Pushed commit <sha> with config version <version>"`); undefined
 * when there is none or it says something else. Pure.
 */
export function lastCommitOf(conditions: readonly ConditionView[] | undefined, desiredConfigVersion: string | undefined): LastCommit | undefined {
  const committed = conditions?.find((condition) => condition.type === "Committed");
  if (!committed || committed.reason !== "Pushed") return undefined;
  const match = PUSHED.exec(committed.message ?? "");
  if (!match) return undefined;
  return {
    sha: match[1]!,
    configVersion: match[2]!,
    current: match[2] === desiredConfigVersion,
    ...(committed.lastTransitionTime ? { at: committed.lastTransitionTime } : {}),
  };
}
