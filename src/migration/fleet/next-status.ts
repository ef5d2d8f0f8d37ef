import { mergeConditions, toMetaTime, type ConditionValue } from "../../controller/status/conditions.ts";
import { decideNextStep, rollbackTarget } from "./next-step.ts";
import type { StepOutcome } from "./outcome.ts";
import type { BatchStatus, FleetMigration, FleetMigrationStatus, Phase } from "./types.ts";

/**
 * The status after a step: the batches updated by the outcome, then everything derived from them
 * (phase, current batch, counts, conditions in the order Preflight, Backup, Adopt, Verify,
 * RolledBack). Pure.
 */
export function nextStatus(migration: FleetMigration, outcome: StepOutcome, now: Date): FleetMigrationStatus {
  const previous = migration.status ?? {};
  const time = toMetaTime(now);
  let status: FleetMigrationStatus = { ...previous };
  let preflightMessage: ConditionValue | undefined;
  /** A condition the outcome says more precisely than the batches do (what a gitops step waits for). */
  let waiting: ConditionValue | undefined;
  switch (outcome.kind) {
    case "preflight": {
      status = {
        ...status,
        batches: outcome.batches.map((orders, index) => ({ index: index + 1, orders: [...orders], state: "Pending" })),
        refused: [...outcome.refused],
        skipped: outcome.skipped,
        total: outcome.batches.reduce((sum, batch) => sum + batch.length, 0),
      };
      preflightMessage = preflightCondition(outcome, migration.spec.batchSize);
      break;
    }
    case "awaitApproval":
      status = withBatch(status, outcome.batch, (batch) => ({ ...batch, state: "AwaitingApproval" }));
      break;
    case "backup":
      status = withBatch(status, outcome.batch, (batch) => ({ ...batch, state: "BackedUp", backupSecret: outcome.secret, approvedAt: time, adopted: [] }));
      break;
    case "backupFailed":
      status = withBatch(status, outcome.batch, (batch) => ({ ...batch, state: "Failed", message: `${outcome.reason}: ${outcome.message}` }));
      break;
    case "adopt":
      status = withBatch(status, outcome.batch, (batch) => ({ ...batch, state: "Adopting", adopted: [...(batch.adopted ?? []).filter((name) => name !== outcome.order), outcome.order] }));
      break;
    case "verify":
      status = withBatch(status, outcome.batch, (batch) =>
        outcome.problems.length === 0
          ? { ...withoutMessage(batch), state: "Verified", verifiedAt: time, ...(outcome.note ? { message: outcome.note } : {}) }
          : { ...batch, state: "Failed", message: outcome.problems.join("; ") },
      );
      if (outcome.problems.length > 0 && migration.spec.rollbackOnFailure) status = { ...status, rollback: { toBatch: 1, reason: `rollbackOnFailure: batch ${outcome.batch} failed Verify` } };
      break;
    case "rollbackOrder":
      status = withBatch(status, outcome.batch, (batch) => ({ ...batch, state: "RollingBack", rolledBack: [...(batch.rolledBack ?? []).filter((name) => name !== outcome.order), outcome.order] }));
      break;
    case "finishBatchRollback":
      status = withBatch(status, outcome.batch, (batch) => ({ ...batch, state: "RolledBack", adopted: [] }));
      break;
    case "adoptPending":
      waiting = { type: "Adopt", status: "False", reason: "AwaitingArgoCD", message: `batch ${outcome.batch}: ${waitingMessage(outcome.pending)}` };
      break;
    case "rollbackPending":
      waiting = { type: "RolledBack", status: "False", reason: "AwaitingArgoCD", message: `rolling back batch ${outcome.batch}: ${waitingMessage(outcome.pending)}` };
      break;
    case "wait":
      break;
  }
  // Asking for approval only writes the status: done at once, so no status ever says
  // AwaitingApproval while its batch still says Pending.
  const following = decideNextStep(migration.spec, status);
  if (following.kind === "awaitApproval") status = withBatch(status, following.batch, (batch) => ({ ...batch, state: "AwaitingApproval" }));
  const target = rollbackTarget(migration.spec, status);
  if (target !== undefined && !status.rollback) status = { ...status, rollback: { toBatch: target, reason: `spec.rollbackToBatch ${target}` } };
  if (target !== undefined && status.rollback && status.rollback.toBatch > target) status = { ...status, rollback: { toBatch: target, reason: `spec.rollbackToBatch ${target}` } };
  const phase = phaseAfter(migration, status);
  const focus = focusBatch(status, target);
  const values = conditionValues(migration, status, focus, preflightMessage).map((value) => (waiting && value.type === waiting.type ? waiting : value));
  return {
    ...status,
    observedGeneration: migration.metadata.generation ?? 1,
    phase,
    ...(focus ? { currentBatch: focus.index } : {}),
    adopted: (status.batches ?? []).reduce((sum, batch) => sum + (batch.state === "RolledBack" ? 0 : (batch.adopted ?? []).filter((name) => !(batch.rolledBack ?? []).includes(name)).length), 0),
    total: status.total ?? 0,
    conditions: mergeConditions(values, previous.conditions, migration.metadata.generation ?? 1, now),
  };
}

