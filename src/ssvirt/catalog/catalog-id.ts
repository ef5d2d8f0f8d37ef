import { uuidV5 } from "../../domain/firmware-uuid.ts";
import { URN_PREFIX_CATALOG } from "./catalog-item.ts";

/** This project's UUID namespace for the SSVirt catalog URN of a template namespace. Fixed forever: CatalogItem ids derive from it. */
const CATALOG_UUID_NAMESPACE = "0c6f1f3e-5d2b-4f7a-8e91-b3a4c5d6e7f8";

/**
 * The SSVirt catalog URN of the catalog templates when the operator names none
 * (OSAC_VM_SSVIRT_CATALOG_ID): SSVirt's catalogs are rows of its `catalogs` table, which this
 * catalog is not, so the URN is derived from the template namespace, a name-based UUID, the same
 * on every replica and restart (ADR 28).
 */
export function defaultCatalogId(templateNamespace: string): string {
  return `${URN_PREFIX_CATALOG}${uuidV5(`template-namespace:${templateNamespace}`, CATALOG_UUID_NAMESPACE)}`;
}

export const CATALOG_URN = /^urn:vcloud:catalog:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
