/** Orders naming a catalog template (docs/adr/0028-template-catalog-and-orders.md). */
export {
  CATALOG_ORDER_MODE,
  isCatalogOrder,
  templateOrderOf,
  unknownTemplateMessage,
  validateAnyOrder,
  validateCatalogOrder,
  type AnyOrder,
  type CatalogOrder,
} from "./catalog-order.ts";
export { catalogOfTemplates, EMPTY_CATALOG, whyNotInCatalog, type BuiltCatalog, type TemplateCatalog } from "./template-catalog.ts";
export { catalogOrderWorkload, orderWorkload } from "./workload.ts";
export { CATALOG_ID_PREFIX, catalogTemplateId, isCatalogTemplateId, parseCatalogTemplateId } from "../openshift-template/template-id.ts";
