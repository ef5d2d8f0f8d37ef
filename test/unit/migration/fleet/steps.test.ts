import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideNextStep, type Step } from "../../../../src/migration/fleet/next-step.ts";
import { nextStatus } from "../../../../src/migration/fleet/next-status.ts";
import type { StepOutcome } from "../../../../src/migration/fleet/outcome.ts";
import type { BatchStatus, FleetMigration, FleetMigrationSpec, FleetMigrationStatus } from "../../../../src/migration/fleet/types.ts";

const SPEC: FleetMigrationSpec = { orderSelector: { matchLabels: { fleet: "a" } }, percentage: 100, targetMode: "controller", batchSize: 2, approvalMode: "Manual", paused: false, rollbackOnFailure: false };
const NOW = new Date("2026-12-06T12:00:00Z");

function migration(spec: Partial<FleetMigrationSpec> = {}, status?: FleetMigrationStatus, generation = 1): FleetMigration {
  return { metadata: { name: "fm", namespace: "orders", generation }, spec: { ...SPEC, ...spec }, ...(status ? { status } : {}) };
}

function batches(...states: Partial<BatchStatus>[]): FleetMigrationStatus {
  return { batches: states.map((state, index) => ({ index: index + 1, orders: [`vm-${index}a`, `vm-${index}b`], state: "Pending", ...state })) };
}

describe("decideNextStep", () => {
  it.each<[string, Partial<FleetMigrationSpec>, FleetMigrationStatus | undefined, Step]>([
    ["GIVEN no plan THEN preflight", {}, undefined, { kind: "preflight" }],
    ["GIVEN no plan and paused THEN wait Paused", { paused: true }, undefined, { kind: "wait", phase: "Paused" }],
    ["GIVEN a pending batch, Manual, not approved THEN ask for approval", {}, batches({}), { kind: "awaitApproval", batch: 1 }],
    ["GIVEN a batch awaiting approval THEN wait", {}, batches({ state: "AwaitingApproval" }), { kind: "wait", phase: "AwaitingApproval" }],
    ["GIVEN the batch approved THEN back it up", { approvedBatches: [1] }, batches({ state: "AwaitingApproval" }), { kind: "backup", batch: 1 }],
    ["GIVEN Automatic THEN back up without approval", { approvalMode: "Automatic" }, batches({}), { kind: "backup", batch: 1 }],
    ["GIVEN a backed-up batch THEN adopt its first order", {}, batches({ state: "BackedUp", backupSecret: "s", adopted: [] }), { kind: "adopt", batch: 1, order: "vm-0a" }],
    ["GIVEN one order adopted THEN adopt the next", {}, batches({ state: "Adopting", backupSecret: "s", adopted: ["vm-0a"] }), { kind: "adopt", batch: 1, order: "vm-0b" }],
    ["GIVEN every order adopted THEN verify", {}, batches({ state: "Adopting", backupSecret: "s", adopted: ["vm-0a", "vm-0b"] }), { kind: "verify", batch: 1 }],
    ["GIVEN batch 1 verified THEN batch 2 asks for approval", {}, batches({ state: "Verified" }, {}), { kind: "awaitApproval", batch: 2 }],
    ["GIVEN paused mid-batch THEN wait Paused", { paused: true }, batches({ state: "Adopting", adopted: ["vm-0a"] }), { kind: "wait", phase: "Paused" }],
    ["GIVEN a failed batch THEN wait Failed", {}, batches({ state: "Verified" }, { state: "Failed" }), { kind: "wait", phase: "Failed" }],
    ["GIVEN every batch verified THEN Succeeded", {}, batches({ state: "Verified" }, { state: "Verified" }), { kind: "wait", phase: "Succeeded" }],
    [
      "GIVEN rollbackToBatch 1 THEN the newest touched batch first, its last order first",
      { rollbackToBatch: 1 },
      batches({ state: "Verified", backupSecret: "s1" }, { state: "Adopting", adopted: ["vm-1a"], backupSecret: "s2" }, {}),
      { kind: "rollbackOrder", batch: 2, order: "vm-1b" },
    ],
    [
      "GIVEN a batch's orders all rolled back THEN finish that batch",
      { rollbackToBatch: 1 },
      batches({ state: "Verified", backupSecret: "s1" }, { state: "RollingBack", rolledBack: ["vm-1b", "vm-1a"], backupSecret: "s2" }),
      { kind: "finishBatchRollback", batch: 2 },
    ],
    ["GIVEN a rollback and a batch that failed its backup THEN it is skipped (nothing changed)", { rollbackToBatch: 1 }, batches({ state: "Failed" }), { kind: "wait", phase: "RolledBack" }],
    ["GIVEN rollback to 2 and batch 2 done THEN RolledBack (batch 1 stays)", { rollbackToBatch: 2 }, batches({ state: "Verified" }, { state: "RolledBack" }), { kind: "wait", phase: "RolledBack" }],
    ["GIVEN paused THEN a rollback still runs", { paused: true, rollbackToBatch: 1 }, batches({ state: "Verified", backupSecret: "s1" }), { kind: "rollbackOrder", batch: 1, order: "vm-0b" }],
    ["GIVEN an automatic rollback in the status THEN it runs", {}, { ...batches({ state: "Failed", backupSecret: "s1" }), rollback: { toBatch: 1, reason: "x" } }, { kind: "rollbackOrder", batch: 1, order: "vm-0b" }],
  ])("%s", (_name, spec, status, step) => {
    expect(decideNextStep({ ...SPEC, ...spec }, status)).toEqual(step);
  });
});

