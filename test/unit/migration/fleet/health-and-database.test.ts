// ADR 0035: the platform health verdicts, the held status, and what "status reaches the database" means.
import { describe, expect, it } from "vitest";
import { databaseRowProblems, databaseVerdict, DATABASE_NOT_CONFIGURED, type StatusRow } from "../../../../src/migration/fleet/database-verify.ts";
import { heldStatus, needsPlatformCheck, platformUnhealthyCondition } from "../../../../src/migration/fleet/held-status.ts";
import { nextStatus } from "../../../../src/migration/fleet/next-status.ts";
import { crdProblems, ORDER_WEBHOOKS, platformHealth, probeVerdict, REQUIRED_CRDS, webhookConfigurationProblems, type CrdLike } from "../../../../src/migration/fleet/platform-health.ts";
import type { FleetMigration, FleetMigrationStatus } from "../../../../src/migration/fleet/types.ts";
import type { LiveObject } from "../../../../src/migration/live-object.ts";

const NOW = new Date("2026-12-06T12:00:00Z");
const SPEC = { orderSelector: { matchLabels: { fleet: "a" } }, percentage: 100, targetMode: "controller", batchSize: 2, approvalMode: "Automatic", paused: false, rollbackOnFailure: false } as const;

function migration(status?: FleetMigrationStatus): FleetMigration {
  return { metadata: { name: "fm", namespace: "orders", generation: 1 }, spec: SPEC, ...(status ? { status } : {}) };
}

const healthyCrd = (version: string): CrdLike => ({ spec: { versions: [{ name: version, served: true }] }, status: { conditions: [{ type: "Established", status: "True" }] } });
const allCrds = () => new Map(REQUIRED_CRDS.map((crd) => [crd.name, healthyCrd(crd.version)]));
const configuration = (name: string, webhook: string) => ({ metadata: { name }, webhooks: [{ name: webhook }] });
const DENIED = 'admission webhook "orders.validate.osac-vm-gitops.cloudkit.openshift.io" denied the request: VirtualMachine "osac-vm-health-probe-1" is invalid: cpu_cores: must be at least 1';
const UNREACHABLE =
  'Internal error occurred: failed calling webhook "orders.mutate.osac-vm-gitops.cloudkit.openshift.io": failed to call webhook: Post "https://127.0.0.1:40000/mutate/virtualmachines?timeout=3s": dial tcp 127.0.0.1:40000: connect: connection refused';

describe("crdProblems", () => {
  it("GIVEN every CRD established and serving its version THEN no problem", () => {
    expect(crdProblems(allCrds())).toEqual([]);
  });

  it("GIVEN a missing CRD, one not Established and one not serving the version THEN each is named", () => {
    const crds = allCrds();
    crds.delete("datavolumes.cdi.kubevirt.io");
    crds.set("virtualmachines.kubevirt.io", { ...healthyCrd("v1"), status: { conditions: [{ type: "Established", status: "False", reason: "Installing", message: "the initial names have not been accepted" }] } });
    crds.set("virtualmachines.cloudkit.openshift.io", { ...healthyCrd("v1alpha1"), spec: { versions: [{ name: "v1alpha1", served: false }, { name: "v1beta1", served: true }] } });
    expect(crdProblems(crds)).toEqual([
      "CRD virtualmachines.cloudkit.openshift.io does not serve v1alpha1 (served: v1beta1)",
      "CRD virtualmachines.kubevirt.io is not Established (False, Installing: the initial names have not been accepted)",
      "CRD datavolumes.cdi.kubevirt.io is not installed",
    ]);
  });
});

describe("webhookConfigurationProblems", () => {
  it("GIVEN both order webhooks in configurations of any name THEN they are found", () => {
    const found = webhookConfigurationProblems([configuration("osac", ORDER_WEBHOOKS.mutating)], [configuration("osac-vm-gitops-cluster-up", ORDER_WEBHOOKS.validating)]);
    expect(found).toEqual({ problems: [], found: ["MutatingWebhookConfiguration osac", "ValidatingWebhookConfiguration osac-vm-gitops-cluster-up"] });
  });

  it("GIVEN no validating configuration with the order webhook THEN that is the problem", () => {
    const found = webhookConfigurationProblems([configuration("osac", ORDER_WEBHOOKS.mutating)], [configuration("other", "something.example.com")]);
    expect(found.problems).toEqual([`no ValidatingWebhookConfiguration has the webhook ${ORDER_WEBHOOKS.validating} (the chart installs it with admission.enabled)`]);
  });
});

