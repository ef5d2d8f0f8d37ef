// charts/osac-vm-gitops through `helm lint` and `helm template` (npm run test:chart; scripts/helm.sh
// finds helm, and without it the suite fails at once and says how to get it). Asserts on the rendered objects:
// webhook registration, RBAC derived from the code, pod hardening, certificates, option sets, and
// values.schema.json refusing bad values.
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { WATCHED } from "../../src/controller/cluster-cache.ts";
import { parseControllerConfig } from "../../src/controller/config.ts";
import { parseWebhookConfig } from "../../src/webhook/config.ts";
import { QUOTA_WATCHES } from "../../src/webhook/quota/watched-quotas.ts";
import { WEBHOOK_PATHS } from "../../src/webhook/server.ts";
import { CHART_DIR, OPTION_SETS, argsToFlags, ensureHelm, find, findAll, helm, plainEnv, render, type KubeDoc, type OptionSet } from "../e2e/support/chart-helm.ts";

const NS = "osac-vm-gitops";
const OPTION_SET_NAMES = Object.keys(OPTION_SETS) as OptionSet[];
const rendered = new Map<OptionSet, KubeDoc[]>();
const docs = (set: OptionSet) => rendered.get(set)!;

beforeAll(async () => {
  await ensureHelm();
  for (const set of OPTION_SET_NAMES) rendered.set(set, await render({ optionSet: set, namespace: NS }));
}, 5 * 60_000);

