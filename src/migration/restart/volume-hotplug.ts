import { compareValues } from "../compare/compare-values.ts";

type Named = { readonly name?: unknown } & Record<string, unknown>;
type Spec = Record<string, unknown>;

/** KubeVirt's storagetypes.IsHotplugVolume: a DataVolume or PVC volume marked hotpluggable. */
export function isHotplugVolume(volume: Named | undefined): boolean {
  const hotpluggable = (source: unknown) => (source as { hotpluggable?: unknown } | undefined)?.hotpluggable === true;
  return volume !== undefined && (hotpluggable(volume.dataVolume) || hotpluggable(volume.persistentVolumeClaim) || volume.memoryDump !== undefined);
}

/**
 * virt-controller's validLiveUpdateVolumes: every volume added, changed or removed between the
 * two template specs is a hotplug volume. Pure.
 */
export function volumesAreLiveUpdatable(before: Spec, after: Spec): boolean {
  const old = byName(before.volumes);
  for (const volume of list(after.volumes)) {
    const name = String(volume.name);
    if (isHotplugVolume(volume)) old.delete(name);
    else if (!old.has(name) || !same(old.get(name), volume)) return false;
    else old.delete(name);
  }
  return [...old.values()].every((volume) => isHotplugVolume(volume));
}

/**
 * virt-controller's validLiveUpdateDisks: every disk added, changed or removed belongs to a
 * hotplug volume, and no CD-ROM was removed. Pure.
 */
export function disksAreLiveUpdatable(before: Spec, after: Spec): boolean {
  const oldDisks = byName(disksOf(before));
  const oldVolumes = byName(before.volumes);
  const newVolumes = byName(after.volumes);
  const newDisks = byName(disksOf(after));
  for (const disk of list(disksOf(after))) {
    const name = String(disk.name);
    if (isHotplugVolume(newVolumes.get(name))) oldDisks.delete(name);
    else if (!oldDisks.has(name) || !same(oldDisks.get(name), disk)) return false;
    else oldDisks.delete(name);
  }
  for (const [name, disk] of oldDisks) {
    const volume = oldVolumes.get(name);
    if (volume !== undefined && !isHotplugVolume(volume)) return false;
    if (disk.cdrom !== undefined && !newDisks.has(name)) return false;
  }
  return true;
}

function disksOf(spec: Spec): unknown {
  return ((spec.domain as Spec | undefined)?.devices as Spec | undefined)?.disks;
}

export function list(value: unknown): Named[] {
  return Array.isArray(value) ? value.filter((item): item is Named => typeof item === "object" && item !== null) : [];
}

export function byName(value: unknown): Map<string, Named> {
  return new Map(list(value).map((item) => [String(item.name), item]));
}

export function same(a: unknown, b: unknown): boolean {
  return compareValues(a, b).length === 0;
}
