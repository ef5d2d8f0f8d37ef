import { randomBytes } from "node:crypto";
import { Annotations } from "../../api/well-known.ts";
import { listAllPages } from "../../platform/kube/list-pages.ts";
import { KubeApiError, type KubeRestClient } from "../../platform/kube/rest-client.ts";
import { platformHealth, REQUIRED_CRDS, type CrdLike, type PlatformHealth, type ProbeAnswer, type WebhookConfigurationLike } from "../fleet/platform-health.ts";

type Requester = Pick<KubeRestClient, "request">;

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const ADMISSION = "/apis/admissionregistration.k8s.io/v1";
const ORDER_API_VERSION = "cloudkit.openshift.io/v1alpha1";
export const PROBE_FIELD_MANAGER = "osac-vm-migration-probe";

/**
 * An order the webhook must deny and the CRD's schema accepts: a CPU count of 0. It has no
 * managed-by annotation, so the mutating webhook defaults one on its way, and it is only ever sent
 * as a dry run (nothing is stored, no side effect: the chart's webhooks are sideEffects None or
 * NoneOnDryRun).
 */
export function probeOrder(namespace: string): Record<string, unknown> {
  return {
    apiVersion: ORDER_API_VERSION,
    kind: "VirtualMachine",
    metadata: { name: `osac-vm-health-probe-${randomBytes(4).toString("hex")}`, namespace, annotations: { [Annotations.tenant]: "osac-vm-health-probe" } },
    spec: { templateID: "cloudkit.templates.ocp_virt_vm", templateParameters: JSON.stringify({ cpu_cores: "0", storage_class: "osac-vm-health-probe" }) },
  };
}

/** The API server's own message, without the client's `POST /path: HTTP 500 InternalError: ` prefix. */
function serverMessage(error: KubeApiError): string {
  return error.message.replace(/^[A-Z]+ \S+: HTTP \d+ \S+: /, "");
}

/** The dry-run create of the probe order in `namespace` (`?dryRun=All`: through the real admission chain, never stored). */
export async function probeWebhook(rest: Requester, namespace: string): Promise<ProbeAnswer> {
  try {
    await rest.request("POST", `/apis/${ORDER_API_VERSION}/namespaces/${encodeURIComponent(namespace)}/virtualmachines?dryRun=All&fieldManager=${PROBE_FIELD_MANAGER}`, { body: probeOrder(namespace), discardBody: true });
    return { kind: "admitted" };
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    return { kind: "refused", status: error.status, message: serverMessage(error) };
  }
}

/**
 * Reads what the platform health verdict needs: each required CRD (a GET each), and with
 * `webhook`: both kinds of webhook configuration (LISTs; a cluster has few) and the probe's answer
 * in the migration's namespace (the webhook configurations' namespaceSelector applies to it).
 */
export async function readPlatformHealth(rest: Requester, namespace: string, options: { readonly webhook: boolean }): Promise<PlatformHealth> {
  const crdAnswers = Promise.all(
    REQUIRED_CRDS.map(async ({ name }) => {
      const answer = await rest.request<CrdLike>("GET", `${CRDS}/${name}`, { allow404: true });
      return [name, answer.status === 404 ? undefined : answer.body] as const;
    }),
  );
  if (!options.webhook) return platformHealth({ crds: new Map(await crdAnswers) });
  const [crds, mutating, validating, probe] = await Promise.all([
    crdAnswers,
    listAllPages<WebhookConfigurationLike & { metadata: { name: string } }>(rest, `${ADMISSION}/mutatingwebhookconfigurations`),
    listAllPages<WebhookConfigurationLike & { metadata: { name: string } }>(rest, `${ADMISSION}/validatingwebhookconfigurations`),
    probeWebhook(rest, namespace),
  ]);
  return platformHealth({ crds: new Map(crds), webhook: { mutating: mutating.items, validating: validating.items, probe, namespace } });
}
