// The gitops target mode's pure decisions (docs/adr/0034-fleet-migration-gitops-mode.md): the
// committer's health from its Lease, Argo CD's tracking id and Prune=false, when Argo CD has
// adopted an order, what Verify adds, when a rolled-back order may be restored, and which
// DataVolume fields a rendering would change.
import { describe, expect, it } from "vitest";
import { nextStatus } from "../../../../src/migration/fleet/next-status.ts";
import type { BatchStatus, FleetMigration, FleetMigrationSpec } from "../../../../src/migration/fleet/types.ts";
import { backupObject, type OrderBackup } from "../../../../src/migration/fleet/backup.ts";
import { adoptionPending, committedCommit, gitopsVerifyProblems, removalPending, type ApplicationView } from "../../../../src/migration/fleet-gitops/argo-observation.ts";
import { trackedBy, withPruneDisabled } from "../../../../src/migration/fleet-gitops/argocd-tracking.ts";
import { committerHealth, withCommitter } from "../../../../src/migration/fleet-gitops/committer-lease.ts";
import { dataVolumeSpecChanges } from "../../../../src/migration/fleet-gitops/datavolume-immutable.ts";
import type { LiveObject } from "../../../../src/migration/live-object.ts";

const NOW = new Date("2026-12-06T12:00:00Z");
const WHERE = { namespace: "osac", name: "osac-vm-committer" };
const SHA = "0123456789abcdef0123456789abcdef01234567";

function child(kind: string, name: string, extra: { uid?: string; tracking?: string; ownerKind?: string } = {}): LiveObject {
  return {
    apiVersion: kind === "VirtualMachine" ? "kubevirt.io/v1" : "v1",
    kind,
    metadata: {
      name,
      namespace: "tenant",
      uid: extra.uid ?? `uid-${name}`,
      labels: { "cloudkit.openshift.io/virtualmachine": "vm-1" },
      annotations: extra.tracking ? { "argocd.argoproj.io/tracking-id": extra.tracking } : {},
      ...(extra.ownerKind ? { ownerReferences: [{ kind: extra.ownerKind, name }] } : {}),
    },
    spec: {},
  } as LiveObject;
}

function order(committed?: { status: string; reason: string; message: string }, finalizers: string[] = []): LiveObject {
  return { kind: "VirtualMachine", metadata: { name: "vm-1", namespace: "orders", finalizers }, status: { conditions: committed ? [{ type: "Committed", ...committed }] : [] } } as LiveObject;
}

function application(resources: { kind: string; name: string; status?: string; requiresPruning?: boolean }[]): ApplicationView {
  return { metadata: { namespace: "argocd", name: "orders" }, status: { sync: { status: "Synced" }, resources: resources.map((resource) => ({ namespace: "tenant", ...resource })) } };
}

const pushed = { status: "True", reason: "Pushed", message: `Pushed commit ${SHA} with config version abc` };

describe("committerHealth", () => {
  const lease = (spec: Record<string, unknown>) => ({ metadata: { namespace: "osac", name: "osac-vm-committer" }, spec });
  it.each([
    ["no Lease", undefined, "no Lease osac/osac-vm-committer"],
    ["a released Lease", lease({ holderIdentity: "", leaseDurationSeconds: 15, renewTime: "2026-12-06T11:59:59Z" }), "held by nobody"],
    ["a Lease renewed 60 s ago with a 15 s duration", lease({ holderIdentity: "committer-0", leaseDurationSeconds: 15, renewTime: "2026-12-06T11:59:00.000000Z" }), "last renewed 60 s ago, past its 15 s duration"],
    ["a Lease without renewTime", lease({ holderIdentity: "committer-0", leaseDurationSeconds: 15 }), "has no renewTime"],
  ])("GIVEN %s THEN unhealthy, saying what was found", (_what, found, message) => {
    const health = committerHealth(found, WHERE, NOW);
    expect(health.healthy).toBe(false);
    expect(health.healthy ? "" : health.message).toContain(message);
  });

  it("GIVEN a Lease renewed 3 s ago (or 2 s in the future: another clock) THEN healthy, with its holder", () => {
    expect(committerHealth(lease({ holderIdentity: "committer-0", leaseDurationSeconds: 15, renewTime: "2026-12-06T11:59:57.000000Z" }), WHERE, NOW)).toEqual({ healthy: true, holder: "committer-0" });
    expect(committerHealth(lease({ holderIdentity: "committer-1", leaseDurationSeconds: 15, renewTime: "2026-12-06T12:00:02Z" }), WHERE, NOW).healthy).toBe(true);
  });

  it("GIVEN a Lease renewed within its duration plus the clock-skew allowance THEN healthy; past it THEN not", () => {
    expect(committerHealth(lease({ holderIdentity: "c", leaseDurationSeconds: 15, renewTime: "2026-12-06T11:59:41Z" }), WHERE, NOW).healthy).toBe(true);
    expect(committerHealth(lease({ holderIdentity: "c", leaseDurationSeconds: 15, renewTime: "2026-12-06T11:59:39Z" }), WHERE, NOW).healthy).toBe(false);
  });
});

