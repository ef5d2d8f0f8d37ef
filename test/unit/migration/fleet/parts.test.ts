import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Annotations } from "../../../../src/api/well-known.ts";
import { rolloutBucket } from "../../../../src/domain/rollout.ts";
import { diffFleet } from "../../../../src/migration/diff/fleet-diff.ts";
import { expectedChildren } from "../../../../src/migration/diff/expected-children.ts";
import type { OrderDiff } from "../../../../src/migration/diff/order-diff.ts";
import { backupObject, backupSecretName, BackupTooLargeError, decodeBackup, encodeBackup, type BatchBackup } from "../../../../src/migration/fleet/backup.ts";
import { contentOf, managedFieldsWithout, ownershipBody, ownsFields } from "../../../../src/migration/fleet/ownership.ts";
import { preflightOutcome } from "../../../../src/migration/fleet/preflight.ts";
import { approveRequest, rollbackRequest } from "../../../../src/migration/fleet/requests.ts";
import { restoreAction } from "../../../../src/migration/fleet/restore.ts";
import { planBatches, selectByPercentage, selectorText } from "../../../../src/migration/fleet/selection.ts";
import type { FleetMigration } from "../../../../src/migration/fleet/types.ts";
import { verifyOrder } from "../../../../src/migration/fleet/verify.ts";
import type { LiveObject } from "../../../../src/migration/live-object.ts";
import { instanceFor, runningInstanceStatus, runningVmStatus, withKubeVirtDefaults } from "../../../support/live-children.ts";
import { orderDocument, validOrder } from "../../../support/orders.ts";

type Json = Record<string, any>;

function order(name: string, options: { uuid?: string; managedBy?: string; deleting?: boolean } = {}): LiveObject {
  const document = orderDocument({ storage_class: "standard" }, { name, ...(options.uuid ? { uuid: options.uuid } : {}), ...(options.managedBy ? { managedBy: options.managedBy } : {}) }) as Json;
  if (options.deleting) document.metadata.deletionTimestamp = "2026-12-06T12:00:00Z";
  return document as LiveObject;
}

describe("selection", () => {
  it("GIVEN matchLabels and matchExpressions THEN the selector text the API server takes", () => {
    expect(
      selectorText({
        matchLabels: { fleet: "a", tier: "gold" },
        matchExpressions: [
          { key: "zone", operator: "In", values: ["x", "y"] },
          { key: "team", operator: "NotIn", values: ["b"] },
          { key: "pilot", operator: "Exists" },
          { key: "legacy", operator: "DoesNotExist" },
        ],
      }),
    ).toBe("fleet=a,tier=gold,zone in (x,y),team notin (b),pilot,!legacy");
  });

  it("GIVEN a percentage THEN orders below it by the webhook's bucket of their uuid, aap only, deleting ones left out", () => {
    const orders = Array.from({ length: 200 }, (_, index) => order(`vm-${index}`, { uuid: `uuid-${index}` }));
    const ten = selectByPercentage(orders, 10);
    expect(ten.candidates.length).toBe(orders.filter((_, index) => rolloutBucket(`uuid-${index}`) < 10).length);
    expect(ten.candidates.length).toBeGreaterThan(0);
    const twentyFive = selectByPercentage(orders, 25).candidates.map((candidate) => candidate.metadata.name);
    for (const candidate of ten.candidates) expect(twentyFive).toContain(candidate.metadata.name);
    expect(selectByPercentage(orders, 100).candidates.length).toBe(200);
    const mixed = selectByPercentage([order("a"), order("b", { managedBy: "controller" }), order("c", { managedBy: "aap" }), order("d", { deleting: true })], 100);
    expect(mixed.candidates.map((candidate) => candidate.metadata.name)).toEqual(["a", "c"]);
    expect(mixed.skipped).toBe(1);
  });

  it("GIVEN names and a size THEN consecutive batches, the last one shorter", () => {
    expect(planBatches(["a", "b", "c", "d", "e"], 2)).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect(planBatches([], 10)).toEqual([]);
  });
});

