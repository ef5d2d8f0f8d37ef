import type { Condition } from "../../api/v1alpha1/types.ts";
import { CONDITION_TYPES } from "./order-status.ts";

/** A condition before its bookkeeping fields (`lastTransitionTime`, `observedGeneration`). */
export interface ConditionValue {
  readonly type: string;
  readonly status: Condition["status"];
  readonly reason: string;
  readonly message: string;
}

/** metav1.Condition limits (the CRD enforces them). */
const REASON_PATTERN = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
const MAX_REASON_LENGTH = 1024;
const MAX_MESSAGE_LENGTH = 32_768;

/** Makes any text a valid condition reason: `"image pull-failed"` → `"ImagePullFailed"`. */
export function toConditionReason(text: string): string {
  if (REASON_PATTERN.test(text) && text.length <= MAX_REASON_LENGTH) return text;
  const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  let reason = words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join("");
  if (!/^[A-Za-z]/.test(reason)) reason = `Reason${reason}`;
  return reason.slice(0, MAX_REASON_LENGTH);
}

export function toConditionMessage(text: string): string {
  return text.length <= MAX_MESSAGE_LENGTH ? text : `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

/** metav1.Time: RFC 3339 at second precision, as the API server writes it. */
export function toMetaTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The condition list to write: ours in a fixed order, each with `observedGeneration` and a
 * `lastTransitionTime` that moves only when its status value changes; conditions of other types
 * found in `previous` (another writer's) follow unchanged.
 */
export function mergeConditions(
  values: readonly ConditionValue[],
  previous: readonly Condition[] | undefined,
  generation: number,
  now: Date,
): Condition[] {
  const before = new Map((previous ?? []).map((condition) => [condition.type, condition]));
  const ours: Condition[] = values.map((value) => {
    const prior = before.get(value.type);
    return {
      type: value.type,
      status: value.status,
      reason: toConditionReason(value.reason),
      message: toConditionMessage(value.message),
      lastTransitionTime: prior && prior.status === value.status ? prior.lastTransitionTime : toMetaTime(now),
      observedGeneration: generation,
    };
  });
  const owned = new Set<string>([...CONDITION_TYPES, ...values.map((value) => value.type)]);
  const foreign = (previous ?? []).filter((condition) => !owned.has(condition.type));
  return [...ours, ...foreign];
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}