describe("Argo CD's tracking id and Prune=false", () => {
  it("GIVEN tracking ids THEN the Application they name (with its namespace when apps-in-any-namespace names one)", () => {
    expect(trackedBy(child("Service", "s", { tracking: "orders:/Service:tenant/s" }))).toEqual({ name: "orders" });
    expect(trackedBy(child("Service", "s", { tracking: "team-a_orders:/Service:tenant/s" }))).toEqual({ namespace: "team-a", name: "orders" });
    expect(trackedBy(child("Service", "s"))).toBeUndefined();
  });

  it.each([
    [undefined, "Prune=false"],
    ["", "Prune=false"],
    ["ServerSideApply=true", "ServerSideApply=true,Prune=false"],
    ["Prune=true, Delete=false", "Delete=false,Prune=false"],
    ["Prune=false,Delete=false", undefined],
  ])("GIVEN sync-options %j THEN %j", (current, expected) => {
    expect(withPruneDisabled(current)).toBe(expected);
  });
});

describe("adoptionPending", () => {
  const tracked = (name: string, kind = "Service") => child(kind, name, { tracking: `orders:/${kind}:tenant/${name}` });
  const lookup = (app: ApplicationView | undefined) => () => app;

  it("GIVEN no Committed condition, or a False one THEN pending on the committer, with its reason", () => {
    expect(adoptionPending(order(), [], lookup(undefined))).toEqual(["vm-1: the committer has not committed its files yet (no Committed condition)"]);
    expect(adoptionPending(order({ status: "False", reason: "PushFailed", message: "no route" }), [], lookup(undefined))).toEqual(["vm-1: Committed is False (PushFailed): no route"]);
  });

  it("GIVEN committed but a child without the tracking id THEN pending on Argo CD", () => {
    const pending = adoptionPending(order(pushed), [child("Service", "s")], lookup(application([])));
    expect(pending).toEqual([`vm-1: Service tenant/s is not applied by Argo CD yet (no tracking id; commit ${SHA.slice(0, 12)})`]);
  });

  it("GIVEN a tracked child OutOfSync (or the Application gone) THEN pending, naming the Application", () => {
    expect(adoptionPending(order(pushed), [tracked("s")], lookup(application([{ kind: "Service", name: "s", status: "OutOfSync" }])))).toEqual(["vm-1: Service tenant/s is OutOfSync in Application orders"]);
    expect(adoptionPending(order(pushed), [tracked("s")], lookup(undefined))).toEqual(["vm-1: Service tenant/s is tracked by Application orders, which was not found"]);
  });

  it("GIVEN every child tracked and Synced THEN nothing pending", () => {
    const app = application([{ kind: "Service", name: "s", status: "Synced" }, { kind: "VirtualMachine", name: "vm-1", status: "Synced" }]);
    expect(adoptionPending(order(pushed), [tracked("s"), tracked("vm-1", "VirtualMachine")], lookup(app))).toEqual([]);
  });

  it("GIVEN the Committed message THEN the commit it names", () => {
    expect(committedCommit(order(pushed))).toEqual({ commit: SHA });
  });
});

