import { createHash } from "node:crypto";

/**
 * This project's UUID namespace for name-based (version 5) firmware UUIDs. Fixed forever: changing
 * it would change the SMBIOS UUID of every Git-managed VM on its next restart.
 */
const FIRMWARE_UUID_NAMESPACE = "6f1b8a3e-52c4-4d0e-9a57-3c2f0b9e7d41";

/** A UUID as KubeVirt writes one: 8-4-4-4-12 hexadecimal digits. */
const UUID_SYNTAX = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(value: string): boolean {
  return UUID_SYNTAX.test(value);
}

/**
 * The `firmware.uuid` of a KubeVirt VM: the order's pinned one (`cloudkit.openshift.io/firmware-uuid`,
 * the identity an adopted VM already has) when it has one, else a deterministic one: UUIDv5 of the
 * fulfillment order id when the order has one, else of `<namespace>/<name>`. KubeVirt's webhook
 * writes a random one on create when none is given, which a Git-managed VM would then show as drift.
 */
export function firmwareUuid(seed: { readonly pinnedFirmwareUuid?: string; readonly orderUuid?: string; readonly namespace: string; readonly name: string }): string {
  if (seed.pinnedFirmwareUuid) return seed.pinnedFirmwareUuid;
  const name = seed.orderUuid ? `order-uuid:${seed.orderUuid}` : `order:${seed.namespace}/${seed.name}`;
  return uuidV5(name, FIRMWARE_UUID_NAMESPACE);
}

export function uuidV5(name: string, namespace: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(namespace.replaceAll("-", ""), "hex"))
    .update(name, "utf8")
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
