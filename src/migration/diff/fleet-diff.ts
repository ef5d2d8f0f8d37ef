import { Annotations, Labels, type ManagedBy } from "../../api/well-known.ts";
import { formatFieldError } from "../../domain/field-error.ts";
import { validateOrder } from "../../domain/order.ts";
import { tenantNamespace } from "../../domain/tenant.ts";
import { firmwarePinToAdd } from "../fleet/firmware-pin.ts";
import type { LiveObject } from "../live-object.ts";
import type { RolloutStrategy } from "../restart/rollout-strategy.ts";
import { expectedChildren, profileFor, type ProfileChoice } from "./expected-children.ts";
import { diffOrder, type OrderDiff } from "./order-diff.ts";

export interface FleetInput {
  readonly orders: readonly LiveObject[];
  /** Live Secrets, DataVolumes, VirtualMachines and Services labelled with an order. */
  readonly children: readonly LiveObject[];
  readonly instances: readonly LiveObject[];
  readonly profile: ProfileChoice;
  readonly strategy: RolloutStrategy;
  /** The class the role resolves for orders without `storage_class` (aap-parity only). */
  readonly roleStorageClass?: string;
  /**
   * Predict restarts against what the order controller applies once the order is adopted: the
   * gitops rendering, with the firmware UUID pin adoption writes (ADR 32). Fleet migration's Preflight.
   */
  readonly restartAfterAdoption?: boolean;
}

/**
 * Diffs every order against the live children labelled with it in its tenant namespace. Children
 * are grouped once by `<namespace>/<order label>`, so the cost is linear in the objects. Pure
 * (the renderer is).
 */
export function diffFleet(input: FleetInput): OrderDiff[] {
  const children = groupByOrder(input.children);
  const instances = groupByOrder(input.instances);
  return input.orders.map((raw) => {
    const namespace = raw.metadata.namespace ?? "";
    const name = raw.metadata.name ?? "";
    const annotations = raw.metadata.annotations;
    const validation = validateOrder(raw);
    const tenant = annotations?.[Annotations.tenant];
    const childNamespace = validation.value?.tenantNamespace ?? (tenant ? tenantNamespace(namespace, tenant) : undefined);
    const key = `${childNamespace}/${name}`;
    const profile = profileFor(annotations?.[Annotations.managedBy] as ManagedBy | undefined, input.profile);
    const instance = (instances.get(key) ?? []).find((object) => object.metadata.name === name);
    const live = childNamespace ? (children.get(key) ?? []) : [];
    const renderForRestart = input.restartAfterAdoption && validation.value ? () => adoptedRendering(raw, live) : undefined;
    return diffOrder({
      namespace,
      name,
      ...(annotations ? { orderAnnotations: annotations } : {}),
      ...(validation.value ? { order: validation.value } : {}),
      errors: validation.errors.map(formatFieldError),
      profile,
      render: (chosen) => expectedChildren(validation.value!, chosen, input.roleStorageClass),
      live,
      ...(instance ? { instance } : {}),
      strategy: input.strategy,
      ...(renderForRestart ? { renderForRestart } : {}),
    });
  });
}

/** The gitops rendering of the order as adoption leaves it: with the live VM's firmware UUID pinned. */
function adoptedRendering(raw: LiveObject, live: readonly LiveObject[]): LiveObject[] {
  const pin = firmwarePinToAdd(raw, live);
  const adopted = pin ? { ...raw, metadata: { ...raw.metadata, annotations: { ...raw.metadata.annotations, [Annotations.firmwareUuid]: pin } } } : raw;
  const order = validateOrder(adopted).value;
  return order ? expectedChildren(order, "gitops") : [];
}

function groupByOrder(objects: readonly LiveObject[]): Map<string, LiveObject[]> {
  const groups = new Map<string, LiveObject[]>();
  for (const object of objects) {
    const order = object.metadata.labels?.[Labels.order];
    if (!order) continue;
    const key = `${object.metadata.namespace}/${order}`;
    const group = groups.get(key);
    if (group) group.push(object);
    else groups.set(key, [object]);
  }
  return groups;
}
