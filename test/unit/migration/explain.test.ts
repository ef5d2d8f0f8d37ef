import { describe, expect, it } from "vitest";
import { Annotations } from "../../../src/api/well-known.ts";
import { rolloutBucket } from "../../../src/domain/rollout.ts";
import { expectedChildren } from "../../../src/migration/diff/expected-children.ts";
import { explainOrder } from "../../../src/migration/explain/explanation.ts";
import { lastCommitOf } from "../../../src/migration/explain/last-commit.ts";
import { explainManagedBy, policyFromEnvironment } from "../../../src/migration/explain/managed-by.ts";
import { explainParameters } from "../../../src/migration/explain/parameter-sources.ts";
import type { LiveObject } from "../../../src/migration/live-object.ts";
import { explainReportText } from "../../../src/migration/report/explain-text.ts";
import { PLAIN } from "../../../src/migration/report/style.ts";
import { withServerBookkeeping } from "../../support/live-children.ts";
import { orderDocument, validOrder } from "../../support/orders.ts";

const UUID = "5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11";
const SHA = "a".repeat(40);

describe("explainParameters", () => {
  it("GIVEN given and defaulted parameters THEN each names its source; secrets stay redacted", () => {
    const cloudInit = Buffer.from("#cloud-config\npassword: s3cret\n").toString("base64");
    const order = validOrder({ cpu_cores: "4", image_source: "quay.io/containerdisks/fedora:41", storage_class: "fast", cloud_init_config: cloudInit });
    const rows = explainParameters(order, { defaultImageSource: "quay.io/containerdisks/fedora:41", envStorageClass: "fast" });
    expect(Object.fromEntries(rows.map((row) => [row.name, [row.value, row.source]]))).toEqual({
      cpu_cores: [4, "order"],
      memory: ["2Gi", "template default (the role's)"],
      disk_size: ["10Gi", "template default (the role's)"],
      image_source: ["quay.io/containerdisks/fedora:41", "order (equals OSAC_VM_DEFAULT_IMAGE_SOURCE: the webhook writes it into new orders that name no image)"],
      cloud_init_config: [`<redacted, ${cloudInit.length} chars>`, "order"],
      ssh_public_key: [undefined, "not set (no default)"],
      exposed_ports: ["22/tcp", "template default (the role's)"],
      storage_class: ["fast", "order (equals CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS: the webhook writes it into new orders that name no class)"],
    });
    expect(JSON.stringify(rows)).not.toContain(cloudInit);
  });

  it("GIVEN no image THEN the role's floating default is named as such", () => {
    const rows = explainParameters(validOrder({}), {});
    expect(rows.find((row) => row.name === "image_source")?.source).toContain("it floats");
    expect(rows.find((row) => row.name === "storage_class")).toEqual({ name: "storage_class", source: "not set: see the storage class" });
  });
});

describe("managed-by", () => {
  const metadata = (managedBy?: string, extra: Record<string, unknown> = {}) => ({
    name: "vm-a",
    namespace: "orders",
    labels: { "cloudkit.openshift.io/virtualmachine-uuid": UUID },
    annotations: (managedBy ? { [Annotations.managedBy]: managedBy } : {}) as Record<string, string>,
    ...extra,
  });

  it("GIVEN the rollout policy THEN its bucket and the verdict", () => {
    const bucket = rolloutBucket(UUID);
    const { setting } = policyFromEnvironment({ OSAC_VM_MANAGED_BY_ROLLOUT: `gitops:${bucket + 1}` });
    expect(explainManagedBy(metadata("gitops"), setting!)).toEqual({
      value: "gitops",
      annotated: true,
      policyMode: "gitops",
      bucket,
      reason: `the rollout policy (OSAC_VM_MANAGED_BY_DEFAULT / OSAC_VM_MANAGED_BY_ROLLOUT): bucket ${bucket} (of uuid ${UUID}) < ${bucket + 1} % → gitops`,
    });
    expect(explainManagedBy(metadata("controller"), setting!).reason).toMatch(/^set explicitly: the policy .* would give gitops/);
  });

  it("GIVEN no annotation THEN aap, the role's", () => {
    const { setting } = policyFromEnvironment({});
    expect(explainManagedBy(metadata(), setting!)).toMatchObject({ value: "aap", annotated: false });
    expect(setting!.source).toContain("the webhook's defaults");
  });

  it("GIVEN a generateName order without uuid THEN the bucket cannot be recomputed", () => {
    const { setting } = policyFromEnvironment({});
    expect(explainManagedBy({ name: "vm-x", namespace: "o", generateName: "vm-", annotations: { [Annotations.managedBy]: "aap" } }, setting!).reason).toContain("generateName");
  });

  it.each([
    [{ OSAC_VM_MANAGED_BY_DEFAULT: "ansible" }, "OSAC_VM_MANAGED_BY_DEFAULT 'ansible' is not one of aap, controller, gitops"],
    [{ OSAC_VM_MANAGED_BY_ROLLOUT: "gitops" }, "OSAC_VM_MANAGED_BY_ROLLOUT 'gitops' is not <controller|gitops>:<0-100>"],
  ])("GIVEN %j THEN an error naming the variable", (env, error) => {
    expect(policyFromEnvironment(env)).toEqual({ error });
  });
});