const CLUSTER_SCOPED = new Set(["CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]);

function container(deployment: KubeDoc) {
  return deployment.spec.template.spec.containers[0];
}

describe("helm lint", () => {
  it.each(OPTION_SET_NAMES)("GIVEN option set %s THEN helm lint --strict passes", async (set) => {
    const files = OPTION_SETS[set].flatMap((file) => ["-f", join(CHART_DIR, file)]);
    const result = await helm(["lint", CHART_DIR, "--strict", "--namespace", NS, ...files]);
    expect(result.stderr + result.stdout).toContain("0 chart(s) failed");
    expect(result.code).toBe(0);
  });
});

describe.each(OPTION_SET_NAMES)("helm template, option set %s: invariants", (set) => {
  it("GIVEN the objects THEN each has a name, namespaced ones live in the release namespace and names fit 63 characters", () => {
    for (const doc of docs(set)) {
      expect(doc.metadata.name.length, `${doc.kind} ${doc.metadata.name}`).toBeLessThanOrEqual(63);
      if (CLUSTER_SCOPED.has(doc.kind)) expect(doc.metadata.namespace).toBeUndefined();
      else expect(doc.metadata.namespace, `${doc.kind} ${doc.metadata.name}`).toBe(NS);
    }
  });

  it("GIVEN every Role and ClusterRole THEN no rule uses *, and none grants escalate, bind, impersonate or deletecollection", () => {
    const roles = [...findAll(docs(set), "ClusterRole"), ...findAll(docs(set), "Role")];
    expect(roles.length).toBeGreaterThanOrEqual(3);
    for (const role of roles) {
      for (const rule of role.rules) {
        for (const field of ["verbs", "resources", "apiGroups", "resourceNames"]) expect(rule[field] ?? [], `${role.metadata.name} ${field}`).not.toContain("*");
        expect(rule.nonResourceURLs).toBeUndefined();
        for (const verb of ["escalate", "bind", "impersonate", "deletecollection"]) expect(rule.verbs).not.toContain(verb);
      }
    }
  });

  it("GIVEN both Deployments THEN pods run non-root with a read-only root filesystem, no privilege escalation, no capabilities, requests and limits", () => {
    for (const deployment of findAll(docs(set), "Deployment")) {
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
      for (const c of pod.containers) {
        expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        expect(Object.keys(c.resources.requests).sort()).toEqual(["cpu", "memory"]);
        expect(Object.keys(c.resources.limits).sort()).toEqual(["cpu", "memory"]);
        expect(c.command.slice(0, 2)).toEqual(["node", "bin/osac-vm.js"]);
        expect(c.volumeMounts.find((m: KubeDoc) => m.mountPath === "/tmp"), "a writable /tmp for tsx").toBeDefined();
        expect(c.livenessProbe.httpGet.path).toBe("/healthz");
        expect(c.readinessProbe.httpGet.path).toBe("/readyz");
      }
      expect(pod.automountServiceAccountToken).toBe(true);
    }
    for (const account of findAll(docs(set), "ServiceAccount")) expect(account.automountServiceAccountToken).toBe(false);
  });

  it("GIVEN the webhook THEN ≥ 2 replicas, spread over nodes, a PodDisruptionBudget, HTTPS probes and a Service 443 → 8443", () => {
    const deployment = find(docs(set), "Deployment", "-webhook");
    const selector = deployment.spec.selector.matchLabels;
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    const spread = deployment.spec.template.spec.topologySpreadConstraints;
    expect(spread.find((c: KubeDoc) => c.topologyKey === "kubernetes.io/hostname")).toMatchObject({ maxSkew: 1, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: selector } });
    const pdb = find(docs(set), "PodDisruptionBudget", "-webhook");
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: { matchLabels: selector } });
    const c = container(deployment);
    expect(c.command).toEqual(["node", "bin/osac-vm.js", "webhook"]);
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) expect(probe.httpGet).toMatchObject({ scheme: "HTTPS", port: "https" });
    expect(c.ports).toEqual([{ name: "https", containerPort: 8443, protocol: "TCP" }]);
    const service = find(docs(set), "Service", "-webhook");
    expect(service.spec.selector).toEqual(selector);
    expect(service.spec.ports).toEqual([{ name: "https", port: 443, targetPort: "https", protocol: "TCP" }]);
  });

  it("GIVEN the webhook container's flags and environment THEN the real config parser accepts them and reads the mounted certificate", () => {
    const deployment = find(docs(set), "Deployment", "-webhook");
    const c = container(deployment);
    const parsed = parseWebhookConfig(argsToFlags(c.args) as never, plainEnv(c));
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const mount = c.volumeMounts.find((m: KubeDoc) => m.name === "serving-certs");
    expect(parsed.data!.tls).toEqual({ mode: "files", certFile: `${mount.mountPath}/tls.crt`, keyFile: `${mount.mountPath}/tls.key` });
    expect(parsed.data!.port).toBe(8443);
    const volume = deployment.spec.template.spec.volumes.find((v: KubeDoc) => v.name === "serving-certs");
    expect(volume.secret.items.map((i: KubeDoc) => i.key)).toEqual(["tls.crt", "tls.key"]);
  });

  it("GIVEN the controller container's flags and environment THEN the real config parser accepts them: Lease in the release namespace, PGlite under the data volume", () => {
    const deployment = find(docs(set), "Deployment", "-controller");
    const c = container(deployment);
    expect(c.command).toEqual(["node", "bin/osac-vm.js", "controller"]);
    const env = { ...plainEnv(c), POD_NAME: "pod-0", POD_NAMESPACE: NS };
    const parsed = parseControllerConfig(argsToFlags(c.args) as never, env);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data!.leaderElection).toMatchObject({ enabled: true, namespace: NS, identity: "pod-0" });
    expect(parsed.data!.dataDir.startsWith(c.volumeMounts.find((m: KubeDoc) => m.name === "data").mountPath + "/")).toBe(true);
    expect(c.env.find((e: KubeDoc) => e.name === "POD_NAME").valueFrom.fieldRef.fieldPath).toBe("metadata.name");
    const lease = find(docs(set), "Role", "-controller-lease");
    expect(lease.rules.find((r: KubeDoc) => r.resourceNames).resourceNames).toEqual([parsed.data!.leaderElection.name]);
  });
});