describe("nextStatus", () => {
  const preflight: StepOutcome = { kind: "preflight", batches: [["a", "b"], ["c"]], refused: [{ name: "x", reason: "RestartPredicted", message: "cores" }], skipped: 1, selected: 4, acceptedDifferences: 1 };

  it("GIVEN a preflight outcome THEN batches are planned, counts set and the conditions ordered", () => {
    const status = nextStatus(migration(), preflight, NOW);
    expect(status).toMatchObject({ phase: "AwaitingApproval", total: 3, adopted: 0, skipped: 1, currentBatch: 1, refused: [{ name: "x" }], observedGeneration: 1 });
    expect(status.batches).toEqual([
      { index: 1, orders: ["a", "b"], state: "AwaitingApproval" },
      { index: 2, orders: ["c"], state: "Pending" },
    ]);
    expect(status.conditions!.map((condition) => [condition.type, condition.status, condition.reason])).toEqual([
      ["Preflight", "True", "PassedWithRefusals"],
      ["Backup", "Unknown", "AwaitingApproval"],
      ["Adopt", "Unknown", "NotStarted"],
      ["Verify", "Unknown", "NotStarted"],
    ]);
    expect(status.conditions![0]!.message).toBe("3 of 4 selected orders planned in 2 batch(es) of up to 2; 1 refused: x (RestartPredicted: cores); 1 accepted with differences adoption keeps (see osac-vm diff --live); 1 already on another mode (skipped)");
  });

  it("GIVEN a verified batch and the next one not approved THEN it awaits approval at once and the Backup condition names the command", () => {
    const status = nextStatus(migration({}, { ...batches({ state: "Adopting", backupSecret: "s", adopted: ["vm-0a", "vm-0b"] }, {}), total: 4 }), { kind: "verify", batch: 1, problems: [] }, NOW);
    expect(status.batches!.map((batch) => batch.state)).toEqual(["Verified", "AwaitingApproval"]);
    expect(status.phase).toBe("AwaitingApproval");
    expect(status.conditions!.find((condition) => condition.type === "Backup")).toMatchObject({ reason: "AwaitingApproval", message: "batch 2 of 2 waits for approval: osac-vm migrate approve fm -n orders --batch 2" });
  });

  it("GIVEN adoptions THEN they are listed once each and counted; a repeated adopt outcome is not counted twice", () => {
    let status = nextStatus(migration(), preflight, NOW);
    status = nextStatus(migration({ approvedBatches: [1] }, status), { kind: "backup", batch: 1, secret: "fm-batch-1-backup", objects: 8 }, NOW);
    status = nextStatus(migration({ approvedBatches: [1] }, status), { kind: "adopt", batch: 1, order: "a" }, NOW);
    status = nextStatus(migration({ approvedBatches: [1] }, status), { kind: "adopt", batch: 1, order: "a" }, NOW);
    expect(status.batches![0]).toMatchObject({ state: "Adopting", adopted: ["a"], backupSecret: "fm-batch-1-backup" });
    expect(status).toMatchObject({ phase: "Migrating", adopted: 1 });
    expect(status.conditions!.find((condition) => condition.type === "Adopt")).toMatchObject({ status: "False", reason: "InProgress", message: "batch 1 of 2: 1 of 2 order(s) adopted (controller)" });
  });

  it("GIVEN a failed Verify with rollbackOnFailure THEN every batch is to be rolled back and the phase is RollingBack", () => {
    const base = migration({ rollbackOnFailure: true, approvalMode: "Automatic" }, { ...batches({ state: "Verified", adopted: ["vm-0a", "vm-0b"], backupSecret: "s1" }, { state: "Adopting", adopted: ["vm-1a", "vm-1b"], backupSecret: "s2" }), total: 4 });
    const status = nextStatus(base, { kind: "verify", batch: 2, problems: ["vm-1a: VMI uid changed"] }, NOW);
    expect(status).toMatchObject({ phase: "RollingBack", rollback: { toBatch: 1, reason: "rollbackOnFailure: batch 2 failed Verify" } });
    expect(status.batches![1]).toMatchObject({ state: "Failed", message: "vm-1a: VMI uid changed" });
    expect(status.conditions!.find((condition) => condition.type === "Verify")).toMatchObject({ status: "False", reason: "VerifyFailed" });
  });

  it("GIVEN a failed Verify without rollbackOnFailure THEN Failed, and nothing rolls back", () => {
    const base = migration({ approvalMode: "Automatic" }, { ...batches({ state: "Adopting", adopted: ["vm-0a", "vm-0b"], backupSecret: "s1" }), total: 2 });
    const status = nextStatus(base, { kind: "verify", batch: 1, problems: ["bad"] }, NOW);
    expect(status.phase).toBe("Failed");
    expect(status.rollback).toBeUndefined();
  });

  it("GIVEN a batch too large to back up THEN it fails before anything changed, named in the Backup condition", () => {
    const base = migration({ approvedBatches: [1] }, { ...batches({ state: "AwaitingApproval" }), total: 2 });
    const status = nextStatus(base, { kind: "backupFailed", batch: 1, reason: "BackupTooLarge", message: "lower spec.batchSize" }, NOW);
    expect(status).toMatchObject({ phase: "Failed", adopted: 0 });
    expect(status.batches![0]).toMatchObject({ state: "Failed", message: "BackupTooLarge: lower spec.batchSize" });
    expect(status.conditions!.find((condition) => condition.type === "Backup")).toMatchObject({ status: "False", reason: "BackupFailed", message: "batch 1 of 1: BackupTooLarge: lower spec.batchSize" });
    expect(status.conditions!.find((condition) => condition.type === "Verify")).toMatchObject({ status: "Unknown" });
    expect(decideNextStep(base.spec, status)).toEqual({ kind: "wait", phase: "Failed" });
  });

  it("GIVEN a condition whose status did not change THEN its lastTransitionTime stays", () => {
    const first = nextStatus(migration(), preflight, NOW);
    const later = nextStatus(migration({}, first), { kind: "awaitApproval", batch: 1 }, new Date("2026-12-06T13:00:00Z"));
    expect(later.conditions![0]!.lastTransitionTime).toBe("2026-12-06T12:00:00Z");
  });

  it("GIVEN a rolled-back batch THEN its adoptions no longer count and RolledBack is True", () => {
    const base = migration({ rollbackToBatch: 2 }, { ...batches({ state: "Verified", adopted: ["vm-0a", "vm-0b"], backupSecret: "s1" }, { state: "RollingBack", adopted: ["vm-1a", "vm-1b"], rolledBack: ["vm-1b", "vm-1a"], backupSecret: "s2" }), total: 4 });
    const status = nextStatus(base, { kind: "finishBatchRollback", batch: 2 }, NOW);
    expect(status).toMatchObject({ phase: "RolledBack", adopted: 2, rollback: { toBatch: 2 } });
    expect(status.conditions!.map((condition) => condition.type)).toEqual(["Preflight", "Backup", "Adopt", "Verify", "RolledBack"]);
    expect(status.conditions!.at(-1)).toMatchObject({ status: "True", reason: "RolledBack", message: "batches rolled back: 2 (spec.rollbackToBatch 2)" });
  });
});