/** The first few things waited for (a batch of 100 would not fit a condition message otherwise). */
function waitingMessage(pending: readonly string[]): string {
  const shown = pending.slice(0, 3).join("; ");
  return `waiting for ${pending.length} thing(s): ${shown}${pending.length > 3 ? `; and ${pending.length - 3} more` : ""}`;
}

function withBatch(status: FleetMigrationStatus, index: number, change: (batch: BatchStatus) => BatchStatus): FleetMigrationStatus {
  return { ...status, batches: (status.batches ?? []).map((batch) => (batch.index === index ? change(batch) : batch)) };
}

function withoutMessage(batch: BatchStatus): BatchStatus {
  const { message: _message, ...rest } = batch;
  return rest;
}

function phaseAfter(migration: FleetMigration, status: FleetMigrationStatus): Phase {
  const step = decideNextStep(migration.spec, status);
  switch (step.kind) {
    case "wait":
      return step.phase;
    case "preflight":
      return "Pending";
    case "awaitApproval":
      return "AwaitingApproval";
    case "rollbackOrder":
    case "finishBatchRollback":
      return "RollingBack";
    default:
      return "Migrating";
  }
}

/** The batch the conditions speak of: the one being rolled back, else the first not verified, else the last. */
function focusBatch(status: FleetMigrationStatus, target: number | undefined): BatchStatus | undefined {
  const batches = status.batches ?? [];
  if (target !== undefined) {
    const walking = batches.filter((batch) => batch.index >= target && batch.state === "RollingBack").at(-1);
    if (walking) return walking;
    const rolledBack = batches.filter((batch) => batch.state === "RolledBack");
    if (rolledBack.length > 0) return rolledBack[0];
  }
  return batches.find((batch) => batch.state !== "Verified") ?? batches.at(-1);
}

function preflightCondition(outcome: Extract<StepOutcome, { kind: "preflight" }>, batchSize: number): ConditionValue {
  const planned = outcome.batches.reduce((sum, batch) => sum + batch.length, 0);
  const parts = [`${planned} of ${outcome.selected} selected orders planned in ${outcome.batches.length} batch(es) of up to ${batchSize}`];
  if (outcome.refused.length > 0) parts.push(`${outcome.refused.length} refused: ${outcome.refused.map((order) => `${order.name} (${order.reason}: ${order.message})`).join("; ")}`);
  if (outcome.acceptedDifferences > 0) parts.push(`${outcome.acceptedDifferences} accepted with differences adoption keeps (see osac-vm diff --live)`);
  if (outcome.skipped > 0) parts.push(`${outcome.skipped} already on another mode (skipped)`);
  return { type: "Preflight", status: "True", reason: outcome.refused.length > 0 ? "PassedWithRefusals" : "Passed", message: parts.join("; ") };
}

