import type { KeyObject } from "node:crypto";
import { isKeyedConfigVersion, keyedConfigVersion, type VersionedOrder } from "../../domain/keyed-config-version.ts";
import type { ChildObservation } from "./order-status.ts";

export interface TranslatedChildren {
  readonly children: ChildObservation[];
  /** Some child carries a keyed version and there is no key to read it with. */
  readonly unverifiable: boolean;
}

/**
 * Sealed output stamps children with a keyed config version (src/domain/keyed-config-version.ts),
 * not the order's `desiredConfigVersion`. With the key, a child carrying the keyed form of the
 * desired version counts as carrying the desired version; any other keyed value is dropped (a
 * version the controller cannot name: not the desired one, and nothing to report as reconciled).
 * Without the key, keyed versions cannot be compared: they are dropped too, and the caller says
 * why. Pure.
 */
export function translateKeyedVersions(children: readonly ChildObservation[], order: VersionedOrder | undefined, key: KeyObject | undefined): TranslatedChildren {
  if (!children.some((child) => isKeyedConfigVersion(child.configVersion))) return { children: [...children], unverifiable: false };
  const expected = key && order ? keyedConfigVersion(key, order) : undefined;
  return {
    children: children.map((child) => {
      if (!isKeyedConfigVersion(child.configVersion)) return child;
      const { configVersion: _keyed, ...rest } = child;
      return expected !== undefined && child.configVersion === expected ? { ...rest, configVersion: order!.desiredConfigVersion } : rest;
    }),
    unverifiable: !key,
  };
}
