import { formatPath } from "../compare/field-path.ts";
import type { ObjectDiff, OrderDiff } from "../diff/order-diff.ts";
import type { VmRestart } from "../diff/vm-restart.ts";
import type { LiveDiffResult } from "../live-diff.ts";
import { table, type Style } from "./style.ts";
import { toYaml, unifiedDiff } from "./unified-diff.ts";

/**
 * The human report of `diff --live`: for each order that differs, a kubectl-style unified diff of
 * every differing child (`--- live/...`, `+++ rendered/...`, YAML, ignored fields left out,
 * secrets redacted) and the restart prediction of its VM; then the summary table.
 */
export function diffReportText(result: LiveDiffResult, style: Style): string {
  const out: string[] = [];
  for (const order of result.orders) {
    if (order.identical) continue;
    out.push(style.bold(`# order ${order.namespace}/${order.name}: managed-by ${order.managedBy}, compared with the ${order.profile} profile`));
    if (order.invalid) for (const error of order.invalid) out.push(style.red(`#   invalid: ${error}`));
    for (const object of order.objects) if (object.state !== "identical") out.push(...objectDiff(object, order, style));
    const restart = restartLine(order.restart, result, style);
    if (restart) out.push(restart);
    out.push("");
  }
  out.push(...summaryLines(result, style));
  return `${out.join("\n")}\n`;
}

function objectDiff(object: ObjectDiff, order: OrderDiff, style: Style): string[] {
  const { apiVersion, kind, namespace, name } = object.object;
  const label = `${apiVersion}/${kind}/${namespace}/${name}`;
  const text = unifiedDiff(toYaml(object.live), toYaml(object.rendered), `live/${label}`, `rendered(${order.profile})/${label}`);
  const causes = [...new Set(object.differences.map((difference) => difference.cause))].join(", ");
  const head = style.dim(`# ${kind} ${namespace}/${name}: ${object.state} (${causes})`);
  return [head, ...text.trimEnd().split("\n").map((line) => colourLine(line, style))];
}

function colourLine(line: string, style: Style): string {
  if (line.startsWith("---") || line.startsWith("+++")) return style.bold(line);
  if (line.startsWith("@@")) return style.cyan(line);
  if (line.startsWith("-")) return style.red(line);
  if (line.startsWith("+")) return style.green(line);
  return line;
}

function restartLine(restart: VmRestart | undefined, result: LiveDiffResult, style: Style): string | undefined {
  if (!restart) return undefined;
  const vm = `VirtualMachine ${restart.vm.namespace}/${restart.vm.name}`;
  const pending = restart.pendingRestart ? "; it already has RestartRequired=True" : "";
  if (restart.restartRequired) {
    const fields = restart.changes.filter((change) => change.restarts).map((change) => `${change.path} (${change.rule})`);
    return style.yellow(`! adoption would restart this VM: ${vm} is running (${restart.evidence}), rollout strategy ${result.strategy.strategy}: ${fields.join(", ")}${pending}`);
  }
  if (restart.changes.length === 0) return restart.pendingRestart ? style.yellow(`! ${vm}${pending}`) : undefined;
  const state = restart.running ? `is running (${restart.evidence}); the changes are live-updatable` : `is not running (${restart.evidence}); the changes apply at its next start`;
  return style.dim(`# ${vm} ${state}: ${restart.changes.map((change) => change.path).join(", ")}${pending}`);
}

function summaryLines(result: LiveDiffResult, style: Style): string[] {
  const { summary } = result;
  const lines = [
    style.bold("Summary"),
    `  orders:    ${summary.orders} selected, ${summary.identical} identical, ${summary.differing} differing${summary.invalid ? ` (${summary.invalid} invalid)` : ""}`,
    `  objects:   ${summary.objects.differing} differing, ${summary.objects.missing} missing, ${summary.objects.extra} extra`,
    `  restarts:  ${summary.restarts} running VM(s) would restart on adoption (rollout strategy ${result.strategy.strategy}: ${result.strategy.source})`,
  ];
  if (result.storageClass.name !== undefined || result.orders.some((order) => order.profile === "aap-parity" && order.objects.some((object) => object.object.kind === "DataVolume" && object.state !== "identical"))) lines.push(`  role's storage class: ${result.storageClass.name ?? "(none)"} (${result.storageClass.source})`);
  if (result.unservedKinds.length > 0) lines.push(style.yellow(`  not served by the cluster: ${result.unservedKinds.join(", ")} (their objects count as missing)`));
  if (summary.causes.length > 0) {
    lines.push("");
    lines.push(...table(["CAUSE", "KIND", "FIELD", "ORDERS", "OBJECTS"], summary.causes.map((row) => [row.cause, row.kind, row.field, String(row.orders), String(row.objects)])));
  }
  return lines;
}

/** One line per difference, for logs and tests: `Kind ns/name field: cause`. */
export function differenceLines(order: OrderDiff): string[] {
  return order.objects.flatMap((object) =>
    object.differences.map((difference) => `${object.object.kind} ${object.object.namespace}/${object.object.name} ${difference.path.length === 0 ? "(object)" : formatPath(difference.path)}: ${difference.cause}`),
  );
}
