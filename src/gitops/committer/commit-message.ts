/** One order in a commit: what happened to its file and the config version it now carries. */
export interface OrderChange {
  readonly orderKey: string;
  readonly change: "created" | "changed" | "deleted";
  /** The config version stamped on its children (keyed when sealed: commit-message text is in Git). */
  readonly configVersion?: string;
}

export interface CommitSummary {
  readonly orders: readonly OrderChange[];
  readonly namespaceFiles: { readonly written: readonly string[]; readonly removed: readonly string[] };
  /** The generated Argo CD Applications and AppProjects (per-hub output). */
  readonly argoCdFiles?: { readonly written: readonly string[]; readonly removed: readonly string[] };
  /** Our files another commit had changed, which this commit puts back (the live orders win). */
  readonly overridden: readonly string[];
  /** The replica that made the commit (its leader identity). */
  readonly committer: string;
}

const TRAILER = "Osac-Vm-Committer";

/**
 * The commit message: a subject with counts, then each order created, changed or deleted with its
 * config version, the tenant Namespace files, the files of ours that another commit had changed
 * (the state rendered from the live orders wins, and says so), and a trailer naming the replica.
 * Pure. Nothing secret: order names are not, and the config versions of sealed output are keyed.
 */
export function commitMessage(summary: CommitSummary): string {
  const count = (change: OrderChange["change"]) => summary.orders.filter((order) => order.change === change);
  const groups = [
    ["Created", count("created")],
    ["Changed", count("changed")],
    ["Deleted", count("deleted")],
  ] as const;
  const counts = groups.filter(([, orders]) => orders.length > 0).map(([title, orders]) => `${title.toLowerCase()} ${orders.length}`);
  const { written, removed } = summary.namespaceFiles;
  const argoCd = summary.argoCdFiles ?? { written: [], removed: [] };
  const argoCdCount = argoCd.written.length + argoCd.removed.length;
  const subject =
    counts.length > 0
      ? `${counts.join(", ")} order(s)`
      : summary.overridden.length > 0
        ? `restored ${summary.overridden.length} file(s)`
        : argoCdCount > 0 && written.length + removed.length === 0
          ? `${argoCdCount} Argo CD file(s)`
          : `${written.length + removed.length} tenant namespace file(s)`;
  const lines = [`osac-vm committer: ${subject}`, ""];
  for (const [title, orders] of groups) {
    if (orders.length === 0) continue;
    lines.push(`${title}:`);
    for (const order of [...orders].sort((a, b) => compare(a.orderKey, b.orderKey))) {
      lines.push(`  VirtualMachine ${order.orderKey}${order.configVersion ? ` (config version ${order.configVersion})` : ""}`);
    }
  }
  if (written.length > 0) lines.push(`Tenant namespace files written: ${[...written].sort().join(", ")}`);
  if (removed.length > 0) lines.push(`Tenant namespace files removed: ${[...removed].sort().join(", ")}`);
  if (argoCd.written.length > 0) lines.push(`Argo CD files written: ${[...argoCd.written].sort().join(", ")}`);
  if (argoCd.removed.length > 0) lines.push(`Argo CD files removed: ${[...argoCd.removed].sort().join(", ")}`);
  if (summary.overridden.length > 0) {
    lines.push(`Overrode ${summary.overridden.length} file(s) of ours that another commit had changed; the state rendered from the live orders wins:`);
    for (const path of [...summary.overridden].sort()) lines.push(`  ${path}`);
  }
  lines.push("", `${TRAILER}: ${summary.committer}`);
  return `${lines.join("\n")}\n`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
