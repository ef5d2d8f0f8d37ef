import { Annotations, Labels } from "../../api/well-known.ts";
import { tenantNamespace } from "../../domain/tenant.ts";
import { objectPath, type KubeRestClient } from "../../platform/kube/rest-client.ts";
import type { LiveObject } from "../live-object.ts";
import { readChildren, readOrders } from "../live/fleet-reader.ts";
import { selectorText } from "../fleet/selection.ts";
import type { FleetMigration } from "../fleet/types.ts";

type Requester = Pick<KubeRestClient, "request">;

/**
 * Up to this many orders are read with a GET each (an adoption or rollback step reads one); a
 * batch is read with one LIST of the selected orders, so a step costs the same whatever the fleet.
 */
const GET_ORDERS_UP_TO = 3;

async function getOrders(rest: Requester, namespace: string, names: readonly string[]): Promise<LiveObject[]> {
  const answers = await Promise.all(names.map((name) => rest.request<LiveObject>("GET", objectPath(ORDER_API_VERSION, "VirtualMachine", namespace, name), { allow404: true })));
  return answers.filter((answer) => answer.status !== 404).map((answer) => answer.body);
}

/** One order with its live children (Secrets, DataVolume, VM, Service) and its VMI. */
const ORDER_API_VERSION = "cloudkit.openshift.io/v1alpha1";

export interface OrderState {
  readonly name: string;
  readonly order?: LiveObject;
  readonly children: readonly LiveObject[];
  readonly instance?: LiveObject;
}

/**
 * The orders of a batch (or one order) with their children: one paged LIST of the migration's
 * orders (a GET for one order), then one LIST per child kind with `cloudkit.openshift.io/virtualmachine in (names)` in
 * the tenant namespace(s): the reads diff --live makes, never a GET per object.
 */
export async function readOrderStates(rest: Requester, migration: FleetMigration, names: readonly string[]): Promise<OrderState[]> {
  const orders = names.length <= GET_ORDERS_UP_TO ? await getOrders(rest, migration.metadata.namespace, names) : await readOrders(rest, { namespace: migration.metadata.namespace, labelSelector: selectorText(migration.spec.orderSelector), names: [] });
  const byName = new Map(orders.map((order) => [order.metadata.name ?? "", order]));
  const tenants = new Set<string>();
  for (const name of names) {
    const tenant = byName.get(name)?.metadata.annotations?.[Annotations.tenant];
    if (tenant) tenants.add(tenantNamespace(migration.metadata.namespace, tenant));
  }
  const { children, instances } = tenants.size > 0 ? await readChildren(rest, tenants, names) : { children: [], instances: [] };
  return names.map((name) => {
    const order = byName.get(name);
    const tenant = order?.metadata.annotations?.[Annotations.tenant];
    const namespace = tenant ? tenantNamespace(migration.metadata.namespace, tenant) : undefined;
    const mine = (object: LiveObject) => object.metadata.namespace === namespace && object.metadata.labels?.[Labels.order] === name;
    const instance = instances.find((object) => mine(object) && object.metadata.name === name);
    return { name, ...(order ? { order } : {}), children: children.filter(mine), ...(instance ? { instance } : {}) };
  });
}
