export {
  DEFAULT_CPUS,
  DEFAULT_MEMORY_BYTES,
  DEFAULT_STORAGE_BYTES,
  extractResourceRequirements,
  extractVmCount,
  listCatalogItems,
  templateToCatalogItem,
  URN_PREFIX_CATALOG,
  URN_PREFIX_CATALOG_ITEM,
  type SsvirtCatalogItem,
  type SsvirtCatalogItemEntity,
  type SsvirtEntityRef,
} from "./catalog-item.ts";
export { goParseInt64, goQueryEscape, goRfc3339, goToLower } from "./go-compat.ts";
export { CATALOG_URN, defaultCatalogId } from "./catalog-id.ts";