describe("preflightOutcome", () => {
  function member(name: string, parameters: Json, madeFrom: Json = parameters) {
    const made = validOrder(madeFrom, { name });
    const children = (expectedChildren(made, "aap-parity", "standard") as Json[]).map((object) => (object.kind === "VirtualMachine" ? { ...withKubeVirtDefaults(object), status: runningVmStatus() } : object));
    const vm = children.find((object) => object.kind === "VirtualMachine")!;
    const document = orderDocument(parameters, { name, annotations: { [Annotations.reconciledConfigVersion]: made.desiredConfigVersion } });
    return { order: document as LiveObject, children: children as LiveObject[], instance: { ...instanceFor(vm), status: runningInstanceStatus() } as LiveObject };
  }
  const base = { storage_class: "standard", cpu_cores: "2" };
  const members = [member("clean", base), member("label", base), member("cpu", { ...base, cpu_cores: "4" }, base), member("gone", base)];
  const edited = members[1]!.children.find((child) => child.kind === "VirtualMachine") as Json;
  edited.metadata.labels = { ...edited.metadata.labels, team: "blue" };
  members[3]!.children = members[3]!.children.filter((child) => child.kind !== "Service");
  const diffs = diffFleet({
    orders: members.map((m) => m.order),
    children: members.flatMap((m) => m.children),
    instances: members.map((m) => m.instance),
    profile: "aap-parity",
    strategy: "Stage",
    roleStorageClass: "standard",
  });

  it("GIVEN a restart, a missing child and a hand-edited label THEN the first two are refused by name, the label is accepted", () => {
    const outcome = preflightOutcome(diffs);
    expect(outcome.accepted).toEqual(["clean", "label"]);
    expect(outcome.refused.map((refusal) => [refusal.name, refusal.reason])).toEqual([
      ["cpu", "RestartPredicted"],
      ["gone", "MissingObject"],
    ]);
    expect(outcome.refused[0]!.message).toMatch(/^adoption would restart VM cpu \(VMI cpu \(phase Running\), rollout strategy Stage\): spec\.template\.spec\.domain\.cpu\.cores \(not live-updatable\)$/);
    expect(outcome.refused[1]!.message).toBe("rendered but not live: Service gone-load-balancer");
    expect(outcome.acceptedDifferences).toEqual([{ name: "label", fields: ["VirtualMachine metadata.labels.team (hand edit)"] }]);
  });

  it("GIVEN an invalid order, an extra child or a pending restart THEN each is refused with its reason", () => {
    const head = { namespace: "n", managedBy: "aap" as const, profile: "aap-parity" as const, identical: false };
    const vm = { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", namespace: "t", name: "p" };
    const synthetic: OrderDiff[] = [
      { ...head, name: "bad", invalid: ["spec.x: nope"], objects: [] },
      { ...head, name: "extra", objects: [{ object: { ...vm, kind: "Secret", name: "leftover" }, state: "extra", differences: [] }] },
      { ...head, name: "p", objects: [], restart: { vm, running: true, evidence: "VMI p", restartRequired: false, changes: [], pendingRestart: true, strategy: "Stage" } },
    ];
    expect(preflightOutcome(synthetic).refused).toEqual([
      { name: "bad", reason: "InvalidOrder", message: "the order is invalid: spec.x: nope" },
      { name: "extra", reason: "ExtraObject", message: "live and labelled with the order but not rendered (the controller would delete them): Secret leftover" },
      { name: "p", reason: "RestartPending", message: "VM p already has RestartRequired=True" },
    ]);
  });
});

describe("ownership", () => {
  const vm: LiveObject = {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: {
      name: "vm",
      namespace: "t",
      uid: "u",
      resourceVersion: "7",
      labels: { a: "1" },
      annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}", keep: "yes" },
      managedFields: [
        { manager: "OpenAPI-Generator", operation: "Apply" },
        { manager: "osac-vm-controller", operation: "Apply" },
        { manager: "osac-vm-controller", operation: "Update", subresource: "status" },
      ],
    },
    spec: { running: true },
    status: { ready: true },
  };

  it("GIVEN a live child THEN the apply body carries its own labels, annotations and spec, nothing else", () => {
    expect(ownershipBody(vm)).toEqual({ apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", metadata: { name: "vm", namespace: "t", labels: { a: "1" }, annotations: { keep: "yes" } }, spec: { running: true } });
    const secret: LiveObject = { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "t" }, data: { userdata: "eA==" } };
    expect(ownershipBody(secret)).toEqual({ apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "t", labels: {}, annotations: {} }, type: "Opaque", data: { userdata: "eA==" } });
    expect(contentOf(secret)).toEqual({ labels: {}, annotations: {}, type: "Opaque", data: { userdata: "eA==" } });
  });

  it("GIVEN managedFields THEN ownership is read and given up outside subresources only", () => {
    expect(ownsFields(vm, "osac-vm-controller")).toBe(true);
    expect(ownsFields(vm, "kubectl-edit")).toBe(false);
    expect(managedFieldsWithout(vm, ["osac-vm-controller"])).toEqual([
      { manager: "OpenAPI-Generator", operation: "Apply" },
      { manager: "osac-vm-controller", operation: "Update", subresource: "status" },
    ]);
    expect(managedFieldsWithout(vm, ["nobody"])).toBeUndefined();
  });

  it("GIVEN a backup THEN restoring does nothing when equal, writes the backup's content when not, re-creates what is gone", () => {
    const saved = backupObject(vm);
    expect(saved.metadata.managedFields).toBeUndefined();
    expect(saved.status).toBeUndefined();
    expect(restoreAction(saved, vm)).toEqual({ kind: "none" });
    const changed = { ...vm, metadata: { ...vm.metadata, resourceVersion: "9", labels: { a: "2" } }, spec: { running: false } };
    const update = restoreAction(saved, changed);
    expect(update).toMatchObject({ kind: "update", fields: ["labels.a", "spec.running"] });
    expect(update.kind === "update" && update.body).toMatchObject({ metadata: { resourceVersion: "9", labels: { a: "1" } }, spec: { running: true } });
    expect(update.kind === "update" && update.body.metadata.managedFields).toBeUndefined();
    const create = restoreAction(saved, undefined);
    expect(create.kind).toBe("create");
    expect(create.kind === "create" && [create.body.metadata.uid, create.body.metadata.resourceVersion]).toEqual([undefined, undefined]);
  });
});

