import type { Explanation } from "../explain/explanation.ts";
import { table, type Style } from "./style.ts";

const MAX_MESSAGE = 80;

/** One screen about one order (`osac-vm explain`): each section under a bold heading. */
export function explainReportText(explanation: Explanation, style: Style): string {
  const { order } = explanation;
  const out: string[] = [];
  const heading = (text: string) => out.push("", style.bold(text));
  out.push(style.bold(`Order ${order.namespace}/${order.name}`) + (order.uid ? style.dim(`  uid ${order.uid}`) : ""));
  out.push(`  tenant ${order.tenant ?? "(none)"} → children in ${order.tenantNamespace ?? "(unknown)"}; template ${order.templateId ?? "(none)"}${order.orderUuid ? `; uuid ${order.orderUuid}` : ""}`);
  out.push(`  config version: desired ${order.desiredConfigVersion ?? "(invalid order)"}, reconciled ${order.reconciledConfigVersion ?? "(not yet)"}; phase ${order.phase ?? "(no status)"}`);
  for (const error of explanation.errors) out.push(style.red(`  invalid: ${error}`));

  heading("Managed by");
  out.push(`  ${style.cyan(explanation.managedBy.value)}: ${explanation.managedBy.reason}`);
  out.push(`  children compared with the ${explanation.profile} profile`);

  heading("Storage class");
  const live = explanation.storageClass.live ? `; live DataVolume: ${explanation.storageClass.live}` : "";
  out.push(`  ${explanation.storageClass.name ?? "(none rendered)"}: ${explanation.storageClass.source}${live}`);

  heading("Parameters (after defaults)");
  out.push(...indent(table(["NAME", "VALUE", "SOURCE"], explanation.parameters.map((parameter) => [parameter.name, parameter.value === undefined ? "-" : String(parameter.value), parameter.source]))));

  heading("Children (live against rendered)");
  const childLines = table(
    ["KIND", "NAME", "STATE", "CONFIG VERSION", "DIFFERENCES"],
    explanation.children.map((child) => [
      child.kind,
      child.name,
      child.state,
      versionText(child.liveConfigVersion, order.desiredConfigVersion),
      child.differences.map((difference) => `${difference.field} (${difference.cause})`).join(", ") || "-",
    ]),
  );
  out.push(...indent(childLines.map((line, index) => (index === 0 ? line : explanation.children[index - 1]!.state === "identical" ? style.green(line) : style.yellow(line)))));
  const restart = explanation.restart;
  if (restart) {
    const fields = restart.changes.filter((change) => change.restarts).map((change) => change.path);
    const verdict = restart.restartRequired
      ? style.yellow(`adoption would restart this VM: ${fields.join(", ")}`)
      : restart.changes.length > 0
        ? `${restart.changes.length} template change(s), none restarts it`
        : "no template change";
    out.push(`  VM ${restart.running ? "running" : "not running"} (${restart.evidence}); rollout strategy ${explanation.rolloutStrategy.strategy} (${explanation.rolloutStrategy.source}): ${verdict}`);
  }

  heading("Conditions");
  out.push(
    ...indent(
      table(
        ["TYPE", "STATUS", "REASON", "SINCE", "MESSAGE"],
        explanation.conditions.map((condition) => [condition.type ?? "", condition.status ?? "", condition.reason ?? "", condition.lastTransitionTime ?? "", shorten(condition.message ?? "")]),
      ),
    ),
  );
  const database = explanation.database;
  heading(`History (${database.source})`);
  if (database.note) out.push(database.available ? `  ${database.note}` : style.yellow(`  ${database.note}`));
  if (database.state) out.push(`  now: ${database.state.state}, power ${database.state.powerStatus}, addresses ${database.state.ipAddresses.join(", ") || "-"}, observed ${database.state.observedAt}`);
  if (database.history.length > 0) {
    out.push(
      ...indent(
        table(
          ["OBSERVED", "STATE", "POWER", "DESIRED", "RECONCILED", "ADDRESSES"],
          database.history.map((row) => [row.observedAt, row.state, row.powerStatus, row.desiredConfigVersion ?? "-", row.reconciledConfigVersion ?? "-", row.ipAddresses.join(",") || "-"]),
        ),
      ),
    );
  }

  heading("Last commit");
  const commit = explanation.lastCommit.commit;
  out.push(commit ? `  ${commit.sha} with config version ${commit.configVersion}${commit.at ? ` at ${commit.at}` : ""}: ${explanation.lastCommit.note}` : `  ${explanation.lastCommit.note}`);
  return `${out.join("\n")}\n`;
}

function indent(lines: readonly string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

function versionText(live: string | undefined, desired: string | undefined): string {
  if (!live) return "-";
  return live === desired ? `${live} (current)` : `${live} (order: ${desired ?? "?"})`;
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, " ");
  return line.length <= MAX_MESSAGE ? line : `${line.slice(0, MAX_MESSAGE - 1)}…`;
}
