import { Annotations, Labels } from "../api/well-known.ts";
import { orderResourcesOrDefault } from "../domain/placement/order-resources.ts";
import type { HubClaim } from "./allocation-tally.ts";

/** The part of an order the hub registry keeps: who it is, and what it claims on which hub. */
export interface OrderClaimObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  /** Present when the order carries the hub annotation. */
  readonly claim?: HubClaim;
}

type RawOrder = { apiVersion?: string; kind?: string; metadata?: Record<string, any>; spec?: Record<string, unknown> };

/**
 * A watched order reduced to what the tally needs (the informer's transform): name, namespace,
 * resourceVersion, the uuid label, the hub annotation, and the claim computed once from the
 * parameters. Everything else (the parameters text with its cloud-init, status) is dropped, so
 * 100,000 orders fit in a few tens of MB.
 */
export function orderClaimObject(order: RawOrder): OrderClaimObject {
  const metadata = order.metadata ?? {};
  const hub = metadata.annotations?.[Annotations.hub];
  const uuid = metadata.labels?.[Labels.orderUuid];
  const claim: HubClaim | undefined =
    typeof hub === "string" && hub !== "" ? { hub, ...orderResourcesOrDefault(order.spec?.["templateID"], order.spec?.["templateParameters"]) } : undefined;
  return {
    ...(order.apiVersion ? { apiVersion: order.apiVersion } : {}),
    ...(order.kind ? { kind: order.kind } : {}),
    metadata: {
      ...(metadata.name !== undefined ? { name: metadata.name } : {}),
      ...(metadata.namespace !== undefined ? { namespace: metadata.namespace } : {}),
      ...(metadata.resourceVersion !== undefined ? { resourceVersion: metadata.resourceVersion } : {}),
      ...(typeof uuid === "string" ? { labels: { [Labels.orderUuid]: uuid } } : {}),
      ...(typeof hub === "string" ? { annotations: { [Annotations.hub]: hub } } : {}),
    },
    ...(claim ? { claim } : {}),
  };
}

/** The key an order is tallied under. */
export function orderKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The second key of an order with a uuid label: a generateName create is reserved under it (its name is not known yet at admission). */
export function uuidKey(uuid: string): string {
  return `uuid:${uuid}`;
}
