import { Labels, PRODUCT } from "../../api/well-known.ts";
import { ARGO_COMPARE_OPTIONS, PART_OF } from "../gitops-metadata.ts";
import type { KubeObject } from "../render-order.ts";

/**
 * The Argo CD objects of a per-hub render (docs/adr/0030-per-hub-output.md): static
 * Applications, one per (hub, tenant namespace), never an ApplicationSet (a transient Git or
 * repo-server error has made generators delete Applications: argo-cd #18212, #22127), and one
 * AppProject per tenant namespace that allows only that namespace, only on the hubs it has orders
 * on. Pure.
 */
export interface ArgoCdSettings {
  /** The Git repository the rendered tree is committed to. */
  readonly repoURL: string;
  /** @default "HEAD" */
  readonly targetRevision: string;
  /** Where `--out` is inside the repository ("" for its root). */
  readonly path: string;
  /** Argo CD's namespace on the management cluster. @default "argocd" */
  readonly namespace: string;
}

export interface HubTenant {
  readonly hub: string;
  /** The hub's `spec.argocdClusterName`, else its name: the name of its Argo CD cluster Secret. */
  readonly clusterName: string;
  readonly tenantNamespace: string;
}

const ARGO_API_VERSION = "argoproj.io/v1alpha1";
/** The rendered tree's own object kinds (examples/argocd/application.yaml). */
const NAMESPACED_KINDS = [
  { group: "", kind: "Secret" },
  { group: "", kind: "Service" },
  { group: "bitnami.com", kind: "SealedSecret" },
  { group: "cdi.kubevirt.io", kind: "DataVolume" },
  { group: "kubevirt.io", kind: "VirtualMachine" },
];

/** `<hub>.<tenant-namespace>`: unambiguous, since a namespace name has no dot. */
export function applicationName(hub: string, tenantNamespace: string): string {
  return `${hub}.${tenantNamespace}`;
}

/** `osac-vm.<tenant-namespace>`. */
export function projectName(tenantNamespace: string): string {
  return `osac-vm.${tenantNamespace}`;
}

export function hubTenantPath(settings: Pick<ArgoCdSettings, "path">, hub: string, tenantNamespace: string): string {
  const prefix = settings.path.replace(/^\/+|\/+$/g, "");
  return `${prefix === "" || prefix === "." ? "" : `${prefix}/`}hubs/${hub}/${tenantNamespace}`;
}

/** On each generated Application: the hub it deploys to. */
export const HUB_LABEL = "gitops.cloudkit.openshift.io/hub";
const METADATA_LABELS = { [Labels.managedBy]: PRODUCT, [Labels.partOf]: PART_OF };

export function hubTenantApplication(entry: HubTenant, settings: ArgoCdSettings): KubeObject {
  const metadata = {
    name: applicationName(entry.hub, entry.tenantNamespace),
    namespace: settings.namespace,
    labels: { ...METADATA_LABELS, [HUB_LABEL]: entry.hub },
    annotations: { [ARGO_COMPARE_OPTIONS]: "ServerSideDiff=true" },
    // No resources-finalizer: deleting an Application (or its file) must not delete the VMs.
  };
  return {
    apiVersion: ARGO_API_VERSION,
    kind: "Application",
    metadata,
    spec: {
      project: projectName(entry.tenantNamespace),
      source: {
        repoURL: settings.repoURL,
        targetRevision: settings.targetRevision,
        path: hubTenantPath(settings, entry.hub, entry.tenantNamespace),
        directory: { recurse: false },
      },
      destination: { name: entry.clusterName, namespace: entry.tenantNamespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: [
          "ServerSideApply=true",
          "CreateNamespace=false",
          "RespectIgnoreDifferences=true",
          "ApplyOutOfSyncOnly=true",
          "PrunePropagationPolicy=background",
        ],
        retry: { limit: 5, backoff: { duration: "5s", factor: 2, maxDuration: "3m" } },
      },
      ignoreDifferences: [
        {
          group: "kubevirt.io",
          kind: "VirtualMachine",
          jsonPointers: [
            "/spec/template/spec/domain/firmware/serial",
            "/spec/template/spec/domain/machine/type",
            "/spec/template/spec/architecture",
            "/metadata/annotations/kubevirt.io~1pci-topology-version",
          ],
        },
      ],
    },
  };
}

/** The tenant's project: its own namespace, on the hubs (Argo CD cluster names) it has orders on. */
export function tenantProject(tenantNamespace: string, clusterNames: readonly string[], settings: ArgoCdSettings): KubeObject {
  const metadata = { name: projectName(tenantNamespace), namespace: settings.namespace, labels: METADATA_LABELS };
  return {
    apiVersion: ARGO_API_VERSION,
    kind: "AppProject",
    metadata,
    spec: {
      description: `Rendered OSAC VirtualMachine orders of the tenant namespace ${tenantNamespace} (osac-vm render --hubs)`,
      sourceRepos: [settings.repoURL],
      destinations: [...new Set(clusterNames)].sort().map((name) => ({ name, namespace: tenantNamespace })),
      // The tenant Namespace itself (`_namespace.yaml`); Argo CD holds a Namespace object to the
      // project's destinations by its name, so only this one can be created.
      clusterResourceWhitelist: [{ group: "", kind: "Namespace" }],
      namespaceResourceWhitelist: NAMESPACED_KINDS,
    },
  };
}

/** Every Application and AppProject for these (hub, tenant) pairs, keyed by their file names. */
export function argoCdObjects(entries: readonly HubTenant[], settings: ArgoCdSettings): Map<string, KubeObject> {
  const files = new Map<string, KubeObject>();
  const clustersOf = new Map<string, string[]>();
  for (const entry of entries) {
    files.set(`applications/${applicationName(entry.hub, entry.tenantNamespace)}.yaml`, hubTenantApplication(entry, settings));
    clustersOf.set(entry.tenantNamespace, [...(clustersOf.get(entry.tenantNamespace) ?? []), entry.clusterName]);
  }
  for (const [tenantNamespace, clusterNames] of clustersOf) {
    files.set(`projects/${projectName(tenantNamespace)}.yaml`, tenantProject(tenantNamespace, clusterNames, settings));
  }
  return files;
}
