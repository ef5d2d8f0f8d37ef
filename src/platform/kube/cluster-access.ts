import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";

export type ClusterAccess = { readonly mode: "cluster"; readonly kubeConfig: KubeConfig; readonly source: string } | { readonly mode: "standalone"; readonly reason: string };

/**
 * The cluster to talk to: `KUBECONFIG` (or `--kubeconfig`), else the in-cluster service account,
 * else `~/.kube/config`. None of them → standalone (the processes still run on embedded defaults).
 */
export function detectClusterAccess(env: Readonly<Record<string, string | undefined>>, kubeconfigPath?: string): ClusterAccess {
  const kubeConfig = new KubeConfig();
  const explicit = kubeconfigPath ?? env.KUBECONFIG;
  if (explicit) {
    kubeConfig.loadFromFile(explicit);
    return { mode: "cluster", kubeConfig, source: explicit };
  }
  if (env.KUBERNETES_SERVICE_HOST && existsSync("/var/run/secrets/kubernetes.io/serviceaccount/token")) {
    kubeConfig.loadFromCluster();
    return { mode: "cluster", kubeConfig, source: "in-cluster service account" };
  }
  const home = join(homedir(), ".kube", "config");
  if (existsSync(home)) {
    kubeConfig.loadFromFile(home);
    return { mode: "cluster", kubeConfig, source: home };
  }
  return { mode: "standalone", reason: "no KUBECONFIG, no in-cluster service account and no ~/.kube/config" };
}
