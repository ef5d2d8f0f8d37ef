import { Annotations, Labels, MANAGED_BY_VALUES, type ManagedBy } from "../../api/well-known.ts";
import { managedByFor, rolloutBucket, rolloutKey, type ManagedByPolicy } from "../../domain/rollout.ts";

export interface ManagedByExplanation {
  /** The annotation's value, or `aap` when absent. */
  readonly value: ManagedBy;
  /** Whether the annotation is on the order. */
  readonly annotated: boolean;
  /** What the configured policy gives this order, when its bucket can be computed. */
  readonly policyMode?: ManagedBy;
  readonly bucket?: number;
  readonly reason: string;
}

export interface PolicySetting {
  readonly policy: ManagedByPolicy;
  /** Where the policy came from (environment variables, or the webhook's defaults). */
  readonly source: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The webhook's managed-by policy from the same variables it reads (OSAC_VM_MANAGED_BY_DEFAULT,
 * OSAC_VM_MANAGED_BY_ROLLOUT); an invalid value is an error naming the variable.
 */
export function policyFromEnvironment(env: Env): { setting?: PolicySetting; error?: string } {
  const defaultText = env.OSAC_VM_MANAGED_BY_DEFAULT;
  if (defaultText !== undefined && !(MANAGED_BY_VALUES as readonly string[]).includes(defaultText)) {
    return { error: `OSAC_VM_MANAGED_BY_DEFAULT '${defaultText}' is not one of ${MANAGED_BY_VALUES.join(", ")}` };
  }
  const rolloutText = env.OSAC_VM_MANAGED_BY_ROLLOUT;
  const match = rolloutText === undefined ? undefined : /^(controller|gitops):(\d{1,3})$/.exec(rolloutText.trim());
  if (rolloutText !== undefined && (!match || Number(match[2]) > 100)) {
    return { error: `OSAC_VM_MANAGED_BY_ROLLOUT '${rolloutText}' is not <controller|gitops>:<0-100>` };
  }
  const policy: ManagedByPolicy = {
    defaultMode: (defaultText as ManagedBy | undefined) ?? "aap",
    ...(match ? { rollout: { mode: match[1] as "controller" | "gitops", percent: Number(match[2]) } } : {}),
  };
  const source = defaultText === undefined && rolloutText === undefined ? "the webhook's defaults (no OSAC_VM_MANAGED_BY_* set here)" : "OSAC_VM_MANAGED_BY_DEFAULT / OSAC_VM_MANAGED_BY_ROLLOUT";
  return { setting: { policy, source } };
}

/**
 * Why an order has its `managed-by`: not set (an order from before the webhook: aap), the
 * rollout bucket of its identity under the configured policy (src/domain/rollout.ts), or set
 * explicitly when the policy would give another mode. Pure.
 */
export function explainManagedBy(metadata: { name?: string; namespace?: string; generateName?: string; labels?: Readonly<Record<string, string>>; annotations?: Readonly<Record<string, string>> }, setting: PolicySetting): ManagedByExplanation {
  const annotated = metadata.annotations?.[Annotations.managedBy] as ManagedBy | undefined;
  if (!annotated) {
    return { value: "aap", annotated: false, reason: "not set: an order from before the webhook, owned by the Ansible role (the webhook writes aap on its next update)" };
  }
  const uuid = metadata.labels?.[Labels.orderUuid];
  if (!uuid && metadata.generateName) {
    return { value: annotated, annotated: true, reason: `set to ${annotated}; the order was created with generateName, so its rollout bucket (from the admission request) cannot be recomputed` };
  }
  const key = rolloutKey({ requestUid: "", ...(uuid ? { uuid } : {}), ...(metadata.namespace ? { namespace: metadata.namespace } : {}), ...(metadata.name ? { name: metadata.name } : {}) });
  const bucket = rolloutBucket(key);
  const policyMode = managedByFor(setting.policy, key);
  const keyText = uuid ? `uuid ${uuid}` : `${metadata.namespace}/${metadata.name}`;
  const rollout = setting.policy.rollout;
  const rule = rollout && rollout.percent > 0 ? `bucket ${bucket} (of ${keyText}) ${bucket < rollout.percent ? "<" : "≥"} ${rollout.percent} % → ${policyMode}` : `no rollout; default mode ${setting.policy.defaultMode}`;
  const reason = annotated === policyMode ? `the rollout policy (${setting.source}): ${rule}` : `set explicitly: the policy (${setting.source}) would give ${policyMode}: ${rule}`;
  return { value: annotated, annotated: true, policyMode, bucket, reason };
}
