// The chart with the fleet migration on (ci/migration-values.yaml): the FleetMigration CRD as in
// crds/, one migration controller pod running `osac-vm migrate controller` with flags the command
// accepts, and the approver ClusterRole limited to FleetMigrations. Off (the default), none of it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { CHART_DIR, find, findAll, render, type KubeDoc } from "../e2e/support/chart-helm.ts";

const NS = "osac-vm-gitops";
const CRD = "fleetmigrations.gitops.cloudkit.openshift.io";
let migration: KubeDoc[];
let plain: KubeDoc[];

beforeAll(async () => {
  migration = await render({ valuesFiles: ["ci/migration-values.yaml"], namespace: NS });
  plain = await render({ namespace: NS });
}, 15 * 60_000);

describe("helm template with migration.enabled", () => {
  it("GIVEN the FleetMigration CRD THEN it is the repository's, with the chart's labels; absent by default", () => {
    const crd = findAll(migration, "CustomResourceDefinition").find((doc) => doc.metadata.name === CRD)!;
    const source = yaml.load(readFileSync(join(CHART_DIR, "../../crds/gitops.cloudkit.openshift.io_fleetmigrations.yaml"), "utf8")) as KubeDoc;
    expect(crd.spec).toEqual(source.spec);
    expect(crd.metadata.labels["app.kubernetes.io/part-of"]).toBe("osac");
    expect(findAll(plain, "CustomResourceDefinition").map((doc) => doc.metadata.name)).not.toContain(CRD);
    expect(findAll(plain, "Deployment").map((doc) => doc.metadata.name).filter((name: string) => name.endsWith("-migration"))).toEqual([]);
  });

  it("GIVEN the Deployment THEN one replica, Recreate, `migrate controller` with the values' flags", () => {
    const deployment = find(migration, "Deployment", "-migration");
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: "Recreate" });
    const container = deployment.spec.template.spec.containers[0];
    expect(container.command).toEqual(["node", "bin/osac-vm.js", "migrate", "controller"]);
    expect(container.args).toEqual(["--metrics-port=8080", "--step-interval-ms=250", "--rollout-strategy=LiveUpdate", `--committer-lease-namespace=${NS}`, "--argocd-namespace=argocd"]);
    expect(deployment.spec.template.spec.serviceAccountName).toBe(deployment.metadata.name);
  });

  it("GIVEN the RBAC THEN the controller's role is bound to its account and approvers may only patch FleetMigrations", () => {
    const role = find(migration, "ClusterRole", "-migration");
    expect(role.rules).toContainEqual({ apiGroups: ["gitops.cloudkit.openshift.io"], resources: ["fleetmigrations/status"], verbs: ["update"] });
    // targetMode gitops (ADR 34): the committer's Lease and Argo CD's Applications, read only.
    expect(role.rules).toContainEqual({ apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get"] });
    expect(role.rules).toContainEqual({ apiGroups: ["argoproj.io"], resources: ["applications"], verbs: ["get"] });
    const binding = find(migration, "ClusterRoleBinding", "-migration");
    expect(binding.roleRef.name).toBe(role.metadata.name);
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: role.metadata.name, namespace: NS }]);
    const approver = find(migration, "ClusterRole", "-migration-approver");
    expect(approver.rules).toEqual([{ apiGroups: ["gitops.cloudkit.openshift.io"], resources: ["fleetmigrations"], verbs: ["get", "list", "watch", "patch"] }]);
  });

  it("GIVEN the platform health and database checks (ADR 35) THEN the role reads CRDs and webhook configurations, and may dry-run an order", () => {
    const role = find(migration, "ClusterRole", "-migration");
    expect(role.rules).toContainEqual({ apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"], verbs: ["get"] });
    expect(role.rules).toContainEqual({ apiGroups: ["admissionregistration.k8s.io"], resources: ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"], verbs: ["list"] });
    expect(role.rules).toContainEqual({ apiGroups: ["cloudkit.openshift.io"], resources: ["virtualmachines"], verbs: ["get", "list", "patch", "create"] });
    const env = find(migration, "Deployment", "-migration").spec.template.spec.containers[0].env.map((entry: { name: string }) => entry.name);
    expect(env).not.toContain("DATABASE_URL");
  });

  it("GIVEN admission off and an external database THEN --no-webhook-check and the controller's DATABASE_URL Secret", async () => {
    const docs = await render({ valuesFiles: ["ci/migration-values.yaml"], namespace: NS, set: { "admission.enabled": false, "controller.database.mode": "external", "controller.database.external.existingSecret": "status-db" } });
    const container = find(docs, "Deployment", "-migration").spec.template.spec.containers[0];
    expect(container.args).toContain("--no-webhook-check");
    expect(container.env).toContainEqual({ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "status-db", key: "DATABASE_URL" } } });
  });
});
