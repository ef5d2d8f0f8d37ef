/**
 * SSVirt's ids are VMware Cloud Director URNs, `urn:vcloud:<type>:<uuid>` (models/types.go), stored
 * as varchar(255) primary keys.
 */
export const UrnPrefix = {
  organization: "urn:vcloud:org:",
  vdc: "urn:vcloud:vdc:",
  vapp: "urn:vcloud:vapp:",
  vm: "urn:vcloud:vm:",
} as const;

/**
 * The UUID part of a URN for use in a label, as SSVirt's `extractUUIDFromURN` (services/kubernetes.go)
 * takes it: the fourth `:`-separated part when there are at least four, otherwise the whole value
 * with `:` replaced by `-`.
 */
export function uuidOfUrn(urn: string): string {
  const parts = urn.split(":");
  return parts.length >= 4 ? (parts[3] as string) : urn.replaceAll(":", "-");
}

/** A new URN of `prefix` (SSVirt draws a random UUID the same way: `uuid.New()`). */
export function newUrn(prefix: (typeof UrnPrefix)[keyof typeof UrnPrefix], uuid: string): string {
  return `${prefix}${uuid}`;
}