describe("lastCommitOf", () => {
  const committed = (message: string, reason = "Pushed") => [{ type: "Committed", status: "True", reason, message, lastTransitionTime: "2026-01-01T00:00:00Z" }];
  it.each([
    ["current", committed(`Pushed commit ${SHA} with config version abc`), "abc", { sha: SHA, configVersion: "abc", current: true, at: "2026-01-01T00:00:00Z" }],
    ["behind", committed(`Pushed commit ${SHA} with config version old`), "abc", { sha: SHA, configVersion: "old", current: false, at: "2026-01-01T00:00:00Z" }],
    ["other reason", committed(`Pushed commit ${SHA} with config version abc`, "Failed"), "abc", undefined],
    ["malformed", committed("Pushed commit 123 with config version abc"), "abc", undefined],
    ["none", [], "abc", undefined],
  ])("GIVEN %s THEN the commit", (_name, conditions, desired, expected) => {
    expect(lastCommitOf(conditions, desired)).toEqual(expected);
  });
});

describe("explainOrder", () => {
  it("assembles every section for a gitops order", () => {
    const document = orderDocument({ storage_class: "standard" }, { name: "vm-g", uuid: UUID, managedBy: "gitops" }) as any;
    const order = validOrder({ storage_class: "standard" }, { name: "vm-g", uuid: UUID, managedBy: "gitops" });
    document.metadata.uid = "uid-1";
    document.status = {
      phase: "Ready",
      reconciledConfigVersion: order.desiredConfigVersion,
      conditions: [
        { type: "Accepted", status: "True", reason: "Valid", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" },
        { type: "Committed", status: "True", reason: "Pushed", message: `Pushed commit ${SHA} with config version ${order.desiredConfigVersion}`, lastTransitionTime: "2026-01-01T00:00:01Z" },
      ],
    };
    const live = (expectedChildren(order, "gitops") as any[]).map((object) => withServerBookkeeping(object)) as LiveObject[];
    const explanation = explainOrder({
      order: document,
      live,
      strategy: { strategy: "Stage", source: "test" },
      roleStorageClass: { source: "not needed" },
      settings: {},
      policy: policyFromEnvironment({}).setting!,
      database: { source: "PostgreSQL db:5432/postgres", available: true, history: [{ observedAt: "2026-01-01T00:00:02.000Z", state: "READY", powerStatus: "POWERED_ON", ipAddresses: ["10.0.0.7"], desiredConfigVersion: order.desiredConfigVersion, reconciledConfigVersion: order.desiredConfigVersion }] },
    });
    expect(explanation.order).toMatchObject({ namespace: "cloudkit-vm-orders", name: "vm-g", uid: "uid-1", orderUuid: UUID, desiredConfigVersion: order.desiredConfigVersion, reconciledConfigVersion: order.desiredConfigVersion, phase: "Ready" });
    expect(explanation.profile).toBe("gitops");
    expect(explanation.children.every((child) => child.state === "identical")).toBe(true);
    expect(explanation.storageClass).toEqual({ name: "standard", source: "the order's storage_class parameter", live: "standard" });
    expect(explanation.lastCommit).toMatchObject({ applies: true, commit: { sha: SHA, current: true } });
    const text = explainReportText(explanation, PLAIN);
    for (const heading of ["Managed by", "Storage class", "Parameters (after defaults)", "Children (live against rendered)", "Conditions", "History (PostgreSQL db:5432/postgres)", "Last commit"]) {
      expect(text).toContain(`\n${heading}`);
    }
    expect(text).toContain(`${SHA} with config version ${order.desiredConfigVersion} at 2026-01-01T00:00:01Z: holds the order's current configuration`);
    expect(text).toMatch(/2026-01-01T00:00:02.000Z\s+READY\s+POWERED_ON/);
  });
});