describe("helm template, default values", () => {
  const set: OptionSet = "default";

  it("GIVEN the CRD THEN it is the repository's CRD with only the conversion clientConfig, labels and annotations changed", () => {
    const source = yaml.load(readFileSync(join(CHART_DIR, "../../crds/cloudkit.openshift.io_virtualmachines.yaml"), "utf8")) as KubeDoc;
    const crd = find(docs(set), "CustomResourceDefinition");
    expect(crd.metadata.name).toBe(source.metadata.name);
    expect({ ...crd.spec, conversion: undefined }).toEqual({ ...source.spec, conversion: undefined });
    expect(crd.spec.conversion.strategy).toBe("Webhook");
    expect(crd.spec.conversion.webhook.conversionReviewVersions).toEqual(["v1"]);
    const service = find(docs(set), "Service", "-webhook");
    expect(crd.spec.conversion.webhook.clientConfig.service).toEqual({ namespace: NS, name: service.metadata.name, path: WEBHOOK_PATHS.convert, port: 443 });
    expect(crd.metadata.annotations["helm.sh/resource-policy"]).toBe("keep");
  });

  it("GIVEN the webhook configurations THEN rules name only the CRD and DataVolumes, with the documented selectors, timeouts and policies", () => {
    const mutating = find(docs(set), "MutatingWebhookConfiguration");
    const validating = find(docs(set), "ValidatingWebhookConfiguration");
    const service = find(docs(set), "Service", "-webhook").metadata.name;
    const all = [...mutating.webhooks, ...validating.webhooks];
    expect(all.map((w: KubeDoc) => w.name)).toEqual([
      "orders.mutate.osac-vm-gitops.cloudkit.openshift.io",
      "datavolumes.mutate.osac-vm-gitops.cloudkit.openshift.io",
      "orders.validate.osac-vm-gitops.cloudkit.openshift.io",
      "kubevirt-vms.validate.osac-vm-gitops.cloudkit.openshift.io",
    ]);
    const orderRule = { apiGroups: ["cloudkit.openshift.io"], apiVersions: ["v1alpha1"], resources: ["virtualmachines"], operations: ["CREATE", "UPDATE"], scope: "Namespaced" };
    const excluded = { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", NS, "argocd"] };
    const [mutateOrders, mutateDataVolumes] = mutating.webhooks;
    const [validateOrders, validateVms] = validating.webhooks;
    expect(mutateOrders.rules).toEqual([orderRule]);
    expect(validateOrders.rules).toEqual([orderRule]);
    expect(mutateDataVolumes.rules).toEqual([{ apiGroups: ["cdi.kubevirt.io"], apiVersions: ["v1beta1"], resources: ["datavolumes"], operations: ["CREATE"], scope: "Namespaced" }]);
    expect(mutateOrders.namespaceSelector).toEqual({ matchExpressions: [excluded] });
    expect(validateOrders.namespaceSelector).toEqual({ matchExpressions: [excluded] });
    expect(mutateDataVolumes.namespaceSelector).toEqual({ matchLabels: { "cloudkit.openshift.io/tenant-namespace": "true" }, matchExpressions: [excluded] });
    for (const webhook of all) {
      expect(webhook.sideEffects).toBe("None");
      expect(webhook.admissionReviewVersions).toEqual(["v1"]);
      expect(webhook.matchPolicy).toBe("Equivalent");
      expect(webhook.timeoutSeconds).toBeGreaterThanOrEqual(2);
      expect(webhook.timeoutSeconds).toBeLessThanOrEqual(3);
      expect(webhook.clientConfig.service).toMatchObject({ namespace: NS, name: service, port: 443 });
      expect(webhook.objectSelector).toBeUndefined();
    }
    expect(mutateOrders.clientConfig.service.path).toBe(WEBHOOK_PATHS.mutateOrders);
    expect(mutateDataVolumes.clientConfig.service.path).toBe(WEBHOOK_PATHS.mutateDataVolumes);
    expect(validateOrders.clientConfig.service.path).toBe(WEBHOOK_PATHS.validateOrders);
    expect(mutateOrders.reinvocationPolicy).toBe("IfNeeded");
    expect(mutateDataVolumes.reinvocationPolicy).toBe("IfNeeded");
    expect(mutateOrders.failurePolicy).toBe("Fail");
    expect(validateOrders.failurePolicy).toBe("Fail");
    expect(mutateDataVolumes.failurePolicy).toBe("Fail");
    // Quota at admission for KubeVirt VMs (ADR 29): tenant namespaces, spec changes only, Ignore.
    expect(validateVms.rules).toEqual([{ apiGroups: ["kubevirt.io"], apiVersions: ["v1"], resources: ["virtualmachines"], operations: ["CREATE", "UPDATE"], scope: "Namespaced" }]);
    expect(validateVms.namespaceSelector).toEqual({ matchLabels: { "cloudkit.openshift.io/tenant-namespace": "true" }, matchExpressions: [excluded] });
    expect(validateVms.matchConditions.map((condition: KubeDoc) => condition.name)).toEqual(["not-deleting", "spec-changed"]);
    expect(validateVms.clientConfig.service.path).toBe(WEBHOOK_PATHS.validateKubeVirtVirtualMachines);
    expect(validateVms.failurePolicy).toBe("Ignore");
  });

  it("GIVEN self-signed certificates THEN one CA bundle is in the CRD and every webhook, and it verifies the serving certificate for the Service's DNS name", () => {
    const secret = find(docs(set), "Secret", "-webhook-tls");
    expect(secret.type).toBe("kubernetes.io/tls");
    const data = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
    expect(Object.keys(data).sort()).toEqual(["ca-bundle.crt", "ca.crt", "ca.key", "tls.crt", "tls.key"]);
    const bundle = secret.data["ca-bundle.crt"];
    expect(data["ca-bundle.crt"]).toBe(data["ca.crt"]);
    const crd = find(docs(set), "CustomResourceDefinition");
    const hooks = [...find(docs(set), "MutatingWebhookConfiguration").webhooks, ...find(docs(set), "ValidatingWebhookConfiguration").webhooks];
    for (const caBundle of [crd.spec.conversion.webhook.clientConfig.caBundle, ...hooks.map((w: KubeDoc) => w.clientConfig.caBundle)]) expect(caBundle).toBe(bundle);
    const ca = new X509Certificate(data["ca.crt"]!);
    const leaf = new X509Certificate(data["tls.crt"]!);
    expect(ca.ca).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    const service = find(docs(set), "Service", "-webhook").metadata.name;
    expect(leaf.checkHost(`${service}.${NS}.svc`)).toBe(`${service}.${NS}.svc`);
    expect(leaf.checkHost(`${service}.${NS}.svc.cluster.local`)).toBeDefined();
    expect(secret.metadata.annotations).toMatchObject({
      "osac-vm-gitops.cloudkit.openshift.io/ca-rotation": "0",
      "osac-vm-gitops.cloudkit.openshift.io/serving-rotation": "0",
    });
    const notAfter = Number(secret.metadata.annotations["osac-vm-gitops.cloudkit.openshift.io/serving-not-after"]);
    expect(Math.abs(notAfter * 1000 - Date.parse(leaf.validTo))).toBeLessThan(120_000);
    // The webhook mounts exactly this Secret.
    const volume = find(docs(set), "Deployment", "-webhook").spec.template.spec.volumes.find((v: KubeDoc) => v.name === "serving-certs");
    expect(volume.secret.secretName).toBe(secret.metadata.name);
  });

  it("GIVEN the RBAC THEN it is exactly what the code calls: one ClusterRole per process and a namespaced Role for the Lease", () => {
    const webhookRole = find(docs(set), "ClusterRole", "-webhook");
    expect(webhookRole.rules).toEqual([
      { apiGroups: ["storage.k8s.io"], resources: ["storageclasses"], verbs: ["list", "watch"] },
      { apiGroups: ["template.openshift.io"], resources: ["templates"], verbs: ["list", "watch"] },
      { apiGroups: [""], resources: ["resourcequotas"], verbs: ["list", "watch"] },
      { apiGroups: ["kubevirt.io"], resources: ["virtualmachines"], verbs: ["list", "watch"] },
      { apiGroups: ["cdi.kubevirt.io"], resources: ["datavolumes"], verbs: ["list", "watch"] },
      { apiGroups: ["cloudkit.openshift.io"], resources: ["virtualmachines"], verbs: ["list", "watch"] },
    ]);
    // Every collection the webhook's quota check watches (src/webhook/quota/watched-quotas.ts) is listable and watchable.
    for (const path of Object.values(QUOTA_WATCHES)) {
      const match = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/([^/]+)$/.exec(path)!;
      const [group, resource] = [match[1] ?? "", match[2]!];
      const grants = webhookRole.rules.filter((r: KubeDoc) => r.apiGroups.includes(group) && r.resources.includes(resource)).flatMap((r: KubeDoc) => r.verbs);
      expect(grants, path).toEqual(["list", "watch"]);
    }
    const controllerRole = find(docs(set), "ClusterRole", "-controller");
    expect(controllerRole.rules).toEqual([
      { apiGroups: ["cloudkit.openshift.io"], resources: ["virtualmachines"], verbs: ["list", "watch", "patch"] },
      { apiGroups: ["cloudkit.openshift.io"], resources: ["virtualmachines/status"], verbs: ["patch"] },
      { apiGroups: ["kubevirt.io"], resources: ["virtualmachines"], verbs: ["list", "watch", "create", "patch", "delete"] },
      { apiGroups: ["kubevirt.io"], resources: ["virtualmachineinstances"], verbs: ["list", "watch"] },
      { apiGroups: ["cdi.kubevirt.io"], resources: ["datavolumes"], verbs: ["list", "watch", "create", "patch", "delete"] },
      { apiGroups: [""], resources: ["services", "secrets"], verbs: ["list", "watch", "create", "patch", "delete"] },
      { apiGroups: [""], resources: ["namespaces"], verbs: ["create", "patch"] },
    ]);
    // Every collection the controller watches (src/controller/cluster-cache.ts WATCHED) is listable and watchable.
    for (const path of Object.values(WATCHED)) {
      const match = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/([^/]+)$/.exec(path)!;
      const [group, resource] = [match[1] ?? "", match[2]!];
      const grants = controllerRole.rules.filter((r: KubeDoc) => r.apiGroups.includes(group) && r.resources.includes(resource)).flatMap((r: KubeDoc) => r.verbs);
      expect(grants, path).toEqual(expect.arrayContaining(["list", "watch"]));
    }
    const lease = find(docs(set), "Role", "-lease");
    expect(lease.metadata.namespace).toBe(NS);
    expect(lease.rules).toEqual([
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: ["osac-vm-controller"], verbs: ["get", "update"] },
    ]);
    const bindings = [...findAll(docs(set), "ClusterRoleBinding"), ...findAll(docs(set), "RoleBinding")];
    expect(bindings).toHaveLength(3);
    for (const binding of bindings) {
      expect(binding.subjects).toHaveLength(1);
      expect(binding.subjects[0]).toMatchObject({ kind: "ServiceAccount", namespace: NS });
      const component = binding.roleRef.name.includes("-webhook") ? "webhook" : "controller";
      expect(binding.subjects[0].name).toBe(find(docs(set), "ServiceAccount", `-${component}`).metadata.name);
      expect(find(docs(set), "Deployment", `-${component}`).spec.template.spec.serviceAccountName).toBe(binding.subjects[0].name);
    }
  });

  it("GIVEN the controller THEN 2 leader-elected replicas, a PDB, embedded PGlite on an emptyDir, and a metrics Service", () => {
    const deployment = find(docs(set), "Deployment", "-controller");
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy.type).toBe("RollingUpdate");
    expect(find(docs(set), "PodDisruptionBudget", "-controller").spec.maxUnavailable).toBe(1);
    const pod = deployment.spec.template.spec;
    expect(pod.volumes.find((v: KubeDoc) => v.name === "data").emptyDir).toEqual({ sizeLimit: "2Gi" });
    expect(container(deployment).env.find((e: KubeDoc) => e.name === "DATABASE_URL")).toBeUndefined();
    expect(find(docs(set), "Service", "-controller-metrics").spec.ports[0]).toMatchObject({ name: "metrics", port: 8080, targetPort: "metrics" });
    expect(findAll(docs(set), "PersistentVolumeClaim")).toHaveLength(0);
  });

  it("GIVEN NetworkPolicies THEN the webhook admits only its HTTPS port and the controller only its metrics port", () => {
    const webhook = find(docs(set), "NetworkPolicy", "-webhook");
    expect(webhook.spec.policyTypes).toEqual(["Ingress"]);
    expect(webhook.spec.ingress).toEqual([{ ports: [{ port: 8443, protocol: "TCP" }] }]);
    expect(webhook.spec.podSelector.matchLabels).toEqual(find(docs(set), "Deployment", "-webhook").spec.selector.matchLabels);
    const controller = find(docs(set), "NetworkPolicy", "-controller");
    expect(controller.spec.ingress).toEqual([{ ports: [{ port: 8080, protocol: "TCP" }] }]);
  });

  it("GIVEN the dashboard THEN a ConfigMap carries valid Grafana JSON and no ServiceMonitor is rendered by default", () => {
    const configMap = find(docs(set), "ConfigMap", "-dashboard");
    expect(configMap.metadata.labels.grafana_dashboard).toBe("1");
    const dashboard = JSON.parse(configMap.data["osac-vm-gitops.json"]);
    expect(dashboard.uid).toBe("osac-vm-gitops");
    expect(findAll(docs(set), "ServiceMonitor")).toHaveLength(0);
  });

  it("GIVEN the default object set THEN it is exactly these kinds (no cert-manager objects, no PVC)", () => {
    expect(docs(set).map((d) => d.kind).sort()).toEqual(
      [
        "ClusterRole", "ClusterRole", "ClusterRoleBinding", "ClusterRoleBinding", "ConfigMap", "CustomResourceDefinition", "Deployment", "Deployment",
        "MutatingWebhookConfiguration", "NetworkPolicy", "NetworkPolicy", "PodDisruptionBudget", "PodDisruptionBudget", "Role", "RoleBinding", "Secret",
        "Service", "Service", "ServiceAccount", "ServiceAccount", "ValidatingWebhookConfiguration",
      ].sort(),
    );
  });
});

