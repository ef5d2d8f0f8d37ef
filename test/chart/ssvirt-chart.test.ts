// The chart's optional SSVirt controller (ssvirt.enabled, ci/ssvirt-values.yaml): flags the real
// config parser accepts, SSVirt's database URL only through a secretKeyRef, RBAC exactly as the
// code calls (fewer rules with applyNamespaces false), the Lease Role naming only its Lease, and the
// values schema refusing an unusable SSVirt controller at install time. Off (the default), none of it.
import { beforeAll, describe, expect, it } from "vitest";
import { parseSsvirtControllerConfig } from "../../src/ssvirt/controller/config.ts";
import { CHART_DIR, argsToFlags, find, findAll, helm, plainEnv, render, type KubeDoc } from "../e2e/support/chart-helm.ts";

const NS = "osac-vm-gitops";
let docs: KubeDoc[];
let plain: KubeDoc[];

beforeAll(async () => {
  docs = await render({ optionSet: "ssvirt", namespace: NS });
  plain = await render({ namespace: NS });
}, 120_000);

const ssvirtDeployment = (from: KubeDoc[] = docs) => find(from, "Deployment", "-ssvirt");
const ssvirtContainer = (from: KubeDoc[] = docs) => ssvirtDeployment(from).spec.template.spec.containers[0];
const parse = (container: { args: string[]; env?: { name: string; value?: string }[] }, env: Record<string, string> = {}) => {
  const flags = argsToFlags(container.args);
  const { "no-apply-namespaces": noApply, "no-vm-status": noStatus, ...rest } = flags;
  return parseSsvirtControllerConfig({ ...rest, "apply-namespaces": !noApply, "vm-status": !noStatus } as never, { ...plainEnv(container), POD_NAME: "ssvirt-0", POD_NAMESPACE: NS, ...env });
};

const ALWAYS = [
  { apiGroups: ["kubevirt.io"], resources: ["virtualmachines", "virtualmachineinstances"], verbs: ["list", "watch"] },
  { apiGroups: [""], resources: ["events"], verbs: ["create"] },
];
const NAMESPACE_RULES = [
  { apiGroups: [""], resources: ["services"], verbs: ["list", "watch"] },
  { apiGroups: [""], resources: ["namespaces"], verbs: ["get", "create", "patch", "delete"] },
  { apiGroups: [""], resources: ["resourcequotas", "limitranges"], verbs: ["create", "patch"] },
  { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["create", "patch"] },
];

