import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Metrics of `osac-vm ssvirt controller`, named `osac_vm_ssvirt_<name>_<unit>`. */
export class SsvirtMetrics {
  readonly registry = new Registry();
  readonly leader = new Gauge({ name: "osac_vm_ssvirt_leader", help: "1 while this replica holds the leader Lease.", registers: [this.registry] });
  readonly vdcPolls = new Counter({
    name: "osac_vm_ssvirt_vdc_polls_total",
    help: "Checks of SSVirt's vdcs/organizations for a change, by result (unchanged, changed, resync, error).",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  readonly vdcPollDuration = new Histogram({
    name: "osac_vm_ssvirt_vdc_poll_duration_seconds",
    help: "Time of one change check of SSVirt's VDC tables (and of the full read that follows a change).",
    labelNames: ["query"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly vdcNamespaces = new Gauge({
    name: "osac_vm_ssvirt_vdc_namespaces",
    help: "VDC namespaces by state: enabled, disabled, retained (deleted VDC, still holding VMs).",
    labelNames: ["state"] as const,
    registers: [this.registry],
  });
  readonly vdcProblems = new Gauge({ name: "osac_vm_ssvirt_vdc_problems", help: "VDC rows that cannot be acted on (no or invalid namespace, a namespace claimed twice).", registers: [this.registry] });
  readonly vdcApplies = new Counter({ name: "osac_vm_ssvirt_vdc_applies_total", help: "Server-side applies of VDC namespace objects, by kind.", labelNames: ["kind"] as const, registers: [this.registry] });
  readonly vdcNamespaceDeletions = new Counter({ name: "osac_vm_ssvirt_vdc_namespace_deletions_total", help: "Namespaces of deleted VDCs deleted (they held no VM).", registers: [this.registry] });
  readonly vmWrites = new Counter({
    name: "osac_vm_ssvirt_vm_status_writes_total",
    help: "VM observations sent to SSVirt's database, by outcome (updated, created, unchanged, unmanaged, error).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly vmStatements = new Counter({ name: "osac_vm_ssvirt_vm_status_statements_total", help: "SQL statements sent for VM observations (transaction control not counted).", registers: [this.registry] });
  readonly vmWriteDuration = new Histogram({
    name: "osac_vm_ssvirt_vm_status_write_duration_seconds",
    help: "Time of one VM observation's database transaction.",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });
  readonly vappStatusChanges = new Counter({ name: "osac_vm_ssvirt_vapp_status_changes_total", help: "vApp statuses changed by the aggregation of their VMs' statuses.", registers: [this.registry] });
  readonly databaseAvailable = new Gauge({ name: "osac_vm_ssvirt_database_available", help: "0 while SSVirt's database is unreachable (writes wait, nothing is lost).", registers: [this.registry] });
  readonly databaseWaiting = new Gauge({ name: "osac_vm_ssvirt_database_waiting_vms", help: "VMs whose latest state waits for SSVirt's database to come back.", registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: "osac_vm_ssvirt_queue_depth", help: "Keys waiting, by queue (vdc, vm).", labelNames: ["queue"] as const, registers: [this.registry] });
  readonly reconcileDuration = new Histogram({
    name: "osac_vm_ssvirt_reconcile_duration_seconds",
    help: "Time to reconcile one key, by queue and outcome.",
    labelNames: ["queue", "outcome"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly watchRestarts = new Counter({ name: "osac_vm_ssvirt_watch_restarts_total", help: "Watch restarts (errors and periodic relists), by watched collection.", labelNames: ["watch"] as const, registers: [this.registry] });
  readonly events = new Counter({ name: "osac_vm_ssvirt_events_total", help: "Kubernetes Events, by result (sent, failed, dropped).", labelNames: ["result"] as const, registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "osac_vm_ssvirt_" });
    this.databaseAvailable.set(1);
  }
}
