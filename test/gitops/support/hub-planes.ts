// Hub control planes for the gitops suite's multi-hub tests: two more API servers serving the
// KubeVirt and CDI CRDs, each registered with the suite's Argo CD by a cluster Secret.
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { ARGOCD_NAMESPACE } from "../../../scripts/cluster/argocd.ts";
import { REPO_ROOT, startControlPlane, type ControlPlane } from "../../../scripts/cluster/harness.ts";
import { rawRequest, serverSideApply, type KubeObject, type ResourceMapper } from "../../e2e/support/kube.ts";

/** Two hub control planes started side by side (KubeVirt and CDI CRDs only, no storage class). */
export async function startHubPlanes(log: (line: string) => void): Promise<[ControlPlane, ControlPlane]> {
  const kubevirtCrds = [path.join(REPO_ROOT, "crds/upstream-subset")];
  const start = () => startControlPlane({ crdDirs: kubevirtCrds, defaultStorageClass: false, restrictedUserNames: [], log });
  return Promise.all([start(), start()]);
}

export function hubAdmin(cp: ControlPlane): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  return kc;
}

/** Argo CD's declarative cluster registration: a Secret labelled secret-type=cluster in its namespace. */
export async function registerCluster(admin: k8s.KubeConfig, mapper: ResourceMapper, fieldManager: string, name: string, cp: ControlPlane): Promise<void> {
  const config = { bearerToken: cp.adminToken, tlsClientConfig: { caData: fs.readFileSync(cp.caPath).toString("base64") } };
  await serverSideApply(
    admin,
    mapper,
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: `cluster-${name}`, namespace: ARGOCD_NAMESPACE, labels: { "argocd.argoproj.io/secret-type": "cluster" } },
      stringData: { name, server: cp.server, config: JSON.stringify(config) },
    } as unknown as KubeObject,
    fieldManager,
  );
}

/** The names of the VirtualMachines in `namespace` on the hub, sorted; none when the namespace or kind is not there. */
export async function vmNamesOn(cp: ControlPlane, namespace: string): Promise<string[]> {
  const response = await rawRequest(hubAdmin(cp), "GET", `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachines`);
  if (response.status === 404) return [];
  return (JSON.parse(response.body).items as { metadata: { name: string } }[]).map((item) => item.metadata.name).sort();
}