function conditionValues(migration: FleetMigration, status: FleetMigrationStatus, focus: BatchStatus | undefined, preflight: ConditionValue | undefined): ConditionValue[] {
  const before = new Map((migration.status?.conditions ?? []).map((condition) => [condition.type, condition]));
  const kept = (type: string, fallback: ConditionValue): ConditionValue => {
    const prior = before.get(type);
    return prior ? { type, status: prior.status, reason: prior.reason, message: prior.message } : fallback;
  };
  const values: ConditionValue[] = [preflight ?? kept("Preflight", { type: "Preflight", status: "Unknown", reason: "NotRun", message: "Preflight has not run yet" })];
  if (!focus) {
    values.push(
      { type: "Backup", status: "Unknown", reason: "NoBatch", message: "no batch planned" },
      { type: "Adopt", status: "Unknown", reason: "NoBatch", message: "no batch planned" },
      { type: "Verify", status: "Unknown", reason: "NoBatch", message: "no batch planned" },
    );
  } else {
    const b = `batch ${focus.index} of ${status.batches?.length ?? 0}`;
    const adopted = focus.adopted?.length ?? 0;
    if (focus.backupSecret) values.push({ type: "Backup", status: "True", reason: "BackedUp", message: `${b}: the live children of ${focus.orders.length} order(s) are in Secret ${focus.backupSecret}` });
    else if (focus.state === "Failed") values.push({ type: "Backup", status: "False", reason: "BackupFailed", message: `${b}: ${focus.message ?? "failed"}` });
    else if (focus.state === "AwaitingApproval")
      values.push({ type: "Backup", status: "Unknown", reason: "AwaitingApproval", message: `${b} waits for approval: osac-vm migrate approve ${migration.metadata.name} -n ${migration.metadata.namespace} --batch ${focus.index}` });
    else values.push({ type: "Backup", status: "Unknown", reason: "NotStarted", message: `${b} is not backed up yet` });
    if (focus.state === "RolledBack" || focus.state === "RollingBack") values.push({ type: "Adopt", status: "False", reason: "RolledBack", message: `${b}: adoption undone` });
    else if (focus.backupSecret && adopted === focus.orders.length) values.push({ type: "Adopt", status: "True", reason: "Adopted", message: `${b}: ${adopted} of ${focus.orders.length} order(s) adopted (${migration.spec.targetMode})` });
    else if (focus.backupSecret) values.push({ type: "Adopt", status: "False", reason: "InProgress", message: `${b}: ${adopted} of ${focus.orders.length} order(s) adopted (${migration.spec.targetMode})` });
    else values.push({ type: "Adopt", status: "Unknown", reason: "NotStarted", message: `${b}: nothing adopted yet` });
    if (focus.state === "Verified") values.push({ type: "Verify", status: "True", reason: "Verified", message: `${b}: VMI uids and launcher images unchanged, no RestartRequired, config versions reconciled${focus.message ? `; ${focus.message}` : ""}` });
    // A verified batch's message is Verify's note (ADR 0035), not a failure.
    else if (focus.backupSecret && !focus.verifiedAt && (focus.state === "Failed" || (focus.message && focus.state !== "RolledBack"))) values.push({ type: "Verify", status: "False", reason: "VerifyFailed", message: `${b}: ${focus.message ?? "failed"}` });
    else values.push({ type: "Verify", status: "Unknown", reason: "NotStarted", message: `${b} is not verified yet` });
  }
  if (status.rollback) {
    const touched = (status.batches ?? []).filter((batch) => batch.index >= status.rollback!.toBatch && batch.state === "RollingBack");
    const done = (status.batches ?? []).filter((batch) => batch.state === "RolledBack").map((batch) => batch.index);
    values.push(
      touched.length > 0
        ? { type: "RolledBack", status: "False", reason: "InProgress", message: `rolling back batch ${touched.at(-1)!.index} (${status.rollback.reason}); done: ${done.join(", ") || "none"}` }
        : { type: "RolledBack", status: done.length > 0 ? "True" : "False", reason: done.length > 0 ? "RolledBack" : "InProgress", message: `batches rolled back: ${done.join(", ") || "none yet"} (${status.rollback.reason})` },
    );
  }
  return values;
}