describe("helm template, option sets", () => {
  it("GIVEN cert-manager THEN Issuers and Certificates replace the Secret, and the CA is injected into the CRD and both webhook configurations", () => {
    const d = docs("cert-manager");
    expect(findAll(d, "Secret")).toHaveLength(0);
    const certificate = find(d, "Certificate", "-webhook");
    const ca = find(d, "Certificate", "-ca");
    expect(ca.spec.isCA).toBe(true);
    expect(find(d, "Issuer", "-ca").spec.ca.secretName).toBe(ca.spec.secretName);
    expect(find(d, "Issuer", "-selfsigned").spec.selfSigned).toEqual({});
    expect(certificate.spec.issuerRef).toEqual({ name: find(d, "Issuer", "-ca").metadata.name, kind: "Issuer", group: "cert-manager.io" });
    const service = find(d, "Service", "-webhook").metadata.name;
    expect(certificate.spec.dnsNames).toContain(`${service}.${NS}.svc`);
    expect(certificate.spec.usages).toContain("server auth");
    const volume = find(d, "Deployment", "-webhook").spec.template.spec.volumes.find((v: KubeDoc) => v.name === "serving-certs");
    expect(volume.secret.secretName).toBe(certificate.spec.secretName);
    const inject = `${NS}/${certificate.metadata.name}`;
    const crd = find(d, "CustomResourceDefinition");
    expect(crd.metadata.annotations["cert-manager.io/inject-ca-from"]).toBe(inject);
    expect(crd.spec.conversion.webhook.clientConfig.caBundle).toBeUndefined();
    for (const kind of ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]) {
      const config = find(d, kind);
      expect(config.metadata.annotations["cert-manager.io/inject-ca-from"]).toBe(inject);
      for (const webhook of config.webhooks) expect(webhook.clientConfig.caBundle).toBeUndefined();
    }
    const monitors = findAll(d, "ServiceMonitor");
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual([`${find(d, "Deployment", "-controller").metadata.name}`, `${service}`].sort());
    const webhookMonitor = find(d, "ServiceMonitor", "-webhook");
    expect(webhookMonitor.metadata.labels.release).toBe("prometheus");
    expect(webhookMonitor.spec.endpoints[0]).toMatchObject({ port: "https", scheme: "https", path: "/metrics", tlsConfig: { serverName: `${service}.${NS}.svc`, ca: { secret: { name: certificate.spec.secretName, key: "ca.crt" } } } });
  });

  it("GIVEN an external database THEN DATABASE_URL comes from the named Secret", () => {
    const c = container(find(docs("external-database"), "Deployment", "-controller"));
    expect(c.env.find((e: KubeDoc) => e.name === "DATABASE_URL")).toEqual({ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "osac-vm-gitops-database", key: "DATABASE_URL" } } });
    expect(find(docs("external-database"), "Deployment", "-controller").spec.replicas).toBe(2);
  });

  it("GIVEN DataVolume failurePolicy Ignore THEN only the DataVolume webhook fails open; orders still fail closed", () => {
    const mutating = find(docs("datavolume-ignore"), "MutatingWebhookConfiguration");
    expect(mutating.webhooks.map((w: KubeDoc) => [w.name.split(".")[0], w.failurePolicy])).toEqual([["orders", "Fail"], ["datavolumes", "Ignore"]]);
    expect(find(docs("datavolume-ignore"), "ValidatingWebhookConfiguration").webhooks[0].failurePolicy).toBe("Fail");
  });

  it("GIVEN a rollout THEN the webhook gets OSAC_VM_MANAGED_BY_ROLLOUT and the storage class, and parses them as 10 % gitops", () => {
    const c = container(find(docs("rollout"), "Deployment", "-webhook"));
    const env = plainEnv(c);
    expect(env).toMatchObject({ OSAC_VM_MANAGED_BY_DEFAULT: "aap", OSAC_VM_MANAGED_BY_ROLLOUT: "gitops:10", CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS: "ocs-storagecluster-ceph-rbd-virtualization" });
    const parsed = parseWebhookConfig(argsToFlags(c.args) as never, env);
    expect(parsed.data?.rollout).toEqual({ mode: "gitops", percent: 10 });
    expect(parsed.data?.envStorageClass).toBe("ocs-storagecluster-ceph-rbd-virtualization");
  });

  it("GIVEN embedded PGlite on a PVC THEN one replica, Recreate, a kept PVC and no controller PDB", () => {
    const d = docs("embedded-pvc");
    const deployment = find(d, "Deployment", "-controller");
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: "Recreate" });
    const pvc = find(d, "PersistentVolumeClaim", "-data");
    expect(pvc.spec.resources.requests.storage).toBe("10Gi");
    expect(pvc.metadata.annotations["helm.sh/resource-policy"]).toBe("keep");
    expect(deployment.spec.template.spec.volumes.find((v: KubeDoc) => v.name === "data").persistentVolumeClaim.claimName).toBe(pvc.metadata.name);
    expect(findAll(d, "PodDisruptionBudget").map((p) => p.metadata.name)).toEqual([find(d, "PodDisruptionBudget", "-webhook").metadata.name]);
  });
});

