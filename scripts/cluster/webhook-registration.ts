// Registers a locally running webhook with a cluster the way the Helm chart registers the
// in-cluster one: the order CRD's conversion, and the mutating and validating webhook
// configurations (same webhooks, rules, selectors, timeouts and failure policies as
// charts/osac-vm-gitops/templates/webhook-configurations.yaml), with `url` + caBundle in place of
// the in-cluster Service. The chart suite checks that both stay the same.
import { kubeRequest, serverSideApply, type KubeEndpoint } from "./kube-http.ts";

export const ORDER_CRD = "virtualmachines.cloudkit.openshift.io";
/** Name of both webhook configurations that `npm run cluster:up` registers. */
export const CLUSTER_UP_REGISTRATION = "osac-vm-gitops-cluster-up";
export const CLUSTER_UP_FIELD_MANAGER = "osac-vm-cluster-up";
/** Never sent to the webhooks: the chart excludes these too (with its release namespace). */
export const EXCLUDED_NAMESPACES = ["kube-system", "argocd"];

const ORDER_RULE = {
  apiGroups: ["cloudkit.openshift.io"],
  apiVersions: ["v1alpha1"],
  resources: ["virtualmachines"],
  operations: ["CREATE", "UPDATE"],
  scope: "Namespaced",
};
const DATA_VOLUME_RULE = { apiGroups: ["cdi.kubevirt.io"], apiVersions: ["v1beta1"], resources: ["datavolumes"], operations: ["CREATE"], scope: "Namespaced" };
const KUBEVIRT_VM_RULE = { apiGroups: ["kubevirt.io"], apiVersions: ["v1"], resources: ["virtualmachines"], operations: ["CREATE", "UPDATE"], scope: "Namespaced" };
/** KubeVirt's own writes (status, annotations) and deletions never reach the quota check (ADR 29). */
const SPEC_CHANGES_ONLY = [
  { name: "not-deleting", expression: "!has(object.metadata.deletionTimestamp)" },
  { name: "spec-changed", expression: "request.operation == 'CREATE' || object.spec != oldObject.spec" },
];
const EXCLUDED = { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: EXCLUDED_NAMESPACES }] };
const COMMON = { sideEffects: "None", admissionReviewVersions: ["v1"], matchPolicy: "Equivalent" };

export interface WebhookEndpoint {
  /** https://127.0.0.1:<port> */
  url: string;
  /** PEM of the CA that signed the webhook's serving certificate. */
  caPem: string;
}

/** The MutatingWebhookConfiguration and ValidatingWebhookConfiguration for a webhook at `url`. */
export function admissionRegistrations(endpoint: WebhookEndpoint): { mutating: Record<string, unknown>; validating: Record<string, unknown> } {
  const clientConfig = (path: string) => ({ url: `${endpoint.url}${path}`, caBundle: Buffer.from(endpoint.caPem).toString("base64") });
  const metadata = { name: CLUSTER_UP_REGISTRATION, labels: { "app.kubernetes.io/managed-by": CLUSTER_UP_FIELD_MANAGER } };
  return {
    mutating: {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "MutatingWebhookConfiguration",
      metadata,
      webhooks: [
        { name: "orders.mutate.osac-vm-gitops.cloudkit.openshift.io", clientConfig: clientConfig("/mutate/virtualmachines"), rules: [ORDER_RULE], namespaceSelector: EXCLUDED, ...COMMON, timeoutSeconds: 3, reinvocationPolicy: "IfNeeded", failurePolicy: "Fail" },
        {
          name: "datavolumes.mutate.osac-vm-gitops.cloudkit.openshift.io",
          clientConfig: clientConfig("/mutate/datavolumes"),
          rules: [DATA_VOLUME_RULE],
          namespaceSelector: { matchLabels: { "cloudkit.openshift.io/tenant-namespace": "true" }, ...EXCLUDED },
          ...COMMON,
          timeoutSeconds: 2,
          reinvocationPolicy: "IfNeeded",
          failurePolicy: "Fail",
        },
      ],
    },
    validating: {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingWebhookConfiguration",
      metadata,
      webhooks: [
        { name: "orders.validate.osac-vm-gitops.cloudkit.openshift.io", clientConfig: clientConfig("/validate/virtualmachines"), rules: [ORDER_RULE], namespaceSelector: EXCLUDED, ...COMMON, timeoutSeconds: 3, failurePolicy: "Fail" },
        {
          name: "kubevirt-vms.validate.osac-vm-gitops.cloudkit.openshift.io",
          clientConfig: clientConfig("/validate/kubevirt-virtualmachines"),
          rules: [KUBEVIRT_VM_RULE],
          namespaceSelector: { matchLabels: { "cloudkit.openshift.io/tenant-namespace": "true" }, ...EXCLUDED },
          matchConditions: SPEC_CHANGES_ONLY,
          ...COMMON,
          timeoutSeconds: 2,
          failurePolicy: "Ignore",
        },
      ],
    },
  };
}

/**
 * Points the order CRD's conversion at the webhook (read + replace: the CRD's `service` must go,
 * which a server-side apply by another field manager would keep), then applies both admission
 * registrations. Idempotent.
 */
export async function registerWebhook(ep: KubeEndpoint, endpoint: WebhookEndpoint): Promise<void> {
  const crdPath = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${ORDER_CRD}`;
  const read = await kubeRequest(ep, "GET", crdPath);
  if (read.status !== 200) throw new Error(`reading CRD ${ORDER_CRD}: HTTP ${read.status}: ${read.text.slice(0, 300)}`);
  const crd = JSON.parse(read.text) as { spec: { conversion?: Record<string, unknown> } };
  crd.spec.conversion = {
    strategy: "Webhook",
    webhook: { conversionReviewVersions: ["v1"], clientConfig: { url: `${endpoint.url}/convert`, caBundle: Buffer.from(endpoint.caPem).toString("base64") } },
  };
  const written = await kubeRequest(ep, "PUT", crdPath, crd);
  if (written.status !== 200) throw new Error(`pointing the conversion of CRD ${ORDER_CRD} at ${endpoint.url}: HTTP ${written.status}: ${written.text.slice(0, 300)}`);

  const { mutating, validating } = admissionRegistrations(endpoint);
  await serverSideApply(ep, `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${CLUSTER_UP_REGISTRATION}`, mutating, CLUSTER_UP_FIELD_MANAGER);
  await serverSideApply(ep, `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${CLUSTER_UP_REGISTRATION}`, validating, CLUSTER_UP_FIELD_MANAGER);
}
