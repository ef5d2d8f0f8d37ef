import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

/** Metrics of the migration controller, named `osac_vm_migration_<name>_<unit>`. */
export class MigrationMetrics {
  readonly registry = new Registry();
  readonly steps = new Counter({
    name: "osac_vm_migration_steps_total",
    help: "Migration steps taken, by step (preflight, backup, adopt, verify, rollbackOrder, ...) and outcome (success, error, held: waiting for a healthy platform or the status database).",
    labelNames: ["step", "outcome"] as const,
    registers: [this.registry],
  });
  readonly phase = new Gauge({
    name: "osac_vm_migration_phase",
    help: "1 for each FleetMigration's current phase.",
    labelNames: ["migration_namespace", "migration", "phase"] as const,
    registers: [this.registry],
  });
  readonly adopted = new Gauge({
    name: "osac_vm_migration_orders_adopted",
    help: "Orders a FleetMigration has adopted (and not rolled back).",
    labelNames: ["migration_namespace", "migration"] as const,
    registers: [this.registry],
  });
  readonly total = new Gauge({
    name: "osac_vm_migration_orders_planned",
    help: "Orders a FleetMigration planned into batches.",
    labelNames: ["migration_namespace", "migration"] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "osac_vm_migration_" });
  }
}
