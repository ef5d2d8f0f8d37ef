import { checkRemovals, type RemovalPolicy, type RemovalVerdict } from "../tree/removal-guard.ts";
import { isOrderFilePath } from "../tree/layout.ts";
import { hubPath, splitHubPath } from "./hub-layout.ts";

/**
 * The removal guard (docs/adr/0014-render-safety.md) over a per-hub tree: once for each hub's own
 * tree (a hub that loses most of its orders at once, or all of them because it left the hub file,
 * is refused even when the fleet is large) and once for the whole fleet (the count limit is per
 * render). Pure.
 */
export interface HubRemovalVerdict {
  /** The first refusal (hubs by name, then the fleet), else the fleet's verdict. */
  readonly verdict: RemovalVerdict;
  /** Which tree the verdict is about: `hubs/<hub>` or "" for the whole fleet. */
  readonly tree: string;
}

export function checkHubRemovals(
  request: { readonly filesInTree: readonly string[]; readonly plannedFiles: readonly string[]; readonly removedFiles: readonly string[] },
  policy: RemovalPolicy,
): HubRemovalVerdict {
  const hubs = new Set<string>();
  const byHub = (paths: readonly string[]) => {
    const grouped = new Map<string, string[]>();
    for (const path of paths) {
      const split = splitHubPath(path);
      if (!split) continue;
      hubs.add(split.hub);
      grouped.set(split.hub, [...(grouped.get(split.hub) ?? []), split.treePath]);
    }
    return grouped;
  };
  const inTree = byHub(request.filesInTree);
  const planned = byHub(request.plannedFiles);
  const removed = byHub(request.removedFiles);
  for (const hub of [...hubs].sort()) {
    const verdict = checkRemovals(
      { filesInTree: inTree.get(hub) ?? [], plannedFiles: planned.get(hub) ?? [], removedFiles: removed.get(hub) ?? [] },
      policy,
    );
    if (!verdict.allowed) return { verdict: { ...verdict, removedOrders: verdict.removedOrders.map((path) => hubPath(hub, path)) }, tree: `hubs/${hub}` };
  }
  // The fleet: every hub's files together (paths repeat across hubs; only counts matter here).
  const all = (grouped: Map<string, string[]>) => [...grouped.values()].flat();
  const fleet = checkRemovals({ filesInTree: all(inTree), plannedFiles: all(planned), removedFiles: all(removed) }, policy);
  const removedOrders = request.removedFiles.filter((path) => {
    const split = splitHubPath(path);
    return split !== undefined && isOrderFilePath(split.treePath);
  });
  return { verdict: { ...fleet, removedOrders: removedOrders.sort() }, tree: "" };
}
