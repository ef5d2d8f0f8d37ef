import type { RawObject } from "../../controller/cache/raw-object.ts";
import { TerminalError } from "../../controller/runtime/work-queue.ts";
import { DatabaseQueryError, StatusStoreError } from "../../platform/database/errors.ts";
import type { SqlSession } from "../../platform/database/sql-session.ts";
import type { EventRecorder } from "../../platform/kube/event-recorder.ts";
import type { Logger } from "../../platform/logger.ts";
import { VAppNameTakenError, writeVmObservation } from "../database/vm-row-writer.ts";
import { observationFingerprint, observeDeletedVm, observeVm, type VmObservation } from "../status/vm-observation.ts";
import type { DatabaseGate } from "./database-gate.ts";
import type { SsvirtMetrics } from "./metrics.ts";

export interface VmStatusReconcilerDeps {
  /** Whether any VDC row names the namespace (only those VMs are looked at). */
  readonly isVdcNamespace: (namespace: string) => boolean;
  readonly vm: (namespace: string, name: string) => RawObject | undefined;
  readonly vmi: (namespace: string, name: string) => RawObject | undefined;
  readonly session: SqlSession;
  readonly gate: DatabaseGate;
  readonly events: EventRecorder;
  readonly metrics: SsvirtMetrics;
  readonly logger: Logger;
}

/** SQLSTATEs worth a retry: serialization failure, deadlock (SSVirt's own writers lock in another order). */
const RETRYABLE_SQL_STATES = new Set(["40001", "40P01"]);

/**
 * Keeps one VM's row in SSVirt's database as KubeVirt reports it (key `<namespace>/<name>`): the
 * observation is computed from the caches, and sent only when it differs from what this replica
 * last wrote for the VM (a resync sends it anyway; the database then writes only what differs).
 * While the database is unreachable the key waits at the gate; its latest state is read when it
 * is released, so an outage loses nothing.
 */
export class VmStatusReconciler {
  private readonly written = new Map<string, string>();
  private readonly lastSeen = new Map<string, RawObject>();
  private readonly forcedKeys = new Set<string>();

  constructor(private readonly deps: VmStatusReconcilerDeps) {}

  /** The informer saw the VM go: keep its last labels to find its row. */
  rememberDeleted(object: RawObject): void {
    this.lastSeen.set(`${object.metadata.namespace}/${object.metadata.name}`, object);
  }

  /** The next pass of `key` writes even when nothing changed since the last write (a resync). */
  force(key: string): void {
    this.forcedKeys.add(key);
  }

  /** Forget what was written (a new leader writes every VM once). */
  forget(): void {
    this.written.clear();
  }

  async reconcile(key: string): Promise<void> {
    const slash = key.indexOf("/");
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const forced = this.forcedKeys.delete(key);
    if (!this.deps.isVdcNamespace(namespace)) {
      this.written.delete(key);
      this.lastSeen.delete(key);
      return;
    }
    const vm = this.deps.vm(namespace, name);
    const observation = vm ? observeVm(vm, this.deps.vmi(namespace, name)) : observeDeletedVm(namespace, name, this.lastSeen.get(key));
    const fingerprint = observationFingerprint(observation);
    if (!forced && this.written.get(key) === fingerprint) return;
    if (!this.deps.gate.open) {
      this.deps.gate.hold(key);
      return;
    }
    const started = performance.now();
    let result;
    try {
      result = await writeVmObservation(this.deps.session, observation, { aggregateAlways: forced });
    } catch (error) {
      return this.failed(key, vm, observation, error);
    } finally {
      this.deps.metrics.vmWriteDuration.observe((performance.now() - started) / 1000);
    }
    const { metrics, logger } = this.deps;
    metrics.vmWrites.inc({ outcome: result.outcome });
    metrics.vmStatements.inc(result.statements);
    if (vm) this.written.set(key, fingerprint);
    else {
      this.written.delete(key);
      this.lastSeen.delete(key);
    }
    const statusChanged = (result.outcome === "updated" || result.outcome === "created") && result.previousStatus !== observation.status;
    const involved = vm ? { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", name, namespace, ...(vm.metadata.uid ? { uid: vm.metadata.uid } : {}) } : undefined;
    if (result.outcome === "created") {
      logger.info({ vm: key, vmId: result.vmId, vappId: result.vappId, status: observation.status }, "Created the VM's row in SSVirt's database");
      if (involved) this.deps.events.record(involved, "Normal", "VMRecordCreated", `Created VM record ${result.vmId} in vApp ${result.vappId}`);
    } else if (statusChanged) {
      logger.info({ vm: key, vmId: result.vmId, oldStatus: result.previousStatus, newStatus: observation.status }, "Updated the VM's status in SSVirt's database");
    }
    if (statusChanged && involved) this.deps.events.record(involved, "Normal", "StatusUpdated", `VM status updated to ${observation.status}`);
    if (result.vappStatus) {
      metrics.vappStatusChanges.inc();
      logger.info({ vm: key, vappId: result.vappId, oldStatus: result.vappStatus.from, newStatus: result.vappStatus.to }, "Updated the vApp's status in SSVirt's database");
    }
  }

  private failed(key: string, vm: RawObject | undefined, observation: VmObservation, error: unknown): void {
    this.deps.metrics.vmWrites.inc({ outcome: "error" });
    const message = (error as Error).message;
    if (vm) {
      this.deps.events.record(
        { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", name: observation.name, namespace: observation.namespace, ...(vm.metadata.uid ? { uid: vm.metadata.uid } : {}) },
        "Warning",
        "DatabaseUpdateFailed",
        `Failed to update VM status in database: ${message}`,
      );
    }
    if (error instanceof StatusStoreError && error.retryable) {
      this.deps.gate.hold(key, error);
      return;
    }
    if (error instanceof DatabaseQueryError && error.sqlState !== undefined && RETRYABLE_SQL_STATES.has(error.sqlState)) throw error;
    if (error instanceof VAppNameTakenError || error instanceof DatabaseQueryError) throw new TerminalError(message);
    throw error;
  }
}
