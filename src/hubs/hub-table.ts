import { formatQuantity } from "../domain/placement/quantity-bytes.ts";
import type { HubModel } from "./hub-model.ts";

/**
 * `osac-vm hubs list` as kubectl prints resources: upper-case headers, columns padded with three
 * spaces, `<none>` for nothing, ages as 45s / 12m / 3h / 5d. `allocated/capacity` per dimension,
 * `-` for a dimension without a limit. Pure: `nowMs` is passed in.
 */
export function formatHubTable(hubs: readonly HubModel[], options: { readonly wide?: boolean; readonly nowMs: number }): string {
  if (hubs.length === 0) return "No hubs found.\n";
  const headers = ["NAME", "TYPE", "REACHABLE", "REASON", "CORDONED", "VMS", "VCPUS", "MEMORY", "LAST PROBE", "AGE"];
  if (options.wide) headers.push("CAPABILITIES", "LABELS", "ARGOCD CLUSTER", "STORAGE CLASS");
  const rows = hubs.map((hub) => {
    const allocated = hub.allocated;
    const row = [
      hub.name,
      hub.hubType,
      hub.reachable?.status ?? "Unknown",
      hub.reachable?.reason ?? "<none>",
      hub.cordoned ? "true" : "false",
      `${allocated?.vms ?? 0}/${hub.capacity.vms ?? "-"}`,
      `${allocated?.vcpus ?? 0}/${hub.capacity.vcpus ?? "-"}`,
      `${formatQuantity(allocated?.memoryBytes ?? 0)}/${hub.capacity.memoryBytes === undefined ? "-" : formatQuantity(hub.capacity.memoryBytes)}`,
      hub.lastProbeTime ? `${age(hub.lastProbeTime, options.nowMs)} ago` : "<none>",
      hub.creationTimestamp ? age(hub.creationTimestamp, options.nowMs) : "<unknown>",
    ];
    if (options.wide) {
      const labels = Object.entries(hub.labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, value]) => `${key}=${value}`)
        .join(",");
      row.push(hub.capabilities.join(",") || "<none>", labels || "<none>", hub.argocdClusterName ?? "<none>", hub.defaultStorageClass ?? "<none>");
    }
    return row;
  });
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]! + 3))).join("");
  return `${[line(headers), ...rows.map(line)].join("\n")}\n`;
}

/** kubectl's short durations: 59s, 12m, 3h, 5d (the largest unit that is at least 1, whole). */
export function age(timestamp: string, nowMs: number): string {
  const seconds = Math.max(0, Math.floor((nowMs - Date.parse(timestamp)) / 1000));
  if (!Number.isFinite(seconds)) return "<unknown>";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}