describe("helm template, single values", () => {
  it("GIVEN webhook.clusterAccess=false (and a storage class) THEN the webhook has no token and no ClusterRole", async () => {
    const d = await render({ set: { "webhook.clusterAccess": false, "webhook.storageClass": "fast" } });
    expect(find(d, "Deployment", "-webhook").spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(findAll(d, "ClusterRole").map((r) => r.metadata.name)).toEqual([find(d, "ClusterRole", "-controller").metadata.name]);
  });

  it("GIVEN extra exclusions and a namespace selector THEN every webhook ANDs them with the fixed exclusions", async () => {
    const d = await render({ namespace: "ops", set: { "admission.argoCdNamespace": "openshift-gitops", "admission.extraExcludedNamespaces[0]": "legacy", "admission.namespaceSelector.matchLabels.team": "vm" } });
    const webhooks = [...find(d, "MutatingWebhookConfiguration").webhooks, ...find(d, "ValidatingWebhookConfiguration").webhooks];
    for (const webhook of webhooks) {
      expect(webhook.namespaceSelector.matchExpressions).toEqual([{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "ops", "openshift-gitops", "legacy"] }]);
      expect(webhook.namespaceSelector.matchLabels.team).toBe("vm");
    }
    expect(webhooks[1].namespaceSelector.matchLabels["cloudkit.openshift.io/tenant-namespace"]).toBe("true");
  });

  it("GIVEN admission.enabled=false, crd.install=false and controller.enabled=false THEN none of those objects are rendered", async () => {
    const d = await render({ set: { "admission.enabled": false, "crd.install": false, "controller.enabled": false } });
    for (const kind of ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "CustomResourceDefinition", "Role"]) expect(findAll(d, kind)).toHaveLength(0);
    expect(findAll(d, "Deployment").map((x) => x.metadata.name)).toEqual([find(d, "Deployment", "-webhook").metadata.name]);
  });

  it("GIVEN Kubernetes 1.29 THEN no preStop sleep (the action needs 1.30); 1.33 has it", async () => {
    expect(container(find(await render({ kubeVersion: "1.29.0" }), "Deployment", "-webhook")).lifecycle).toBeUndefined();
    expect(container(find(docs("default"), "Deployment", "-webhook")).lifecycle.preStop.sleep.seconds).toBe(5);
  });

  it("GIVEN a long release name THEN every object name still fits", async () => {
    const d = await render({ release: "a-very-long-release-name-for-the-vm-platform-1234" });
    for (const doc of d) expect(doc.metadata.name.length, doc.metadata.name).toBeLessThanOrEqual(63);
  });

  it("GIVEN podSecurityContext.runAsUser=null (OpenShift) THEN the pod sets no fixed user but stays non-root", async () => {
    const d = await render({ set: { "podSecurityContext.runAsUser": "null", "podSecurityContext.runAsGroup": "null", "podSecurityContext.fsGroup": "null" } });
    expect(find(d, "Deployment", "-webhook").spec.template.spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
  });
});

