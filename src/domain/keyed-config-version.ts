import { createHmac, type KeyObject } from "node:crypto";

/**
 * The config version stamped on the children of sealed output, instead of `desiredConfigVersion`.
 * `desiredConfigVersion` is an unkeyed FNV-1a-64 of the whole spec, cloud-init user data
 * included: in Git it would let anyone confirm a guess of the user data offline. This version is
 * an HMAC-SHA-256 under the sealing value key (kept outside Git) of the order's place and its
 * `desiredConfigVersion`: it changes exactly when the order's version does, and only a holder of
 * the key (the committer, the CLI with `--seal-key-file`, the controller with
 * `--config-version-key-file`) can tell which version it stands for.
 */
export const KEYED_CONFIG_VERSION_PREFIX = "hmac-sha256:";
const CONTEXT = "osac-vm-gitops config version v1";

export interface VersionedOrder {
  readonly namespace: string;
  readonly name: string;
  readonly desiredConfigVersion: string;
}

export function keyedConfigVersion(key: KeyObject, order: VersionedOrder): string {
  const tag = createHmac("sha256", key).update([CONTEXT, order.namespace, order.name, order.desiredConfigVersion].join("\0")).digest("hex");
  return `${KEYED_CONFIG_VERSION_PREFIX}${tag.slice(0, 32)}`;
}

export function isKeyedConfigVersion(value: string | undefined): boolean {
  return value?.startsWith(KEYED_CONFIG_VERSION_PREFIX) ?? false;
}
