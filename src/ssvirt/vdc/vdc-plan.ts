import { isValidNamespaceName } from "../model/namespace-name.ts";
import type { VdcView } from "../model/records.ts";

/** A namespace this project keeps, and the VDC row it is kept for. */
export interface KeptNamespace {
  readonly namespace: string;
  readonly view: VdcView;
}

export interface VdcNamespacePlan {
  /** Namespaces of VDC rows that are not deleted (enabled or disabled): rendered / applied. */
  readonly kept: readonly KeptNamespace[];
  /**
   * Namespaces whose VDC rows are all soft-deleted: each goes once it holds no VM. `view` is the
   * most recently deleted row naming it.
   */
  readonly deleted: readonly KeptNamespace[];
  /** Rows that cannot be acted on, each with the reason (logged and reported; never guessed). */
  readonly problems: readonly string[];
}

/**
 * Sorts every VDC row by what its namespace needs. SSVirt stores a VDC's namespace once, when it
 * creates the row (the namespace rule, with a `-N` suffix on collision), so the stored
 * `vdcs.namespace` is authoritative and never recomputed here: an empty or invalid one is a
 * problem to report. A namespace may appear on several rows (a deleted VDC's name is reused by a
 * new one); a row that is not deleted wins. Two live rows cannot share one (SSVirt's partial
 * unique index), but if they do, neither is acted on. Sorted by namespace. Pure.
 */
export function planVdcNamespaces(views: readonly VdcView[]): VdcNamespacePlan {
  const problems: string[] = [];
  const byNamespace = new Map<string, VdcView[]>();
  for (const view of views) {
    const { vdc } = view;
    if (vdc.namespace === "") {
      if (vdc.deletedAt === null) problems.push(`VDC ${vdc.id} (${JSON.stringify(vdc.name)}) has no namespace in vdcs.namespace; SSVirt sets it when it creates the VDC`);
      continue;
    }
    if (!isValidNamespaceName(vdc.namespace)) {
      if (vdc.deletedAt === null) problems.push(`VDC ${vdc.id} (${JSON.stringify(vdc.name)}): vdcs.namespace ${JSON.stringify(vdc.namespace)} is not a valid namespace name (a DNS-1123 label of at most 63 characters)`);
      continue;
    }
    const list = byNamespace.get(vdc.namespace) ?? [];
    list.push(view);
    byNamespace.set(vdc.namespace, list);
  }
  const kept: KeptNamespace[] = [];
  const deleted: KeptNamespace[] = [];
  for (const namespace of [...byNamespace.keys()].sort()) {
    const rows = byNamespace.get(namespace)!;
    const live = rows.filter((view) => view.vdc.deletedAt === null);
    if (live.length > 1) {
      problems.push(`namespace ${namespace} is claimed by ${live.length} VDCs that are not deleted (${live.map((view) => view.vdc.id).join(", ")}); none of them is applied`);
      continue;
    }
    if (live.length === 1) kept.push({ namespace, view: live[0]! });
    else deleted.push({ namespace, view: newestDeleted(rows) });
  }
  return { kept, deleted, problems };
}

function newestDeleted(rows: readonly VdcView[]): VdcView {
  return rows.reduce((newest, view) => ((view.vdc.deletedAt?.getTime() ?? 0) > (newest.vdc.deletedAt?.getTime() ?? 0) ? view : newest));
}