describe("probeVerdict", () => {
  it("GIVEN our webhook denied the invalid probe THEN it answers", () => {
    expect(probeVerdict({ kind: "refused", status: 422, message: DENIED }, "orders")).toEqual({ evidence: `webhook ${ORDER_WEBHOOKS.validating} answered (denied the invalid probe order)` });
  });

  it.each([
    ["unreachable", { kind: "refused", status: 500, message: UNREACHABLE }, `webhook ${ORDER_WEBHOOKS.mutating} is unreachable: ${UNREACHABLE}`],
    ["not ready", { kind: "refused", status: 503, message: DENIED.replace("is invalid: cpu_cores: must be at least 1", "caches have not synced") }, `webhook ${ORDER_WEBHOOKS.validating} answers but is not ready`],
    ["admitted", { kind: "admitted" }, "no osac-vm webhook validated it (does the webhook configurations' namespaceSelector cover orders?)"],
    ["another webhook", { kind: "refused", status: 400, message: 'admission webhook "policy.example.com" denied the request: no' }, "denied by webhook policy.example.com before an osac-vm webhook saw it"],
    ["forbidden", { kind: "refused", status: 403, message: "virtualmachines.cloudkit.openshift.io is forbidden" }, "needs create on virtualmachines.cloudkit.openshift.io for a dry run"],
  ] as const)("GIVEN %s THEN a problem that says so", (_name, answer, text) => {
    const verdict = probeVerdict(answer, "orders");
    expect(verdict.evidence).toBeUndefined();
    expect(verdict.problem).toContain(text);
  });
});

describe("platformHealth", () => {
  it("GIVEN healthy CRDs and a webhook down THEN unhealthy, naming the webhook; without the webhook check THEN healthy", () => {
    const webhook = { mutating: [configuration("osac", ORDER_WEBHOOKS.mutating)], validating: [configuration("osac", ORDER_WEBHOOKS.validating)], probe: { kind: "refused", status: 500, message: UNREACHABLE } as const, namespace: "orders" };
    const down = platformHealth({ crds: allCrds(), webhook });
    expect(down.healthy).toBe(false);
    expect(down.problems).toEqual([`webhook ${ORDER_WEBHOOKS.mutating} is unreachable: ${UNREACHABLE}`]);
    expect(platformHealth({ crds: allCrds() })).toMatchObject({ healthy: true, problems: [] });
    expect(platformHealth({ crds: allCrds(), webhook: { ...webhook, probe: { kind: "refused", status: 422, message: DENIED } } }).healthy).toBe(true);
  });
});

describe("held status", () => {
  const planned: FleetMigrationStatus = nextStatus(migration(), { kind: "preflight", batches: [["a", "b"], ["c"]], refused: [], skipped: 0, selected: 3, acceptedDifferences: 0 }, NOW);

  it("GIVEN preflight or a batch's first adoption THEN the platform is checked; later adoptions and other steps are not", () => {
    const adopting = { ...planned, batches: [{ index: 1, orders: ["a", "b"], state: "Adopting" as const, backupSecret: "s", adopted: ["a"] }] };
    expect(needsPlatformCheck({ kind: "preflight" }, undefined)).toBe(true);
    expect(needsPlatformCheck({ kind: "adopt", batch: 1, order: "a" }, { ...planned, batches: [{ index: 1, orders: ["a", "b"], state: "BackedUp", backupSecret: "s", adopted: [] }] })).toBe(true);
    expect(needsPlatformCheck({ kind: "adopt", batch: 1, order: "b" }, adopting)).toBe(false);
    expect(needsPlatformCheck({ kind: "verify", batch: 1 }, adopting)).toBe(false);
    expect(needsPlatformCheck({ kind: "backup", batch: 1 }, planned)).toBe(false);
  });

  it("GIVEN an unhealthy platform before the plan THEN Preflight False PlatformUnhealthy, phase Pending (not Failed), nothing planned", () => {
    const status = heldStatus(migration(), platformUnhealthyCondition({ kind: "preflight" }, undefined, ["webhook w is unreachable: x", "CRD c is not installed"]), NOW);
    expect(status.phase).toBe("Pending");
    expect(status.batches).toBeUndefined();
    expect(status.conditions?.map((condition) => condition.type)).toEqual(["Preflight", "Backup", "Adopt", "Verify"]);
    expect(status.conditions?.[0]).toMatchObject({ status: "False", reason: "PlatformUnhealthy", message: "waiting for a healthy platform before planning: webhook w is unreachable: x; CRD c is not installed" });
  });

  it("GIVEN an unhealthy platform before a batch THEN Adopt False PlatformUnhealthy, phase Migrating, the plan and Preflight kept", () => {
    const backedUp = { ...planned, batches: [{ index: 1, orders: ["a", "b"], state: "BackedUp" as const, backupSecret: "s", adopted: [] }, planned.batches![1]!] };
    const status = heldStatus(migration(backedUp), platformUnhealthyCondition({ kind: "adopt", batch: 1, order: "a" }, backedUp, ["webhook w is unreachable"]), NOW);
    expect(status.phase).toBe("Migrating");
    expect(status.batches).toEqual(backedUp.batches);
    expect(status.conditions?.find((condition) => condition.type === "Preflight")?.reason).toBe("Passed");
    expect(status.conditions?.find((condition) => condition.type === "Adopt")).toMatchObject({ status: "False", reason: "PlatformUnhealthy", message: "batch 1 of 2: waiting for a healthy platform before adopting: webhook w is unreachable" });
  });
});

