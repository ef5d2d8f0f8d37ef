import { Annotations } from "../../api/well-known.ts";
import type { Order } from "../../domain/order.ts";
import { parseLabelSelector } from "../../domain/placement/label-selector.ts";
import { formatRejections, ineligibilityReason, placeOrder, type HubCandidate, type HubResources } from "../../domain/placement/place.ts";
import { quantityValue } from "../../domain/placement/quantity-bytes.ts";
import type { HubModel } from "../../hubs/hub-model.ts";
import { placementCandidate } from "../../hubs/hub-model.ts";

/**
 * Which hub each order's file goes to in a per-hub render (docs/adr/0030-per-hub-output.md).
 * Pure: the caller reads the hub file, the orders and the tree.
 *
 * 1. An order carrying `cloudkit.openshift.io/hub` goes there (the hub must be in the registry
 *    file; the admission webhook placed it, or an operator chose it).
 * 2. Else an order already rendered under `hubs/<hub>/` stays there: offline placement is as
 *    sticky as admission's, so adding an order never moves another (a move deletes the VM on one
 *    hub and creates an empty one on another).
 * 3. Else it is placed by the same `placeOrder` the webhook uses, in a deterministic order
 *    (namespace/name), on what the orders of 1 and 2 already take. Offline there is no probe: a
 *    hub counts as reachable unless the file's status says `Reachable=False`.
 */
export interface HubRoute {
  readonly order: Order;
  readonly hub: string;
  readonly how: "annotation" | "existing" | "placed";
}

export interface HubRouting {
  /** Sorted by hub, then tenant namespace and name; empty when there are errors. */
  readonly routes: readonly HubRoute[];
  readonly errors: readonly string[];
}

/** `tenant-namespace/name`: the key of an order's file under a hub. */
export function orderFileKey(order: Pick<Order, "tenantNamespace" | "name">): string {
  return `${order.tenantNamespace}/${order.name}`;
}

export function routeOrders(orders: readonly Order[], hubs: readonly HubModel[], existingHubOf: ReadonlyMap<string, string>): HubRouting {
  const byName = new Map(hubs.map((hub) => [hub.name, hub]));
  const allocated = new Map<string, { vms: number; vcpus: number; memoryBytes: number }>(hubs.map((hub) => [hub.name, { vms: 0, vcpus: 0, memoryBytes: 0 }]));
  const routes: HubRoute[] = [];
  const errors: string[] = [];
  const unplaced: Order[] = [];
  const claim = (order: Order, hub: string, how: HubRoute["how"]) => {
    const totals = allocated.get(hub)!;
    totals.vms += 1;
    totals.vcpus += order.parameters.cpuCores;
    totals.memoryBytes += quantityValue(order.parameters.memory) ?? 0;
    routes.push({ order, hub, how });
  };
  for (const order of orders) {
    if (order.hub !== undefined) {
      if (byName.has(order.hub)) claim(order, order.hub, "annotation");
      else errors.push(`${describe(order)}: metadata.annotations[${Annotations.hub}]: hub '${order.hub}' is not in the hub file (${listNames(hubs)})`);
      continue;
    }
    const existing = existingHubOf.get(orderFileKey(order));
    if (existing !== undefined && byName.has(existing)) claim(order, existing, "existing");
    else unplaced.push(order);
  }
  const sorted = [...unplaced].sort((a, b) => compareText(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
  for (const order of sorted) {
    const selector = parseLabelSelector(order.hubSelector ?? "");
    if ("error" in selector) {
      errors.push(`${describe(order)}: metadata.annotations[${Annotations.hubSelector}]: ${selector.error}`);
      continue;
    }
    const candidates = hubs.map((hub) => offlineCandidate(hub, allocated.get(hub.name)!));
    const decision = placeOrder(
      {
        key: order.orderUuid ?? `${order.namespace}/${order.name}`,
        vcpus: order.parameters.cpuCores,
        memoryBytes: quantityValue(order.parameters.memory) ?? 0,
        selector: selector.selector,
      },
      candidates,
    );
    if (decision.placed) claim(order, decision.hub, "placed");
    else errors.push(`${describe(order)}: no hub in the hub file can take it: ${formatRejections(decision.rejections)}`);
  }
  if (errors.length > 0) return { routes: [], errors };
  return { routes: routes.sort(compareRoutes), errors: [] };
}

/** Offline there is no probe: reachable unless the file's status says otherwise. */
function offlineCandidate(hub: HubModel, allocated: HubResources): HubCandidate {
  const { unreachableReason: _unprobed, ...candidate } = placementCandidate(hub, allocated);
  return hub.reachable === undefined ? { ...candidate, reachable: true } : placementCandidate(hub, allocated);
}

/** Whether an annotated order's hub takes orders at all (a warning, not an error: it was placed already). */
export function annotatedHubWarning(route: HubRoute, hub: HubModel): string | undefined {
  if (route.how !== "annotation") return undefined;
  const reason = ineligibilityReason([], offlineCandidate(hub, {}));
  return reason === undefined ? undefined : `${describe(route.order)}: its hub '${hub.name}' ${reason}; rendered there anyway (the hub annotation is never moved)`;
}

function describe(order: Order): string {
  return `VirtualMachine ${order.namespace}/${order.name}`;
}

function listNames(hubs: readonly HubModel[]): string {
  return hubs.length === 0 ? "it names none" : `it names ${hubs.map((hub) => `'${hub.name}'`).join(", ")}`;
}

function compareRoutes(a: HubRoute, b: HubRoute): number {
  return compareText(a.hub, b.hub) || compareText(orderFileKey(a.order), orderFileKey(b.order));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
