import { isLayoutPath, isOrderFilePath } from "../tree/layout.ts";

/**
 * Where a per-hub render writes (docs/adr/0030-per-hub-output.md): each hub's tree, laid out as a
 * single-cluster tree (docs/adr/0004-output-layout.md), under `hubs/<hub>/`, and the generated
 * Argo CD objects under `argocd/applications/` and `argocd/projects/`. Nothing else under `--out`
 * is touched (a single-cluster tree beside it included).
 */
export const HUBS_DIRECTORY = "hubs";
export const ARGOCD_DIRECTORY = "argocd";

/** A Hub's name (cluster-scoped: a DNS subdomain). */
const HUB_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ARGOCD_PATH = /^(applications|projects)\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?\.yaml$/;

export function isHubDirectoryName(name: string): boolean {
  return name.length <= 253 && HUB_NAME.test(name);
}

/** `hubs/<hub>/<path>` for a path of the hub's own tree. */
export function hubPath(hub: string, treePath: string): string {
  return `${HUBS_DIRECTORY}/${hub}/${treePath}`;
}

export function argoCdPath(treePath: string): string {
  return `${ARGOCD_DIRECTORY}/${treePath}`;
}

/** Whether a path under `argocd/` could be one of ours (the header decides whether it is). */
export function isArgoCdLayoutPath(relativePath: string): boolean {
  return ARGOCD_PATH.test(relativePath);
}

/** A per-hub tree path split into its hub and the path in the hub's tree; undefined for any other path. */
export function splitHubPath(path: string): { readonly hub: string; readonly treePath: string } | undefined {
  if (!path.startsWith(`${HUBS_DIRECTORY}/`)) return undefined;
  const rest = path.slice(HUBS_DIRECTORY.length + 1);
  const slash = rest.indexOf("/");
  if (slash <= 0) return undefined;
  const hub = rest.slice(0, slash);
  const treePath = rest.slice(slash + 1);
  return isHubDirectoryName(hub) && isLayoutPath(treePath) ? { hub, treePath } : undefined;
}

/** `tenant/order` of an order file in a hub's tree, with its hub: how the router finds where an order already is. */
export function existingHubs(paths: Iterable<string>): Map<string, string> {
  const hubOf = new Map<string, string>();
  for (const path of [...paths].sort()) {
    const split = splitHubPath(path);
    if (!split || !isOrderFilePath(split.treePath)) continue;
    const key = split.treePath.slice(0, -".yaml".length);
    if (!hubOf.has(key)) hubOf.set(key, split.hub);
  }
  return hubOf;
}