describe("values.schema.json refuses bad values at install time", () => {
  it.each([
    [{ "webhook.replicas": 0 }, "/webhook/replicas"],
    [{ "webhook.replicas": 1 }, "/webhook/replicas"],
    [{ "admission.dataVolumes.failurePolicy": "Maybe" }, "/admission/dataVolumes/failurePolicy"],
    [{ "webhook.managedBy.default": "ansible" }, "/webhook/managedBy/default"],
    [{ "webhook.managedBy.rollout": "gitops:200" }, "/webhook/managedBy/rollout"],
    [{ "webhook.storageClass": "Not_A_Class" }, "/webhook/storageClass"],
    [{ "certificates.mode": "vault" }, "/certificates/mode"],
    [{ "controller.database.mode": "external" }, "/controller/database/external/existingSecret"],
    [{ "controller.database.embedded.storage": "persistentVolumeClaim" }, "/controller/replicas"],
    [{ "admission.orders.timeoutSeconds": 30 }, "/admission/orders/timeoutSeconds"],
    [{ "containerSecurityContext.readOnlyRootFilesystem": false }, "/containerSecurityContext/readOnlyRootFilesystem"],
    [{ "podSecurityContext.runAsNonRoot": false }, "/podSecurityContext/runAsNonRoot"],
    [{ "webhook.clusterAccess": false }, "/webhook/storageClass"],
    [{ unknownTopLevel: 1 }, "unknownTopLevel"],
  ] as const)("GIVEN %j THEN helm template fails naming %s", async (set, path) => {
    const result = await helm(["template", "x", CHART_DIR, ...Object.entries(set).flatMap(([k, v]) => ["--set", `${k}=${v}`])]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("values don't meet the specifications of the schema");
    expect(result.stderr).toContain(path);
  });
});