describe("gitopsVerifyProblems", () => {
  const saved: OrderBackup = { order: "vm-1", objects: [child("Service", "s", { uid: "u1" }), child("Secret", "c", { uid: "u2" }), child("VirtualMachine", "vm-1", { uid: "u3" })] };

  it("GIVEN every child with its backup uid and tracked THEN no problem", () => {
    const live = [child("Service", "s", { uid: "u1", tracking: "a:/Service:tenant/s" }), child("Secret", "c", { uid: "u2", tracking: "a:/Secret:tenant/c" }), child("VirtualMachine", "vm-1", { uid: "u3", tracking: "a:kubevirt.io/VirtualMachine:tenant/vm-1" })];
    expect(gitopsVerifyProblems(saved, live, () => true)).toEqual([]);
  });

  it("GIVEN a re-created child, a gone one and an untracked one THEN each is named; an untracked Secret a SealedSecret owns is fine", () => {
    const live = [child("Service", "s", { uid: "other", tracking: "a:/Service:tenant/s" }), child("Secret", "c", { uid: "u2", ownerKind: "SealedSecret" })];
    const problems = gitopsVerifyProblems(saved, live, (object) => object.kind !== "Secret");
    expect(problems).toEqual(["vm-1: Service tenant/s was re-created (uid u1 → other)", "vm-1: VirtualMachine tenant/vm-1 is gone"]);
    expect(gitopsVerifyProblems(saved, [child("Service", "s", { uid: "u1" })], () => true)).toContain("vm-1: Service tenant/s carries no Argo CD tracking id");
  });
});

describe("the backup Verify compares uids with", () => {
  it("GIVEN a live child THEN its backup keeps metadata.uid (and drops managedFields and status)", () => {
    const service = child("Service", "s", { uid: "u-1" });
    const live = { ...service, metadata: { ...service.metadata, managedFields: [{ manager: "OpenAPI-Generator" }] }, status: { loadBalancer: {} } } as LiveObject;
    const saved = backupObject(live);
    expect(saved.metadata.uid).toBe("u-1");
    expect(saved.metadata.managedFields).toBeUndefined();
    expect(saved.status).toBeUndefined();
  });
});

describe("removalPending", () => {
  const tracked = child("Service", "s", { tracking: "orders:/Service:tenant/s" });

  it("GIVEN Argo CD still wanting a tracked child (the removal not pushed or not compared) THEN wait; once it wants it pruned (or lists it no more) THEN restore", () => {
    expect(removalPending("vm-1", [tracked], () => application([{ kind: "Service", name: "s", status: "Synced" }]))).toEqual([
      "vm-1: Argo CD has not compared a revision without Service tenant/s yet (Application orders; the committer removes the order's files)",
    ]);
    expect(removalPending("vm-1", [tracked], () => application([{ kind: "Service", name: "s", status: "OutOfSync", requiresPruning: true }]))).toEqual([]);
    expect(removalPending("vm-1", [tracked], () => application([]))).toEqual([]);
    expect(removalPending("vm-1", [tracked], () => undefined)).toEqual([]);
  });

  it("GIVEN a sync operation still running THEN wait even when the child requires pruning (that sync may apply an older revision over the restore)", () => {
    const running = { ...application([{ kind: "Service", name: "s", status: "OutOfSync", requiresPruning: true }]) };
    const syncing: ApplicationView = { ...running, status: { ...running.status, operationState: { phase: "Running", message: "waiting for healthy state" } } };
    expect(removalPending("vm-1", [tracked], () => syncing)).toEqual(["vm-1: Application orders is still running a sync (waiting for healthy state); waiting for it to end before restoring Service tenant/s"]);
    const done: ApplicationView = { ...running, status: { ...running.status, operationState: { phase: "Succeeded" } } };
    expect(removalPending("vm-1", [tracked], () => done)).toEqual([]);
  });

  it("GIVEN children Argo CD never tracked THEN nothing to wait for", () => {
    expect(removalPending("vm-1", [child("Service", "s")], () => application([{ kind: "Service", name: "s", status: "Synced" }]))).toEqual([]);
  });
});

