import { DEFAULT_KUBECONFIG_KEY, HUB_API_VERSION, HUB_KIND, GITOPS_GROUP, type Hub, type HubCapability, type HubSpec, type HubType } from "../api/gitops/v1alpha1/hub.ts";
import { Labels, PRODUCT } from "../api/well-known.ts";
import type { FieldError } from "../domain/field-error.ts";
import { checkHub } from "./hub-schema.ts";
import { readKubeconfig } from "./kubeconfig.ts";

/** On a kubeconfig Secret made by `osac-vm hubs add`: the Hub it belongs to. */
export const HUB_SECRET_LABEL = `${GITOPS_GROUP}/hub`;

export interface NewHub {
  readonly name: string;
  readonly capabilities: readonly HubCapability[];
  readonly hubType?: HubType;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly capacity: { readonly vms?: number; readonly vcpus?: number; readonly memory?: string };
  readonly cordoned: boolean;
  readonly sealingCertificate?: string;
  readonly defaultStorageClass?: string;
  readonly argocdClusterName?: string;
  /** @default `<name>-kubeconfig` */
  readonly secretName?: string;
}

export interface KubeconfigSecret {
  readonly apiVersion: "v1";
  readonly kind: "Secret";
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
  readonly type: "Opaque";
  readonly data: Readonly<Record<string, string>>;
}

export type NewHubObjects = { readonly ok: true; readonly hub: Hub; readonly secret: KubeconfigSecret } | { readonly ok: false; readonly errors: readonly FieldError[] };

/**
 * The Hub and its kubeconfig Secret that `osac-vm hubs add` creates, checked before anything is
 * sent: the Hub against the CRD's rules, the kubeconfig as the prober will read it (errors never
 * quote it).
 */
export function newHubObjects(input: NewHub, kubeconfigText: string, secretsNamespace: string): NewHubObjects {
  const secretName = input.secretName ?? `${input.name}-kubeconfig`;
  const spec: HubSpec = {
    capabilities: [...input.capabilities],
    ...(input.hubType ? { hubType: input.hubType } : {}),
    ...(input.namespace ? { namespace: input.namespace } : {}),
    kubeconfigSecretRef: { name: secretName, key: DEFAULT_KUBECONFIG_KEY },
    ...(Object.keys(input.labels).length > 0 ? { labels: { ...input.labels } } : {}),
    ...(Object.keys(input.capacity).length > 0 ? { capacity: { ...input.capacity } } : {}),
    ...(input.cordoned ? { cordoned: true } : {}),
    ...(input.sealingCertificate ? { sealingCertificate: input.sealingCertificate } : {}),
    ...(input.defaultStorageClass ? { defaultStorageClass: input.defaultStorageClass } : {}),
    ...(input.argocdClusterName ? { argocdClusterName: input.argocdClusterName } : {}),
  };
  const hub: Hub = { apiVersion: HUB_API_VERSION, kind: HUB_KIND, metadata: { name: input.name }, spec };
  const errors: FieldError[] = [...checkHub(hub).errors];
  const reading = readKubeconfig(kubeconfigText);
  if (!reading.ok) errors.push({ field: "--hub-kubeconfig", message: `the file ${reading.problem}` });
  if (errors.length > 0) return { ok: false, errors };
  const secret: KubeconfigSecret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: secretName, namespace: secretsNamespace, labels: { [HUB_SECRET_LABEL]: input.name, [Labels.partOf]: PRODUCT } },
    type: "Opaque",
    data: { [DEFAULT_KUBECONFIG_KEY]: Buffer.from(kubeconfigText, "utf8").toString("base64") },
  };
  return { ok: true, hub, secret };
}
