import { App, Chart } from "cdk8s";
import type { Order } from "../domain/order.ts";
import { TenantNamespace } from "./constructs/tenant-namespace.ts";
import { VmOrder } from "./constructs/vm-order.ts";
import type { RenderOptions } from "./profile.ts";
import type { TenantNamespaceInput } from "./tenant-namespace-object.ts";

/** A rendered Kubernetes object (plain JSON). */
export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;

/**
 * Renders one order's objects, in the role's order. Each order gets its own short-lived App and
 * Chart: cdk8s validates the whole App per chart, so one App for many orders would be quadratic.
 */
export function renderOrder(order: Order, options: RenderOptions): KubeObject[] {
  const chart = new Chart(new App(), "order", { disableResourceNameHashes: true });
  new VmOrder(chart, "VmOrder", {
    order,
    profile: options.profile,
    ...(options.defaultStorageClass ? { defaultStorageClass: options.defaultStorageClass } : {}),
    // Sealed output carries a keyed config version: the plain one would confirm guesses of the user data.
    ...(options.sealing ? { configVersion: options.sealing.configVersion(order) } : {}),
  });
  return chart.toJson() as KubeObject[];
}

export type { TenantNamespaceInput } from "./tenant-namespace-object.ts";

/** The tenant Namespace object (gitops profile). */
export function renderTenantNamespace(input: TenantNamespaceInput): KubeObject {
  const chart = new Chart(new App(), "tenant", { disableResourceNameHashes: true });
  new TenantNamespace(chart, "Namespace", input);
  const [namespace] = chart.toJson() as KubeObject[];
  return namespace!;
}
