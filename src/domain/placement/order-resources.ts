import { DEFAULT_CPU_CORES, DEFAULT_MEMORY, readDecodedParameters, readTemplateParameters, type ParameterReading } from "../templates/index.ts";
import { quantityValue } from "./quantity-bytes.ts";

/** What an order asks of its hub: its vCPUs and memory, the role's defaults applied. */
export interface OrderResources {
  readonly vcpus: number;
  readonly memoryBytes: number;
}

const DEFAULT_RESOURCES: OrderResources = { vcpus: DEFAULT_CPU_CORES, memoryBytes: quantityValue(DEFAULT_MEMORY)! };

/**
 * From an order's `spec.templateID` and `spec.templateParameters` text. Undefined when they cannot
 * be told (unknown template, a text that is not a JSON object, an invalid `cpu_cores` or `memory`):
 * validation denies such an order, and a stored one is counted at the role's defaults by
 * `orderResourcesOrDefault`.
 */
export function orderResources(templateId: unknown, templateParameters: unknown): OrderResources | undefined {
  if (typeof templateId !== "string") return undefined;
  if (templateParameters !== undefined && typeof templateParameters !== "string") return undefined;
  return fromReading(readTemplateParameters(templateId, templateParameters, ["cpu_cores", "memory"]));
}

/** As `orderResources`, from parameters already decoded (the mutating webhook decodes them once). */
export function orderResourcesOfMembers(templateId: unknown, members: Readonly<Record<string, unknown>>): OrderResources | undefined {
  return typeof templateId === "string" ? fromReading(readDecodedParameters(templateId, members, ["cpu_cores", "memory"])) : undefined;
}

function fromReading(reading: ParameterReading | undefined): OrderResources | undefined {
  if (reading === undefined || reading.invalid.length > 0) return undefined;
  const memoryBytes = quantityValue(reading.values.memory);
  return memoryBytes === undefined ? undefined : { vcpus: reading.values.cpuCores, memoryBytes };
}

/** For the tally of stored orders: an order whose resources cannot be read counts at the defaults. */
export function orderResourcesOrDefault(templateId: unknown, templateParameters: unknown): OrderResources {
  return orderResources(templateId, templateParameters) ?? DEFAULT_RESOURCES;
}