describe("status database", () => {
  const order: LiveObject = { metadata: { name: "vm-1", uid: "u1", generation: 2 }, status: { phase: "Ready", desiredConfigVersion: "d1", reconciledConfigVersion: "d1" } };
  const row: StatusRow = { state: "READY", observedGeneration: 2, desiredConfigVersion: "d1", reconciledConfigVersion: "d1", deletedAt: null };

  it("GIVEN the row says what the order's status says THEN no problem", () => {
    expect(databaseRowProblems(order, row)).toEqual([]);
  });

  it.each<[string, StatusRow | undefined, LiveObject, string]>([
    ["no row", undefined, order, "vm-1: no row in the status database (the order controller has not recorded it)"],
    ["a deleted row", { ...row, deletedAt: NOW }, order, "vm-1: the status database marks it deleted"],
    ["no status yet", row, { ...order, status: undefined }, "vm-1: the order controller has not written the order's status yet"],
    ["an older generation", { ...row, observedGeneration: 1 }, order, "vm-1: the status database row observed generation 1, the order is at 2"],
    ["another state", { ...row, state: "PROGRESSING" }, order, "vm-1: the status database row says PROGRESSING, the order's phase Ready is READY"],
    ["other versions", { ...row, reconciledConfigVersion: null }, order, "vm-1: the status database row has config versions d1/none (desired/reconciled), the order's status d1/d1"],
  ])("GIVEN %s THEN the order is named with the reason", (_name, stored, observed, problem) => {
    expect(databaseRowProblems(observed, stored)).toEqual([problem]);
  });

  const batch = { index: 1, orders: ["vm-1", "vm-2"] };
  const planned = { batches: [{ index: 1, orders: ["vm-1", "vm-2"], state: "Adopting" as const, backupSecret: "s", adopted: ["vm-1", "vm-2"] }] };

  it("GIVEN no database THEN passed, saying once that it was not checked; GIVEN clean rows THEN passed with the count", () => {
    expect(databaseVerdict(migration(planned), batch, undefined, NOW, 60_000)).toEqual({ kind: "passed", note: DATABASE_NOT_CONFIGURED });
    expect(databaseVerdict(migration(planned), batch, [], NOW, 60_000)).toEqual({ kind: "passed", note: "status database: the rows of 2 order(s) reflect their status" });
  });

  it("GIVEN missing rows THEN Verify waits (False, WaitingForDatabase, naming them) from the wait's start until the bound, then fails the batch", () => {
    const waiting = databaseVerdict(migration(planned), batch, ["vm-2: no row"], NOW, 60_000);
    expect(waiting).toEqual({
      kind: "waiting",
      condition: { type: "Verify", status: "False", reason: "WaitingForDatabase", message: "batch 1 of 1: waiting for the status database until 2026-12-06T12:01:00.000Z: vm-2: no row" },
    });
    const held = heldStatus(migration(planned), (waiting as Extract<typeof waiting, { kind: "waiting" }>).condition, NOW);
    expect(held.batches).toEqual(planned.batches);
    expect(held.phase).toBe("Migrating");
    const later = new Date(NOW.getTime() + 30_000);
    expect(databaseVerdict(migration(held), batch, ["vm-2: no row"], later, 60_000).kind).toBe("waiting");
    expect(databaseVerdict(migration(held), batch, ["vm-2: no row"], new Date(NOW.getTime() + 60_000), 60_000)).toEqual({ kind: "failed", problems: ["vm-2: no row (waited 60 s)"] });
  });

  it("GIVEN a verified batch with a note THEN the Verify message carries it, and a rollback of that batch does not read it as a failure", () => {
    const verified = nextStatus(migration(planned), { kind: "verify", batch: 1, problems: [], note: DATABASE_NOT_CONFIGURED }, NOW);
    expect(verified.conditions?.find((condition) => condition.type === "Verify")?.message).toBe(
      `batch 1 of 1: VMI uids and launcher images unchanged, no RestartRequired, config versions reconciled; ${DATABASE_NOT_CONFIGURED}`,
    );
    const rolling = nextStatus({ ...migration(verified), spec: { ...SPEC, rollbackToBatch: 1 } }, { kind: "wait", phase: "RollingBack" }, NOW);
    const walking = nextStatus({ ...migration(rolling), spec: { ...SPEC, rollbackToBatch: 1 } }, { kind: "rollbackOrder", batch: 1, order: "vm-2", restored: [] }, NOW);
    expect(walking.conditions?.find((condition) => condition.type === "Verify")).toMatchObject({ status: "Unknown", reason: "NotStarted" });
  });
});
