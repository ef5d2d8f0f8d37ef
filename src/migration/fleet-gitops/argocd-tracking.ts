import type { LiveObject } from "../live-object.ts";

/** Argo CD's annotation tracking (Argo CD 3's default): `<application>:<group>/<kind>:<namespace>/<name>`. */
export const TRACKING_ID = "argocd.argoproj.io/tracking-id";
export const SYNC_OPTIONS = "argocd.argoproj.io/sync-options";
/** The field manager of Argo CD's server-side apply. */
export const ARGOCD_FIELD_MANAGER = "argocd-controller";

export interface ApplicationRef {
  /** The Application's namespace when the tracking id names one (`<namespace>_<name>`, apps in any namespace), else undefined. */
  readonly namespace?: string;
  readonly name: string;
}

/** The Application an object's tracking id names, or undefined when Argo CD does not track it. Pure. */
export function trackedBy(object: LiveObject): ApplicationRef | undefined {
  const id = object.metadata.annotations?.[TRACKING_ID];
  if (!id) return undefined;
  const application = id.slice(0, id.indexOf(":"));
  if (!application) return undefined;
  const separator = application.indexOf("_");
  return separator > 0 ? { namespace: application.slice(0, separator), name: application.slice(separator + 1) } : { name: application };
}

/**
 * `argocd.argoproj.io/sync-options` with `Prune=false` added (other options kept, an existing
 * `Prune=...` replaced); undefined when it already says Prune=false. Argo CD reads the option from
 * the live object when it prunes (a pruned object has no manifest), so a child marked so outlives
 * the removal of its file. Pure.
 */
export function withPruneDisabled(current: string | undefined): string | undefined {
  const options = (current ?? "").split(",").map((option) => option.trim()).filter((option) => option !== "");
  if (options.includes("Prune=false")) return undefined;
  return [...options.filter((option) => !option.startsWith("Prune=")), "Prune=false"].join(",");
}
