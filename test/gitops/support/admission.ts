// Registers the project's admission webhooks (the suite's webhook process) the way the chart does
// (charts/osac-vm-gitops/templates/webhook-configurations.yaml with its defaults): orders mutated
// and validated everywhere but kube-system and Argo CD's namespace (Fail), DataVolumes mutated
// on CREATE in tenant namespaces (Fail), pointed at a local URL instead of the in-cluster Service.
import type * as k8s from "@kubernetes/client-node";
import { rawRequest } from "../../e2e/support/kube.ts";

export const ADMISSION_CONFIGURATION = "osac-vm-gitops";
const EXCLUDED_NAMESPACES = ["kube-system", "argocd"];

/**
 * Creates (or replaces) the Mutating- and ValidatingWebhookConfiguration `osac-vm-gitops`, with
 * one-shot connections (no keep-alive agent) so the vitest main process can exit afterwards.
 */
export async function wireAdmission(kc: k8s.KubeConfig, url: string, caPem: string): Promise<void> {
  const caBundle = Buffer.from(caPem).toString("base64");
  const notExcluded = { key: "kubernetes.io/metadata.name", operator: "NotIn", values: EXCLUDED_NAMESPACES };
  const orderRule = { apiGroups: ["cloudkit.openshift.io"], apiVersions: ["v1alpha1", "v1beta1"], resources: ["virtualmachines"], operations: ["CREATE", "UPDATE"], scope: "Namespaced" };
  const common = { sideEffects: "None", admissionReviewVersions: ["v1"], matchPolicy: "Equivalent" };
  const mutating = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: { name: ADMISSION_CONFIGURATION },
    webhooks: [
      {
        name: "orders.mutate.osac-vm-gitops.cloudkit.openshift.io",
        clientConfig: { url: `${url}/mutate/virtualmachines`, caBundle },
        rules: [orderRule],
        namespaceSelector: { matchExpressions: [notExcluded] },
        ...common,
        timeoutSeconds: 3,
        reinvocationPolicy: "IfNeeded",
        failurePolicy: "Fail",
      },
      {
        name: "datavolumes.mutate.osac-vm-gitops.cloudkit.openshift.io",
        clientConfig: { url: `${url}/mutate/datavolumes`, caBundle },
        rules: [{ apiGroups: ["cdi.kubevirt.io"], apiVersions: ["v1beta1"], resources: ["datavolumes"], operations: ["CREATE"], scope: "Namespaced" }],
        namespaceSelector: { matchLabels: { "cloudkit.openshift.io/tenant-namespace": "true" }, matchExpressions: [notExcluded] },
        ...common,
        timeoutSeconds: 2,
        reinvocationPolicy: "IfNeeded",
        failurePolicy: "Fail",
      },
    ],
  };
  const validating = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { name: ADMISSION_CONFIGURATION },
    webhooks: [
      {
        name: "orders.validate.osac-vm-gitops.cloudkit.openshift.io",
        clientConfig: { url: `${url}/validate/virtualmachines`, caBundle },
        rules: [orderRule],
        namespaceSelector: { matchExpressions: [notExcluded] },
        ...common,
        timeoutSeconds: 3,
        failurePolicy: "Fail",
      },
    ],
  };
  for (const [kind, body] of [["mutatingwebhookconfigurations", mutating], ["validatingwebhookconfigurations", validating]] as const) {
    const base = `/apis/admissionregistration.k8s.io/v1/${kind}`;
    await rawRequest(kc, "DELETE", `${base}/${ADMISSION_CONFIGURATION}`);
    const created = await rawRequest(kc, "POST", base, JSON.stringify(body));
    if (created.status !== 201) throw new Error(`creating ${kind}/${ADMISSION_CONFIGURATION}: HTTP ${created.status}: ${created.body.slice(0, 500)}`);
  }
}
