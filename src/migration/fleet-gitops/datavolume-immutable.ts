import type { LiveObject } from "../live-object.ts";

/**
 * The fields of a live DataVolume's spec that applying `rendered` would change: every leaf the
 * rendering sets to another value than the live object has (server-side apply leaves fields it
 * does not set alone). CDI refuses any change of a DataVolume's spec, so Argo CD's sync of such a
 * rendering would fail forever (ADR 0034). Arrays compare whole. Pure.
 */
export function dataVolumeSpecChanges(rendered: LiveObject, live: LiveObject): string[] {
  return changedLeaves(rendered.spec, live.spec, "spec");
}

function changedLeaves(rendered: unknown, live: unknown, path: string): string[] {
  if (isObject(rendered)) {
    if (!isObject(live)) return [path];
    return Object.keys(rendered).sort().flatMap((key) => changedLeaves(rendered[key], live[key], `${path}.${key}`));
  }
  return JSON.stringify(rendered) === JSON.stringify(live) ? [] : [path];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
