import { goFieldNameMatches } from "../../domain/openshift-template/go-field-name.ts";
import type { OpenShiftTemplate, JsonValue } from "../../domain/openshift-template/types.ts";
import { isJsonObject } from "../../domain/openshift-template/types.ts";
import { templateDescription } from "../../domain/openshift-template/catalog-entry.ts";
import { goParseInt64, goQueryEscape, goRfc3339, goToLower } from "./go-compat.ts";

/**
 * SSVirt's CatalogItem (`pkg/database/models/catalogitem.go`), built from a Template exactly as
 * SSVirt's `TemplateMapper` does (`pkg/services/template.go`: `TemplateToCatalogItem`,
 * `ExtractVMCount`, `ExtractResourceRequirements`). Field names are SSVirt's JSON names.
 */
export interface SsvirtCatalogItem {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly catalogId: string;
  readonly isPublished: boolean;
  readonly isExpired: boolean;
  readonly creationDate: string;
  readonly size: number;
  readonly status: string;
  readonly entity: SsvirtCatalogItemEntity;
  readonly owner: SsvirtEntityRef;
  readonly catalog: SsvirtEntityRef;
}

export interface SsvirtCatalogItemEntity {
  readonly name: string;
  readonly description: string;
  readonly type: string;
  readonly numberOfVMs: number;
  readonly numberOfCpus: number;
  readonly memoryAllocation: number;
  readonly storageAllocation: number;
}

export interface SsvirtEntityRef {
  readonly name: string;
  readonly id: string;
}

/** `models.URNPrefixCatalog` and `models.URNPrefixCatalogItem`. */
export const URN_PREFIX_CATALOG = "urn:vcloud:catalog:";
export const URN_PREFIX_CATALOG_ITEM = "urn:vcloud:catalogitem:";
const PUBLISHED_LABEL = "catalog.ssvirt.io/published";
const VAPP_TEMPLATE_TYPE = "application/vnd.vmware.vcloud.vAppTemplate+xml";
const GIB = 1024 * 1024 * 1024;
/** `ExtractResourceRequirements`'s defaults. */
export const DEFAULT_CPUS = 1;
export const DEFAULT_MEMORY_BYTES = GIB;
export const DEFAULT_STORAGE_BYTES = 10 * GIB;

/** `TemplateMapper.TemplateToCatalogItem(template, catalogID)`. */
export function templateToCatalogItem(template: OpenShiftTemplate, catalogId: string): SsvirtCatalogItem {
  const { name, labels, annotations, creationTimestamp } = template.metadata;
  const description = annotations ? templateDescription(annotations) : "";
  const numberOfVMs = extractVmCount(template);
  const { cpus, memoryBytes, storageBytes } = extractResourceRequirements(template);
  const catalogUuid = catalogId.startsWith(URN_PREFIX_CATALOG) ? catalogId.slice(URN_PREFIX_CATALOG.length) : catalogId;
  return {
    id: `${URN_PREFIX_CATALOG_ITEM}${catalogUuid}:${goQueryEscape(name)}`,
    name,
    description,
    catalogId,
    isPublished: labels?.[PUBLISHED_LABEL] === "true",
    isExpired: false,
    creationDate: goRfc3339(creationTimestamp),
    // "2GB per VM estimate"
    size: numberOfVMs * 2 * GIB,
    status: "AVAILABLE",
    entity: {
      name,
      description,
      type: VAPP_TEMPLATE_TYPE,
      numberOfVMs,
      numberOfCpus: cpus,
      memoryAllocation: memoryBytes,
      storageAllocation: storageBytes,
    },
    owner: { name: "System", id: "" },
    catalog: { name: "Templates", id: catalogId },
  };
}

/**
 * `ExtractVMCount`: objects whose kind is `VirtualMachine` or `VirtualMachineInstance` (any
 * apiVersion), at least 1. SSVirt decodes each raw object into a `metav1.TypeMeta`; an object
 * that fails that decode (not a JSON object, or a non-string `kind`/`apiVersion`) is not counted.
 */
export function extractVmCount(template: OpenShiftTemplate): number {
  const count = template.objects.filter((object) => {
    const kind = typeMetaKind(object);
    return kind === "VirtualMachine" || kind === "VirtualMachineInstance";
  }).length;
  return count === 0 ? 1 : count;
}

/**
 * `json.Unmarshal(raw, &typeMeta)`'s `Kind`, or undefined when the decode fails. Go matches keys
 * case-insensitively and the last matching key wins; null leaves the field as it was.
 */
function typeMetaKind(object: JsonValue): string | undefined {
  if (!isJsonObject(object)) return undefined;
  let kind = "";
  for (const [key, value] of Object.entries(object)) {
    const isKind = goFieldNameMatches(key, "kind");
    if (!isKind && !goFieldNameMatches(key, "apiVersion")) continue;
    if (value === null) continue;
    if (typeof value !== "string") return undefined;
    if (isKind) kind = value;
  }
  return kind;
}

/**
 * `ExtractResourceRequirements`: parameters named (case-insensitively) `cpu`, `cpus`, `vcpu`,
 * `vcpus` give the CPU count (`strconv.Atoi` of the value), `memory`, `ram` the memory and
 * `storage`, `disk`, `disksize` the storage (`strconv.ParseInt`, bytes). Only the parameter's
 * `value` counts (not a generator); a later match wins; a value that does not parse leaves the
 * previous one (at first the defaults: 1 CPU, 1 GiB, 10 GiB).
 */
export function extractResourceRequirements(template: OpenShiftTemplate): { cpus: number; memoryBytes: number; storageBytes: number } {
  let cpus = DEFAULT_CPUS;
  let memoryBytes = DEFAULT_MEMORY_BYTES;
  let storageBytes = DEFAULT_STORAGE_BYTES;
  for (const parameter of template.parameters) {
    const value = goParseInt64(parameter.value ?? "");
    if (value === undefined) continue;
    switch (goToLower(parameter.name)) {
      case "cpu":
      case "cpus":
      case "vcpu":
      case "vcpus":
        cpus = value;
        break;
      case "memory":
      case "ram":
        memoryBytes = value;
        break;
      case "storage":
      case "disk":
      case "disksize":
        storageBytes = value;
        break;
    }
  }
  return { cpus, memoryBytes, storageBytes };
}

/**
 * `TemplateService.ListCatalogItems`: items sorted by name (byte order; Template names are
 * ASCII), then `[offset, offset+limit)` clamped to the list.
 */
export function listCatalogItems(templates: readonly OpenShiftTemplate[], catalogId: string, limit: number, offset: number): SsvirtCatalogItem[] {
  const items = templates.map((template) => templateToCatalogItem(template, catalogId));
  items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const start = Math.min(offset, items.length);
  const end = Math.min(offset + limit, items.length);
  return items.slice(start, Math.max(start, end));
}
