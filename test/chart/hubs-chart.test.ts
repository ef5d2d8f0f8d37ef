// The chart with the hub registry on (ci/hubs-values.yaml): the Hub CRD, OSAC_VM_HUB_REGISTRY on
// both processes (read by the real config parsers), RBAC exactly for what the hub code calls, and
// sideEffects NoneOnDryRun on the order mutating webhook only. Off (the default), nothing of it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { HUBS_PATH } from "../../src/api/gitops/v1alpha1/hub.ts";
import { parseControllerConfig } from "../../src/controller/config.ts";
import { ORDERS_PATH } from "../../src/hubs/hub-cache.ts";
import { parseWebhookConfig } from "../../src/webhook/config.ts";
import { argsToFlags, CHART_DIR, find, findAll, helm, plainEnv, render, type KubeDoc } from "../e2e/support/chart-helm.ts";

const NS = "osac-vm-gitops";
let hubs: KubeDoc[];
let plain: KubeDoc[];

beforeAll(async () => {
  hubs = await render({ optionSet: "hubs", namespace: NS });
  plain = await render({ namespace: NS });
}, 15 * 60_000);

const container = (deployment: KubeDoc) => deployment.spec.template.spec.containers[0];
const HUB_CRD = "hubs.gitops.cloudkit.openshift.io";

describe("helm template with hubs.enabled", () => {
  it("GIVEN the Hub CRD THEN it is the repository's, with the chart's labels and the keep policy", () => {
    const crd = findAll(hubs, "CustomResourceDefinition").find((doc) => doc.metadata.name === HUB_CRD)!;
    const source = yaml.load(readFileSync(join(CHART_DIR, "../../crds/gitops.cloudkit.openshift.io_hubs.yaml"), "utf8")) as KubeDoc;
    expect(crd.spec).toEqual(source.spec);
    expect(crd.metadata.annotations).toEqual({ "helm.sh/resource-policy": "keep" });
    expect(crd.metadata.labels["app.kubernetes.io/part-of"]).toBe("osac");
    expect(findAll(plain, "CustomResourceDefinition").map((doc) => doc.metadata.name)).not.toContain(HUB_CRD);
  });

  it("GIVEN both containers THEN the real parsers read hub placement on, the probe interval, and Secrets in the release namespace", () => {
    const webhook = container(find(hubs, "Deployment", "-webhook"));
    const parsedWebhook = parseWebhookConfig(argsToFlags(webhook.args) as never, plainEnv(webhook));
    expect(parsedWebhook.success && parsedWebhook.data.hubPlacement).toBe(true);
    const controller = container(find(hubs, "Deployment", "-controller"));
    const parsedController = parseControllerConfig(argsToFlags(controller.args) as never, { ...plainEnv(controller), POD_NAME: "pod-0", POD_NAMESPACE: NS });
    expect(parsedController.success && parsedController.data.hubs).toEqual({ enabled: true, secretsNamespace: NS, probeIntervalMs: 15_000 });
    const plainWebhook = container(find(plain, "Deployment", "-webhook"));
    expect(plainEnv(plainWebhook)["OSAC_VM_HUB_REGISTRY"]).toBeUndefined();
  });

  it("GIVEN the RBAC THEN the webhook may list and watch Hubs and orders (no Secrets), the controller may also patch Hub status", () => {
    const path = (collection: string) => /^\/apis\/([^/]+)\/[^/]+\/([^/]+)$/.exec(collection)!.slice(1);
    const [hubGroup, hubResource] = path(HUBS_PATH);
    const [orderGroup, orderResource] = path(ORDERS_PATH);
    expect(find(hubs, "ClusterRole", "-webhook").rules).toEqual([
      { apiGroups: ["storage.k8s.io"], resources: ["storageclasses"], verbs: ["list", "watch"] },
      { apiGroups: ["template.openshift.io"], resources: ["templates"], verbs: ["list", "watch"] },
      { apiGroups: [""], resources: ["resourcequotas"], verbs: ["list", "watch"] },
      { apiGroups: ["kubevirt.io"], resources: ["virtualmachines"], verbs: ["list", "watch"] },
      { apiGroups: ["cdi.kubevirt.io"], resources: ["datavolumes"], verbs: ["list", "watch"] },
      { apiGroups: [orderGroup], resources: [orderResource], verbs: ["list", "watch"] },
      { apiGroups: [hubGroup], resources: [hubResource], verbs: ["list", "watch"] },
    ]);
    const controllerRules = find(hubs, "ClusterRole", "-controller").rules;
    expect(controllerRules).toEqual(
      expect.arrayContaining([
        { apiGroups: [hubGroup], resources: [hubResource], verbs: ["list", "watch"] },
        { apiGroups: [hubGroup], resources: [`${hubResource}/status`], verbs: ["patch"] },
        { apiGroups: [""], resources: ["services", "secrets"], verbs: ["list", "watch", "create", "patch", "delete"] },
      ]),
    );
    expect(find(plain, "ClusterRole", "-controller").rules.some((rule: KubeDoc) => rule.apiGroups.includes(hubGroup))).toBe(false);
  });

  it("GIVEN controller.watchNamespaces THEN the scoped ClusterRole also covers Hubs, and a Role reads Secrets in the release namespace", async () => {
    const scoped = await render({
      optionSet: "hubs",
      namespace: NS,
      set: { "controller.watchNamespaces.orders[0]": "orders", "controller.watchNamespaces.tenants[0]": "tenants" },
    });
    expect(find(scoped, "ClusterRole", "-controller").rules).toEqual([
      { apiGroups: [""], resources: ["namespaces"], resourceNames: ["tenants"], verbs: ["patch"] },
      { apiGroups: ["gitops.cloudkit.openshift.io"], resources: ["hubs"], verbs: ["list", "watch"] },
      { apiGroups: ["gitops.cloudkit.openshift.io"], resources: ["hubs/status"], verbs: ["patch"] },
    ]);
    const secrets = find(scoped, "Role", "-hub-secrets");
    expect(secrets.metadata.namespace).toBe(NS);
    expect(secrets.rules).toEqual([{ apiGroups: [""], resources: ["secrets"], verbs: ["list", "watch"] }]);
    expect(find(scoped, "RoleBinding", "-hub-secrets").roleRef.name).toBe(secrets.metadata.name);
  });

  it("GIVEN the webhook configurations THEN only the order mutating webhook declares NoneOnDryRun", () => {
    const mutating = find(hubs, "MutatingWebhookConfiguration");
    expect(mutating.webhooks.map((webhook: KubeDoc) => [webhook.name.split(".")[0], webhook.sideEffects])).toEqual([
      ["orders", "NoneOnDryRun"],
      ["datavolumes", "None"],
    ]);
    expect(find(hubs, "ValidatingWebhookConfiguration").webhooks.every((webhook: KubeDoc) => webhook.sideEffects === "None")).toBe(true);
  });

  it("GIVEN hubs.enabled without webhook.clusterAccess THEN helm refuses, saying why", async () => {
    const result = await helm(["template", "x", CHART_DIR, "--namespace", NS, "--set", "hubs.enabled=true", "--set", "webhook.clusterAccess=false", "--set", "webhook.storageClass=standard"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("hubs.enabled needs webhook.clusterAccess");
  });
});