describe("dataVolumeSpecChanges", () => {
  const dv = (spec: Record<string, unknown>) => ({ kind: "DataVolume", metadata: { name: "d" }, spec }) as LiveObject;
  const rendered = dv({ source: { registry: { url: "docker://fedora" } }, pvc: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } } });

  it("GIVEN a live DataVolume made with a smaller disk THEN the storage request is named", () => {
    const live = dv({ source: { registry: { url: "docker://fedora" } }, pvc: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } }, storageClassName: "standard" } });
    expect(dataVolumeSpecChanges(rendered, live)).toEqual(["spec.pvc.resources.requests.storage"]);
  });

  it("GIVEN fields only the live object has (a class the webhook set) THEN no change: server-side apply leaves them", () => {
    const live = dv({ source: { registry: { url: "docker://fedora" } }, pvc: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } }, storageClassName: "standard" } });
    expect(dataVolumeSpecChanges(rendered, live)).toEqual([]);
  });

  it("GIVEN another image and access modes THEN both, arrays compared whole", () => {
    const live = dv({ source: { registry: { url: "docker://centos" } }, pvc: { accessModes: ["ReadWriteMany"], resources: { requests: { storage: "20Gi" } } } });
    expect(dataVolumeSpecChanges(rendered, live)).toEqual(["spec.pvc.accessModes", "spec.source.registry.url"]);
  });
});

describe("nextStatus for the gitops waits", () => {
  const SPEC: FleetMigrationSpec = { orderSelector: { matchLabels: { fleet: "a" } }, percentage: 100, targetMode: "gitops", batchSize: 2, approvalMode: "Automatic", paused: false, rollbackOnFailure: false };
  const adopted: BatchStatus = { index: 1, orders: ["a", "b"], state: "Adopting", backupSecret: "s", adopted: ["a", "b"] };
  const migration = (spec: Partial<FleetMigrationSpec> = {}): FleetMigration => ({ metadata: { name: "fm", namespace: "orders", generation: 1 }, spec: { ...SPEC, ...spec }, status: { batches: [adopted] } });

  it("GIVEN Argo CD has not adopted the batch THEN Adopt says AwaitingArgoCD with the first few things, the batch is unchanged and Verify runs next", () => {
    const pending = ["a: 1", "a: 2", "b: 3", "b: 4", "b: 5"];
    const status = nextStatus(migration(), { kind: "adoptPending", batch: 1, pending }, new Date());
    expect(status.batches).toEqual([adopted]);
    expect(status.phase).toBe("Migrating");
    expect(status.conditions?.find((condition) => condition.type === "Adopt")).toMatchObject({ status: "False", reason: "AwaitingArgoCD", message: "batch 1: waiting for 5 thing(s): a: 1; a: 2; b: 3; and 2 more" });
    expect(status.conditions?.find((condition) => condition.type === "Verify")).toMatchObject({ status: "Unknown", reason: "NotStarted" });
  });

  it("GIVEN a rolled-back order waiting for its removal THEN RolledBack says AwaitingArgoCD and the order is not yet counted", () => {
    const status = nextStatus(migration({ rollbackToBatch: 1 }), { kind: "rollbackPending", batch: 1, order: "b", pending: ["b: the committer has not pushed the removal of its files yet"] }, new Date());
    expect(status.batches?.[0]?.rolledBack).toBeUndefined();
    expect(status.phase).toBe("RollingBack");
    expect(status.conditions?.find((condition) => condition.type === "RolledBack")).toMatchObject({ status: "False", reason: "AwaitingArgoCD", message: expect.stringContaining("the committer has not pushed the removal") });
  });

  it("GIVEN no committer THEN the platform is unhealthy for a gitops target, naming the committer after the other problems", () => {
    const down = committerHealth(undefined, { namespace: "osac", name: "osac-vm-committer" }, new Date());
    expect(withCommitter({ healthy: true, problems: [], evidence: ["5 CRDs established"] }, down)).toEqual({
      healthy: false,
      problems: [expect.stringMatching(/^committer unavailable: no Lease osac\/osac-vm-committer/)],
      evidence: ["5 CRDs established"],
    });
    const both = withCommitter({ healthy: false, problems: ["webhook w is unreachable"], evidence: [] }, down);
    expect(both.problems).toEqual(["webhook w is unreachable", expect.stringMatching(/^committer unavailable/)]);
  });

  it("GIVEN a committer holding its Lease THEN the platform's verdict stands, with the holder as evidence", () => {
    const up = { healthy: true as const, holder: "committer-0" };
    expect(withCommitter({ healthy: true, problems: [], evidence: [] }, up)).toEqual({ healthy: true, problems: [], evidence: ["committer committer-0 holds its Lease"] });
    expect(withCommitter({ healthy: false, problems: ["CRD c is not installed"], evidence: [] }, up).healthy).toBe(false);
  });
});