describe("helm template, the SSVirt controller", () => {
  it("GIVEN its flags and environment THEN the real config parser accepts them: the values' intervals, the Lease osac-vm-ssvirt in the release namespace, POD_NAME as identity", () => {
    const c = ssvirtContainer();
    expect(c.command).toEqual(["node", "bin/osac-vm.js", "ssvirt", "controller"]);
    const parsed = parse(c, { SSVIRT_DATABASE_URL: "postgres://ssvirt@db.example.com/ssvirt" });
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data).toMatchObject({ metricsPort: 8081, concurrency: 16, pollIntervalMs: 500, resyncIntervalMs: 600_000, applyNamespaces: true, vmStatus: true, logLevel: "debug" });
    expect(parsed.data!.leaderElection).toEqual({ enabled: true, namespace: NS, name: "osac-vm-ssvirt", identity: "ssvirt-0" });
    for (const [name, fieldPath] of [["POD_NAME", "metadata.name"], ["POD_NAMESPACE", "metadata.namespace"]]) {
      expect(c.env.find((e: KubeDoc) => e.name === name).valueFrom).toEqual({ fieldRef: { fieldPath } });
    }
    expect(ssvirtDeployment().spec.replicas).toBe(2);
    expect(c.ports).toEqual([{ name: "metrics", containerPort: 8081, protocol: "TCP" }]);
    for (const probe of [c.startupProbe, c.livenessProbe]) expect(probe.httpGet).toEqual({ path: "/healthz", port: "metrics" });
    expect(c.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "metrics" });
  });

  it("GIVEN SSVirt's database THEN its URL comes only from the Secret (secretKeyRef), in no value, argument or other variable", () => {
    const c = ssvirtContainer();
    expect(c.env.filter((e: KubeDoc) => e.name === "SSVIRT_DATABASE_URL")).toEqual([{ name: "SSVIRT_DATABASE_URL", valueFrom: { secretKeyRef: { name: "ssvirt-database", key: "url" } } }]);
    expect(JSON.stringify(c)).not.toMatch(/postgres(ql)?:\/\//);
    expect(c.args.join(" ")).not.toMatch(/database|data-dir/);
    // Without the URL the process would fall back to an embedded database per pod: the chart never renders that.
    expect(parse(c).data!.databaseUrl).toBeUndefined();
  });

  it("GIVEN its RBAC THEN it is exactly what the code calls, bound to its own ServiceAccount, and the Lease Role names only its Lease", () => {
    expect(find(docs, "ClusterRole", "-ssvirt").rules).toEqual([...ALWAYS, ...NAMESPACE_RULES]);
    expect(find(docs, "Role", "-ssvirt-lease").rules).toEqual([
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: ["osac-vm-ssvirt"], verbs: ["get", "update"] },
    ]);
    const account = find(docs, "ServiceAccount", "-ssvirt");
    expect(account.automountServiceAccountToken).toBe(false);
    for (const binding of [find(docs, "ClusterRoleBinding", "-ssvirt"), find(docs, "RoleBinding", "-ssvirt-lease")]) {
      expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: account.metadata.name, namespace: NS }]);
    }
    expect(find(docs, "ClusterRoleBinding", "-ssvirt").roleRef.name).toBe(find(docs, "ClusterRole", "-ssvirt").metadata.name);
    expect(find(docs, "RoleBinding", "-ssvirt-lease").roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: find(docs, "Role", "-ssvirt-lease").metadata.name });
    expect(ssvirtDeployment().spec.template.spec.serviceAccountName).toBe(account.metadata.name);
  });

  it("GIVEN applyNamespaces false THEN --no-apply-namespaces, and no Namespace, quota, limit, policy or Service rule", async () => {
    const docsWithout = await render({ optionSet: "ssvirt", namespace: NS, set: { "ssvirt.applyNamespaces": false } });
    const parsed = parse(ssvirtContainer(docsWithout));
    expect(ssvirtContainer(docsWithout).args).toContain("--no-apply-namespaces");
    expect(parsed.data).toMatchObject({ applyNamespaces: false, vmStatus: true });
    expect(find(docsWithout, "ClusterRole", "-ssvirt").rules).toEqual(ALWAYS);
    const statusOff = await render({ optionSet: "ssvirt", namespace: NS, set: { "ssvirt.vmStatus": false } });
    expect(ssvirtContainer(statusOff).args).toContain("--no-vm-status");
    expect(parse(ssvirtContainer(statusOff)).data).toMatchObject({ applyNamespaces: true, vmStatus: false });
    expect(find(statusOff, "ClusterRole", "-ssvirt").rules).toEqual([...ALWAYS, ...NAMESPACE_RULES]);
  });

  it("GIVEN its pod THEN hardened as the others, with a PodDisruptionBudget, a metrics Service, and its metrics port in the NetworkPolicy and the ServiceMonitor", async () => {
    const pod = ssvirtDeployment().spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } });
    expect(ssvirtContainer().securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(pod.automountServiceAccountToken).toBe(true);
    const selector = ssvirtDeployment().spec.selector.matchLabels;
    expect(selector["app.kubernetes.io/component"]).toBe("ssvirt");
    expect(find(docs, "PodDisruptionBudget", "-ssvirt").spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector } });
    const service = find(docs, "Service", "-ssvirt-metrics");
    expect(service.spec).toMatchObject({ selector, ports: [{ name: "metrics", port: 8081, targetPort: "metrics", protocol: "TCP" }] });
    expect(find(docs, "NetworkPolicy", "-ssvirt").spec).toMatchObject({ podSelector: { matchLabels: selector }, ingress: [{ ports: [{ port: 8081, protocol: "TCP" }] }] });
    const monitored = await render({ optionSet: "ssvirt", namespace: NS, set: { "metrics.serviceMonitor.enabled": true } });
    expect(find(monitored, "ServiceMonitor", "-ssvirt").spec).toEqual({ selector: { matchLabels: selector }, endpoints: [{ port: "metrics", path: "/metrics", interval: "30s" }] });
    const single = await render({ optionSet: "ssvirt", namespace: NS, set: { "ssvirt.replicas": 1 } });
    expect(findAll(single, "PodDisruptionBudget").map((doc) => doc.metadata.name).filter((name: string) => name.endsWith("-ssvirt"))).toEqual([]);
  });

  it("GIVEN default values THEN no SSVirt object at all", () => {
    expect(plain.filter((doc) => doc.metadata.name.includes("ssvirt") || doc.metadata.labels?.["app.kubernetes.io/component"] === "ssvirt")).toEqual([]);
    const names = (list: KubeDoc[]) => new Set(list.map((doc) => `${doc.kind}/${doc.metadata.name}`));
    const added = [...names(docs)].filter((name) => !names(plain).has(name)).sort();
    expect(added).toEqual(
      ["ClusterRole", "ClusterRoleBinding", "Deployment", "NetworkPolicy", "PodDisruptionBudget", "Role", "RoleBinding", "Service", "ServiceAccount"]
        .map((kind) => `${kind}/osac-osac-vm-gitops-ssvirt${kind === "Service" ? "-metrics" : kind.startsWith("Role") ? "-lease" : ""}`)
        .sort(),
    );
  });

  it.each([
    [{ "ssvirt.enabled": true }, "/ssvirt/database/existingSecret", "minLength"],
    [{ "ssvirt.enabled": true, "ssvirt.database.existingSecret": "Not_A_Name" }, "/ssvirt/database/existingSecret", "does not match pattern"],
    [{ "ssvirt.database.key": "a/b" }, "/ssvirt/database/key", "does not match pattern"],
    [{ "ssvirt.applyNamespaces": false, "ssvirt.vmStatus": false }, "/ssvirt/vmStatus", "value must be true"],
    [{ "ssvirt.pollIntervalMs": 50 }, "/ssvirt/pollIntervalMs", "minimum"],
    [{ "ssvirt.pollIntervalMs": 120000 }, "/ssvirt/pollIntervalMs", "maximum"],
    [{ "ssvirt.resyncIntervalMs": 10 }, "/ssvirt/resyncIntervalMs", "minimum"],
    [{ "ssvirt.concurrency": 0 }, "/ssvirt/concurrency", "minimum"],
    [{ "ssvirt.replicas": 0 }, "/ssvirt/replicas", "minimum"],
    [{ "ssvirt.logLevel": "verbose" }, "/ssvirt/logLevel", "value must be one of"],
    [{ "ssvirt.metricsPort": 70000 }, "/ssvirt/metricsPort", "maximum"],
    [{ "ssvirt.resources.requests.memory": "lots" }, "/ssvirt/resources/requests/memory", "does not match pattern"],
    [{ "ssvirt.databaseUrl": "postgres://u:p@db/ssvirt" }, "/ssvirt", "additional properties 'databaseUrl' not allowed"],
  ] as const)("GIVEN %j THEN helm template fails naming %s (%s)", async (set, path, reason) => {
    const result = await helm(["template", "x", CHART_DIR, ...Object.entries(set).flatMap(([k, v]) => ["--set", `${k}=${v}`])]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("values don't meet the specifications of the schema");
    expect(result.stderr).toContain(`'${path}'`);
    expect(result.stderr).toContain(reason);
  });

  it("GIVEN the schema skipped (--skip-schema-validation) and both switches off THEN the template itself refuses, saying why", async () => {
    const result = await helm(["template", "x", CHART_DIR, "--skip-schema-validation", "--set", "ssvirt.enabled=true,ssvirt.database.existingSecret=s,ssvirt.applyNamespaces=false,ssvirt.vmStatus=false"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("ssvirt.applyNamespaces and ssvirt.vmStatus are both false");
  });
});
