import { catalogOrderWorkload, isCatalogTemplateId, validateCatalogOrder } from "../../domain/catalog-order/index.ts";
import type { OrderResources } from "../../domain/placement/order-resources.ts";
import { ceilingInteger } from "../../domain/quantity/amount.ts";
import { objectAt, stringAt, type JsonObject } from "./decision.ts";
import type { AdmissionDeps } from "./types.ts";

/**
 * What an order naming a catalog template asks of its hub (ADR 24 placement, ADR 28 catalog): the
 * vCPUs and memory of the VMs its Template makes with the order's values, as the quota check
 * counts them. Undefined when the id is not a catalog one, the Template is unknown, the order is
 * invalid, or a VM's memory is not in the object (an instancetype's): validation then denies the
 * order, or reports it unplaced.
 */
export function catalogOrderResources(object: JsonObject, namespace: string | undefined, deps: AdmissionDeps): OrderResources | undefined {
  const templateId = stringAt(objectAt(object, "spec"), "templateID");
  if (templateId === undefined || !isCatalogTemplateId(templateId)) return undefined;
  const template = deps.catalog?.().get(templateId);
  if (template === undefined) return undefined;
  const metadata = objectAt(object, "metadata");
  const withNamespace = namespace && metadata && metadata["namespace"] === undefined ? { ...object, metadata: { ...metadata, namespace } } : object;
  const order = validateCatalogOrder(withNamespace, template).value;
  if (order === undefined) return undefined;
  let vcpus = 0n;
  let memoryBytes = 0n;
  for (const vm of catalogOrderWorkload(order).virtualMachines) {
    if (vm.memory === undefined) return undefined;
    vcpus += vm.cpu === undefined ? 1n : ceilingInteger(vm.cpu);
    memoryBytes += ceilingInteger(vm.memory);
  }
  return { vcpus: Number(vcpus), memoryBytes: Number(memoryBytes) };
}
