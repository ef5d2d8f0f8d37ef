import { base32LowerNoPad } from "./hashing/base32.ts";
import { fnv1a64 } from "./hashing/fnv1a64.ts";

/** The 13-character suffix the cloudkit operator derives from a tenant name. */
export function tenantHash(tenant: string): string {
  return base32LowerNoPad(fnv1a64(Buffer.from(tenant, "utf8")));
}

/** Where an order's children live: `<order namespace>-<tenantHash(tenant)>`. */
export function tenantNamespace(orderNamespace: string, tenant: string): string {
  return `${orderNamespace}-${tenantHash(tenant)}`;
}

/** The Tenant CR the operator creates beside the order: `tenant-<tenantHash(tenant)>`. */
export function tenantObjectName(tenant: string): string {
  return `tenant-${tenantHash(tenant)}`;
}

export const TENANT_HASH_LENGTH = 13;
