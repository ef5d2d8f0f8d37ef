import type { Condition } from "../../api/v1alpha1/types.ts";
import { toConditionMessage, toMetaTime } from "../status/conditions.ts";
import type { OrderStatus } from "../status/order-status.ts";

/**
 * The `HubReachable` condition of an order placed on a hub (docs/adr/0031-status-from-every-hub.md).
 * Pure. True while the controller watches the hub; False, with the order's phase `Unknown`, while
 * it cannot: then nothing else in the status changes, so the last known state is kept.
 */
export const HUB_REACHABLE_CONDITION = "HubReachable";

export const HubReachableReasons = {
  /** The hub's watch set has listed and is watching. */
  watching: "Watching",
  /** The hub's `Reachable` condition is not True (the prober's reason follows in the message). */
  hubUnreachable: "HubUnreachable",
  /** The order names a hub the registry does not hold. */
  hubNotRegistered: "HubNotRegistered",
} as const;

export interface HubReachability {
  readonly status: "True" | "False";
  readonly reason: string;
  readonly message: string;
}

/** The status with `HubReachable` set (in place, or appended); `lastTransitionTime` moves only when its status does. */
export function withHubReachable(status: OrderStatus, value: HubReachability, generation: number, now: Date): OrderStatus {
  const conditions = status.conditions ?? [];
  const prior = conditions.find((condition) => condition.type === HUB_REACHABLE_CONDITION);
  const condition: Condition = {
    type: HUB_REACHABLE_CONDITION as Condition["type"],
    status: value.status,
    reason: value.reason,
    message: toConditionMessage(value.message),
    lastTransitionTime: prior && prior.status === value.status ? prior.lastTransitionTime : toMetaTime(now),
    observedGeneration: generation,
  };
  const next = prior ? conditions.map((existing) => (existing === prior ? condition : existing)) : [...conditions, condition];
  return { ...status, conditions: next };
}

/** An order whose hub cannot be reached: its last known status, phase `Unknown`, `HubReachable=False`. */
export function hubUnreachableStatus(previous: OrderStatus | undefined, value: HubReachability, generation: number, now: Date): OrderStatus {
  return withHubReachable({ ...(previous ?? {}), phase: "Unknown" }, value, generation, now);
}
