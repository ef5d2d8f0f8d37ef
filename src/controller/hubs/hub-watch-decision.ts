import type { HubModel } from "../../hubs/hub-model.ts";

/**
 * Which hubs get a watch set (docs/adr/0031-status-from-every-hub.md). Pure. A hub is watched
 * while its `Reachable` condition (the hub prober's) is True and its kubeconfig Secret is there; a
 * set is rebuilt when the Secret changes (new credentials), and stopped when the hub becomes
 * unreachable, is removed, or loses its `virtualmachines` capability. A restarted set lists again,
 * so a hub that comes back converges.
 */
export interface RunningWatchSet {
  /** The kubeconfig Secret's resourceVersion the set was built from. */
  readonly secretVersion: string;
}

export type WatchSetAction =
  | { readonly action: "start"; readonly hub: string }
  | { readonly action: "restart"; readonly hub: string }
  | { readonly action: "stop"; readonly hub: string };

export function planWatchSets(
  hubs: readonly HubModel[],
  secretVersionOf: (hub: HubModel) => string | undefined,
  running: ReadonlyMap<string, RunningWatchSet>,
): WatchSetAction[] {
  const actions: WatchSetAction[] = [];
  const wanted = new Set<string>();
  for (const hub of hubs) {
    const secretVersion = secretVersionOf(hub);
    if (!shouldWatch(hub) || secretVersion === undefined) continue;
    wanted.add(hub.name);
    const current = running.get(hub.name);
    if (!current) actions.push({ action: "start", hub: hub.name });
    else if (current.secretVersion !== secretVersion) actions.push({ action: "restart", hub: hub.name });
  }
  for (const hub of running.keys()) if (!wanted.has(hub)) actions.push({ action: "stop", hub });
  return actions.sort((a, b) => (a.hub < b.hub ? -1 : a.hub > b.hub ? 1 : 0));
}

export function shouldWatch(hub: HubModel): boolean {
  return hub.capabilities.includes("virtualmachines") && hub.reachable?.status === "True";
}

/** Why an order's hub is not watched, for its `HubReachable=False` message. */
export function notWatchedMessage(hubName: string, hub: HubModel | undefined): string {
  if (!hub) return `hub '${hubName}' is not registered`;
  if (!hub.capabilities.includes("virtualmachines")) return `hub '${hubName}' lacks the 'virtualmachines' capability`;
  const condition = hub.reachable;
  if (!condition) return `hub '${hubName}' has not been probed yet`;
  if (condition.status !== "True") return `hub '${hubName}' is not reachable (${condition.reason}${condition.message ? `: ${condition.message}` : ""})`;
  return `hub '${hubName}' has no usable kubeconfig Secret`;
}