describe("restart safety (simulation)", () => {
  /**
   * Runs the state machine against a world where adopting an order is idempotent, and loses the
   * status write of random steps (a crash after the step's effect, before its status): the
   * migration still ends with every planned order adopted exactly once in the world and listed
   * once in the status, in every batch.
   */
  it("GIVEN crashes between a step's effect and its status write THEN no order is adopted twice or skipped", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 6 }), fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }), (orders, size, crashes) => {
        const names = Array.from({ length: orders }, (_, index) => `vm-${index}`);
        const plan = Array.from({ length: Math.ceil(orders / size) }, (_, index) => names.slice(index * size, index * size + size));
        const writes = new Map<string, number>();
        let current = migration({ approvalMode: "Automatic", batchSize: size });
        for (let round = 0; round < 2_000; round += 1) {
          const step = decideNextStep(current.spec, current.status);
          if (step.kind === "wait") break;
          let outcome: StepOutcome;
          if (step.kind === "preflight") outcome = { kind: "preflight", batches: plan, refused: [], skipped: 0, selected: orders, acceptedDifferences: 0 };
          else if (step.kind === "backup") outcome = { kind: "backup", batch: step.batch, secret: `s${step.batch}`, objects: 0 };
          else if (step.kind === "adopt") {
            // The world's effect is idempotent (ADR 0032); count how often a step was taken per order.
            writes.set(step.order, (writes.get(step.order) ?? 0) + 1);
            outcome = step;
          } else if (step.kind === "verify") outcome = { kind: "verify", batch: step.batch, problems: [] };
          else throw new Error(`unexpected step ${step.kind}`);
          if (crashes[round % crashes.length]) continue;
          current = { ...current, status: nextStatus(current, outcome, NOW) };
        }
        expect(current.status?.phase).toBe("Succeeded");
        expect([...writes.keys()].sort()).toEqual([...names].sort());
        // Taken again only after a lost status write (never once the status lists the order).
        expect([...writes.values()].reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(names.length + crashes.filter(Boolean).length);
        expect(current.status!.batches!.map((batch) => batch.adopted)).toEqual(plan);
        expect(current.status!.adopted).toBe(orders);
      }),
      { numRuns: 200 },
    );
  });
});
