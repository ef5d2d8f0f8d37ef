// The Grafana dashboard shipped by the chart queries only metrics the processes export, and shows
// every metric the project defines (osac_vm_webhook_*, osac_vm_controller_* and osac_vm_migration_*).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ControllerMetrics } from "../../../src/controller/metrics.ts";
import { MigrationMetrics } from "../../../src/migration/fleet-controller/metrics.ts";
import { WebhookMetrics } from "../../../src/webhook/metrics.ts";

const DASHBOARD = join(import.meta.dirname, "../../../charts/osac-vm-gitops/files/dashboards/osac-vm-gitops.json");

async function exported(): Promise<{ all: Set<string>; own: Set<string> }> {
  const all = new Set<string>();
  const own = new Set<string>();
  for (const registry of [new WebhookMetrics().registry, new ControllerMetrics().registry, new MigrationMetrics().registry]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      const names = metric.type === ("histogram" as never) ? ["_bucket", "_count", "_sum"].map((s) => metric.name + s) : [metric.name];
      for (const name of names) all.add(name);
      if (!/_(process|nodejs)_/.test(metric.name)) own.add(metric.name);
    }
  }
  return { all, own };
}

function queries(dashboard: any): string[] {
  const out: string[] = [];
  const walk = (node: any) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      if (typeof node.expr === "string") out.push(node.expr);
      Object.values(node).forEach(walk);
    }
  };
  walk(dashboard.panels);
  return out;
}

describe("the Grafana dashboard", () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8"));
  const used = new Set(queries(dashboard).flatMap((expr) => expr.match(/osac_vm_[a-z0-9_]+/g) ?? []));

  it("GIVEN every query THEN each metric it names is exported by the webhook or the controller", async () => {
    const { all } = await exported();
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((name) => !all.has(name))).toEqual([]);
  });

  it("GIVEN the project's own metrics THEN each one is on the dashboard", async () => {
    const { own } = await exported();
    const shown = (name: string) => [...used].some((u) => u === name || u.startsWith(`${name}_`));
    expect([...own].filter((name) => !shown(name))).toEqual([]);
  });

  it("GIVEN the panels THEN ids are unique and every query uses the datasource variable", () => {
    const ids = dashboard.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels.filter((p: any) => p.type !== "row")) expect(panel.datasource.uid).toBe("${datasource}");
  });
});
