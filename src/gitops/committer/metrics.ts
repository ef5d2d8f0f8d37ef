import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

const SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10, 30, 60];

/** Metrics the committer exports, named `osac_vm_committer_<name>_<unit>`. */
export class CommitterMetrics {
  readonly registry = new Registry();
  readonly commits = new Counter({
    name: "osac_vm_committer_commits_total",
    help: "Pushes of a commit, by result: pushed, non_fast_forward (rebased and retried), rejected (by the remote).",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  readonly pushFailures = new Counter({
    name: "osac_vm_committer_push_failures_total",
    help: "Batches that failed to commit or push, by kind (authentication, tls, unreachable, not-found, remote-rejected, other).",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly consecutiveFailures = new Gauge({ name: "osac_vm_committer_consecutive_push_failures", help: "Failed batches in a row (0 once a push succeeds).", registers: [this.registry] });
  readonly changeToPush = new Histogram({
    name: "osac_vm_committer_change_to_push_seconds",
    help: "From an order change reaching the committer to the push of the commit holding it.",
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly pushDuration = new Histogram({ name: "osac_vm_committer_push_duration_seconds", help: "git push, per attempt.", buckets: SECONDS, registers: [this.registry] });
  readonly commitBuildDuration = new Histogram({
    name: "osac_vm_committer_commit_build_duration_seconds",
    help: "Building one commit (git fast-import: blobs, trees, commit).",
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly ordersPerCommit = new Histogram({
    name: "osac_vm_committer_orders_per_commit",
    help: "Orders created, changed or deleted by one commit.",
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000],
    registers: [this.registry],
  });
  readonly pending = new Gauge({ name: "osac_vm_committer_pending_orders", help: "Orders with a change not yet pushed.", registers: [this.registry] });
  readonly removalsHeldBack = new Gauge({
    name: "osac_vm_committer_removals_held_back",
    help: "Order files whose removal the mass-removal guard holds back (0 when none).",
    registers: [this.registry],
  });
  readonly removalHolds = new Counter({ name: "osac_vm_committer_removal_holds_total", help: "Batches whose removals the mass-removal guard held back.", registers: [this.registry] });
  readonly renderFailures = new Counter({
    name: "osac_vm_committer_render_failures_total",
    help: "Orders that could not be rendered, by reason (RenderFailed, SealingCertificateChanged).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly ownedFiles = new Gauge({ name: "osac_vm_committer_owned_files", help: "The committer's files in the branch's tip.", registers: [this.registry] });
  readonly orders = new Gauge({ name: "osac_vm_committer_orders", help: "gitops orders in the cache.", registers: [this.registry] });
  readonly objectStoreBytes = new Gauge({ name: "osac_vm_committer_object_store_bytes", help: "Size of the local repository's objects after the last maintenance.", registers: [this.registry] });
  readonly statusWrites = new Counter({ name: "osac_vm_committer_status_writes_total", help: "Committed conditions written to orders.", registers: [this.registry] });
  readonly refreshes = new Counter({
    name: "osac_vm_committer_argocd_refreshes_total",
    help: "Refresh requests to Argo CD Applications after a push, by result.",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  readonly leader = new Gauge({ name: "osac_vm_committer_leader", help: "1 while this replica holds the leader Lease.", registers: [this.registry] });
  readonly watchRestarts = new Counter({
    name: "osac_vm_committer_watch_restarts_total",
    help: "Watch restarts (errors and periodic relists), by watched collection.",
    labelNames: ["watch"] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "osac_vm_committer_" });
  }
}