describe("backup", () => {
  const backup: BatchBackup = { migration: "fm", batch: 2, takenAt: "2026-12-06T12:00:00.000Z", orders: [{ order: "vm", objects: [{ kind: "Secret", metadata: { name: "s" }, data: { k: "c2VjcmV0" } }], instance: { name: "vm", uid: "u1" } }] };

  it("GIVEN a batch THEN gzip JSON round-trips, under a name per batch", () => {
    expect(decodeBackup(encodeBackup(backup))).toEqual(backup);
    expect(backupSecretName("fm", 2)).toBe("fm-batch-2-backup");
  });

  it("GIVEN a batch too large for a Secret THEN a BackupTooLarge error says to lower batchSize", () => {
    // Random bytes do not compress: 1.2 MB of them stay past the limit after gzip.
    const random = randomBytes(1_200_000).toString("base64");
    const huge: BatchBackup = { ...backup, orders: [{ order: "vm", objects: [{ kind: "Secret", metadata: { name: "s" }, data: { k: random } }] }] };
    expect(() => encodeBackup(huge)).toThrow(BackupTooLargeError);
    expect(() => encodeBackup(huge)).toThrow(/more than the 921600 a Secret can hold: lower spec.batchSize/);
  });
});

describe("verifyOrder", () => {
  const made = validOrder({ storage_class: "standard" }, { name: "vm" });
  const adopted = (mode = "controller", reconciled = made.desiredConfigVersion) =>
    orderDocument({ storage_class: "standard" }, { name: "vm", managedBy: mode, annotations: { [Annotations.reconciledConfigVersion]: reconciled } }) as LiveObject;
  const saved = { order: "vm", objects: [], instance: { name: "vm", uid: "u1", launcherContainerImageVersion: "launcher:1" } };
  const instance = (uid: string, image: string): LiveObject => ({ metadata: { name: "vm", uid }, status: { launcherContainerImageVersion: image } });

  it("GIVEN the same VMI, no RestartRequired, the version reconciled THEN no problem", () => {
    expect(verifyOrder(saved, { order: adopted(), vm: { metadata: { name: "vm" }, status: { conditions: [] } }, instance: instance("u1", "launcher:1") }, "controller")).toEqual([]);
  });

  it("GIVEN each way it can go wrong THEN each is named", () => {
    expect(verifyOrder(saved, {}, "controller")).toEqual(["vm: the order is gone"]);
    expect(
      verifyOrder(saved, { order: adopted("aap", "old"), vm: { metadata: { name: "vm" }, status: { conditions: [{ type: "RestartRequired", status: "True", message: "cpu" }] } }, instance: instance("u2", "launcher:2") }, "controller"),
    ).toEqual([
      "vm: managed-by is aap, not controller",
      "vm: VMI uid changed from u1 to u2 (the VM restarted)",
      "vm: launcherContainerImageVersion changed from launcher:1 to launcher:2",
      "vm: VM has RestartRequired=True (cpu)",
      `vm: config version ${made.desiredConfigVersion} is not reconciled (reconciled: old)`,
    ]);
    expect(verifyOrder(saved, { order: adopted() }, "controller")).toEqual(["vm: VMI vm (uid u1) is gone"]);
  });
});

