import { uuidV5 } from "../firmware-uuid.ts";

/**
 * This project's UUID namespace for the TemplateInstance uid an order stands in for. Fixed
 * forever: changing it would relabel every instantiated object.
 */
const TEMPLATE_INSTANCE_UID_NAMESPACE = "a2693ebc-cdde-4906-b5e9-6350c2bd608d";

/**
 * What makes an order itself across renders: the fulfillment service's id when the order has one,
 * else `<namespace>/<name>` (as for the firmware UUID). Generated parameter values are keyed by it.
 */
export function orderIdentity(order: { readonly orderUuid?: string; readonly namespace: string; readonly name: string }): string {
  return order.orderUuid ? `order-uuid:${order.orderUuid}` : `order:${order.namespace}/${order.name}`;
}

/**
 * The uid of the TemplateInstance that OpenShift would have created for the order. There is no
 * TemplateInstance object (the renderer processes the Template itself), but the objects carry
 * `template.openshift.io/template-instance-owner=<uid>` as a TemplateInstance's objects do, so
 * tools that group objects by instance still can. A UUIDv5 of the identity: stable across renders.
 */
export function templateInstanceUid(identity: string): string {
  return uuidV5(`template-instance:${identity}`, TEMPLATE_INSTANCE_UID_NAMESPACE);
}
