import { listCatalogItems, type SsvirtCatalogItem } from "../../../ssvirt/catalog/index.ts";
import type { TemplateCatalog } from "../../../domain/catalog-order/index.ts";

/**
 * The catalog's Templates as SSVirt's CatalogItems (ADR 28), in SSVirt's own JSON (camelCase, as
 * its API writes them), sorted by name as SSVirt lists them.
 */
export function catalogItems(catalog: TemplateCatalog, catalogId: string): SsvirtCatalogItem[] {
  const templates = catalog.ids().map((id) => catalog.get(id)!);
  return listCatalogItems(templates, catalogId, templates.length, 0);
}

export function findCatalogItem(catalog: TemplateCatalog, catalogId: string, id: string): SsvirtCatalogItem | undefined {
  return catalogItems(catalog, catalogId).find((item) => item.id === id);
}