describe("approve and rollback requests", () => {
  const fm = (spec: Partial<FleetMigration["spec"]> = {}, status: FleetMigration["status"] = {}): FleetMigration => ({
    metadata: { name: "fm", namespace: "n" },
    spec: { orderSelector: { matchLabels: { a: "b" } }, percentage: 100, targetMode: "controller", batchSize: 10, approvalMode: "Manual", paused: false, rollbackOnFailure: false, ...spec },
    status,
  });
  const planned = { phase: "AwaitingApproval" as const, currentBatch: 2, batches: [1, 2, 3].map((index) => ({ index, orders: [], state: "Pending" as const })) };

  it("GIVEN a batch awaiting approval THEN approve adds it; a named batch, a repeat and refusals", () => {
    expect(approveRequest(fm({ approvedBatches: [1] }, planned), undefined)).toEqual({ ok: true, spec: { approvedBatches: [1, 2] }, message: "approved batch 2 of fm" });
    expect(approveRequest(fm({}, planned), 3)).toEqual({ ok: true, spec: { approvedBatches: [3] }, message: "approved batch 3 of fm" });
    expect(approveRequest(fm({ approvedBatches: [2] }, planned), 2)).toEqual({ ok: true, spec: {}, message: "batch 2 of fm was already approved" });
    expect(approveRequest(fm({}, planned), 4)).toEqual({ ok: false, message: "--batch 4: fm has 3 batch(es)" });
    expect(approveRequest(fm({}, { ...planned, phase: "Migrating" }), undefined)).toEqual({ ok: false, message: "no batch of fm awaits approval (phase Migrating); name one with --batch N" });
    expect(approveRequest(fm({ approvalMode: "Automatic" }, planned), undefined)).toEqual({ ok: false, message: "fm has approvalMode Automatic: its batches need no approval" });
  });

  it("GIVEN rollback THEN rollbackToBatch only goes down, default 1", () => {
    expect(rollbackRequest(fm({}, planned), undefined)).toMatchObject({ ok: true, spec: { rollbackToBatch: 1 } });
    expect(rollbackRequest(fm({}, planned), 2)).toMatchObject({ ok: true, spec: { rollbackToBatch: 2 } });
    expect(rollbackRequest(fm({ rollbackToBatch: 2 }, planned), 3)).toEqual({ ok: true, spec: {}, message: "fm already rolls back down to batch 2" });
    expect(rollbackRequest(fm({}, planned), 9)).toEqual({ ok: false, message: "--batch 9: fm has 3 batch(es)" });
  });
});
