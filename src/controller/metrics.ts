import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Metrics the controller exports, named `osac_vm_controller_<name>_<unit>`. */
export class ControllerMetrics {
  readonly registry = new Registry();
  readonly reconcileDuration = new Histogram({
    name: "osac_vm_controller_reconcile_duration_seconds",
    help: "Time to reconcile one order, by outcome.",
    labelNames: ["outcome"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({ name: "osac_vm_controller_queue_depth", help: "Order keys waiting to be reconciled.", registers: [this.registry] });
  readonly watchRestarts = new Counter({
    name: "osac_vm_controller_watch_restarts_total",
    help: "Watch restarts (errors and periodic relists), by watched collection.",
    labelNames: ["watch"] as const,
    registers: [this.registry],
  });
  readonly databaseWriteErrors = new Counter({ name: "osac_vm_controller_database_write_errors_total", help: "Failed writes of VM state to the database.", registers: [this.registry] });
  readonly databaseBacklog = new Gauge({ name: "osac_vm_controller_database_backlog", help: "Orders whose latest state is not yet in the database.", registers: [this.registry] });
  readonly leader = new Gauge({ name: "osac_vm_controller_leader", help: "1 while this replica holds the leader Lease.", registers: [this.registry] });
  readonly orders = new Gauge({ name: "osac_vm_controller_orders", help: "Orders in the cache.", registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "osac_vm_controller_" });
  }
}
