// controller.watchNamespaces: the controller's RBAC shrinks from a ClusterRole over every
// namespace (and every Secret) to Roles in the given order and tenant namespaces, and its flags
// carry the same scope, as the real config parser reads them.
import { describe, expect, it } from "vitest";
import { parseControllerConfig } from "../../src/controller/config.ts";
import { CHART_DIR, argsToFlags, find, findAll, helm, plainEnv, render, type KubeDoc } from "../e2e/support/chart-helm.ts";

const NS = "osac-vm-gitops";
const SCOPE = {
  "controller.watchNamespaces.orders[0]": "cloudkit-vm-orders",
  "controller.watchNamespaces.tenants[0]": "cloudkit-vm-orders-ntfv23cm4rd2e",
  "controller.watchNamespaces.tenants[1]": "cloudkit-vm-orders-8d7q2v0m3k1aa",
};
const ORDER_RULES = [
  { apiGroups: ["cloudkit.openshift.io"], resources: ["virtualmachines"], verbs: ["list", "watch", "patch"] },
  { apiGroups: ["cloudkit.openshift.io"], resources: ["virtualmachines/status"], verbs: ["patch"] },
];
const CHILD_RULES = [
  { apiGroups: ["kubevirt.io"], resources: ["virtualmachines"], verbs: ["list", "watch", "create", "patch", "delete"] },
  { apiGroups: ["kubevirt.io"], resources: ["virtualmachineinstances"], verbs: ["list", "watch"] },
  { apiGroups: ["cdi.kubevirt.io"], resources: ["datavolumes"], verbs: ["list", "watch", "create", "patch", "delete"] },
  { apiGroups: [""], resources: ["services", "secrets"], verbs: ["list", "watch", "create", "patch", "delete"] },
];

describe("controller.watchNamespaces", () => {
  it("GIVEN order and tenant namespaces THEN the ClusterRole only patches those tenant Namespaces, and Roles grant the rest in each namespace", async () => {
    const docs = await render({ namespace: NS, set: SCOPE });
    const account = find(docs, "ServiceAccount", "-controller").metadata.name;
    const clusterRole = find(docs, "ClusterRole", "-controller");
    expect(clusterRole.rules).toEqual([{ apiGroups: [""], resources: ["namespaces"], resourceNames: ["cloudkit-vm-orders-ntfv23cm4rd2e", "cloudkit-vm-orders-8d7q2v0m3k1aa"], verbs: ["patch"] }]);
    const roles = findAll(docs, "Role").filter((role) => !role.metadata.name.endsWith("-lease"));
    expect(roles.map((role) => [role.metadata.namespace, role.metadata.name.replace(/.*-controller/, "")]).sort()).toEqual([
      ["cloudkit-vm-orders", "-orders"],
      ["cloudkit-vm-orders-8d7q2v0m3k1aa", "-children"],
      ["cloudkit-vm-orders-ntfv23cm4rd2e", "-children"],
    ]);
    for (const role of roles) expect(role.rules).toEqual(role.metadata.name.endsWith("-orders") ? ORDER_RULES : CHILD_RULES);
    const bindings = [...findAll(docs, "RoleBinding"), ...findAll(docs, "ClusterRoleBinding")].filter((b) => b.roleRef.name.includes("-controller") && !b.roleRef.name.endsWith("-lease"));
    expect(bindings).toHaveLength(4);
    for (const binding of bindings) {
      expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: account, namespace: NS }]);
      const role = binding.kind === "ClusterRoleBinding" ? clusterRole : roles.find((r) => r.metadata.name === binding.roleRef.name && r.metadata.namespace === binding.metadata.namespace);
      expect(role, `${binding.kind} ${binding.metadata.namespace}/${binding.metadata.name}`).toBeDefined();
      expect(binding.roleRef.kind).toBe(role!.kind);
    }
    // Nothing grants Secrets (or anything else) cluster-wide any more.
    for (const role of findAll(docs, "ClusterRole")) for (const rule of role.rules) expect(rule.resources).not.toContain("secrets");
  });

  it("GIVEN the scope THEN the controller's flags carry it and the real config parser reads the same namespaces", async () => {
    const docs = await render({ namespace: NS, set: SCOPE });
    const container = find(docs, "Deployment", "-controller").spec.template.spec.containers[0];
    const parsed = parseControllerConfig(argsToFlags(container.args) as never, { ...plainEnv(container), POD_NAME: "p", POD_NAMESPACE: NS });
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data!.scope).toEqual({ orderNamespaces: ["cloudkit-vm-orders"], tenantNamespaces: ["cloudkit-vm-orders-ntfv23cm4rd2e", "cloudkit-vm-orders-8d7q2v0m3k1aa"] });
  });

  it("GIVEN no scope (the default) THEN no namespace flags and no Roles besides the Lease", async () => {
    const docs = await render({ namespace: NS });
    const args: string[] = find(docs, "Deployment", "-controller").spec.template.spec.containers[0].args;
    expect(args.filter((arg) => /namespaces=/.test(arg))).toEqual([]);
    expect(findAll(docs, "Role").map((role: KubeDoc) => role.metadata.name)).toEqual([`${find(docs, "Deployment", "-controller").metadata.name}-lease`]);
  });

  it.each([
    [{ "controller.watchNamespaces.orders[0]": "orders" }, "/controller/watchNamespaces", "tenants"],
    [{ "controller.watchNamespaces.tenants[0]": "t" }, "/controller/watchNamespaces", "orders"],
    [{ "controller.watchNamespaces.orders[0]": "Orders_A", "controller.watchNamespaces.tenants[0]": "t" }, "/controller/watchNamespaces/orders/0", "does not match pattern"],
  ])("GIVEN %j THEN helm template fails naming %s", async (set, path, detail) => {
    const result = await helm(["template", "x", CHART_DIR, ...Object.entries(set).flatMap(([k, v]) => ["--set", `${k}=${v}`])]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("values don't meet the specifications of the schema");
    expect(result.stderr).toContain(path);
    expect(result.stderr).toContain(detail);
  });
});
