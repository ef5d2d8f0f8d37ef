// argocd-cmd-params-cm and argocd-cm entries that Argo CD's manifests hand to the components as
// environment variables, and the mapping the harness applies the same way (argocd.ts).
/**
 * argocd-cmd-params-cm keys the harness understands, and the environment variable each becomes,
 * as upstream's manifests map them (manifests/base/application-controller/*-statefulset.yaml and
 * manifests/base/repo-server/*-deployment.yaml). The binaries never read the ConfigMap themselves.
 */
const CMD_PARAMS_ENV: Record<string, { component: "controller" | "repo-server" | "both"; env: string }> = {
  "controller.repo.server.plaintext": { component: "controller", env: "ARGOCD_APPLICATION_CONTROLLER_REPO_SERVER_PLAINTEXT" },
  "reposerver.disable.tls": { component: "repo-server", env: "ARGOCD_REPO_SERVER_DISABLE_TLS" },
  "controller.resource.health.persist": { component: "controller", env: "ARGOCD_APPLICATION_CONTROLLER_PERSIST_RESOURCE_HEALTH" },
  "controller.status.processors": { component: "controller", env: "ARGOCD_APPLICATION_CONTROLLER_STATUS_PROCESSORS" },
  "controller.operation.processors": { component: "controller", env: "ARGOCD_APPLICATION_CONTROLLER_OPERATION_PROCESSORS" },
  "controller.sync.wave.delay.seconds": { component: "controller", env: "ARGOCD_SYNC_WAVE_DELAY" },
  "controller.kubectl.parallelism.limit": { component: "controller", env: "ARGOCD_APPLICATION_CONTROLLER_KUBECTL_PARALLELISM_LIMIT" },
  "controller.k8s.client.qps": { component: "controller", env: "ARGOCD_K8S_CLIENT_QPS" },
  "controller.k8s.client.burst": { component: "controller", env: "ARGOCD_K8S_CLIENT_BURST" },
  "controller.diff.server.side": { component: "controller", env: "ARGOCD_APPLICATION_CONTROLLER_SERVER_SIDE_DIFF" },
  "controller.self.heal.timeout.seconds": { component: "controller", env: "ARGOCD_APPLICATION_CONTROLLER_SELF_HEAL_TIMEOUT_SECONDS" },
  "controller.repo.server.timeout.seconds": { component: "controller", env: "ARGOCD_APPLICATION_CONTROLLER_REPO_SERVER_TIMEOUT_SECONDS" },
  "controller.log.level": { component: "controller", env: "ARGOCD_APPLICATION_CONTROLLER_LOGLEVEL" },
  "log.format.timestamp": { component: "both", env: "ARGOCD_LOG_FORMAT_TIMESTAMP" },
  "reposerver.parallelism.limit": { component: "repo-server", env: "ARGOCD_REPO_SERVER_PARALLELISM_LIMIT" },
  "reposerver.log.level": { component: "repo-server", env: "ARGOCD_REPO_SERVER_LOGLEVEL" },
};
/** argocd-cm keys that upstream's manifests pass to both components as environment variables. */
const CM_ENV: Record<string, string> = {
  "timeout.reconciliation": "ARGOCD_RECONCILIATION_TIMEOUT",
  "timeout.reconciliation.jitter": "ARGOCD_RECONCILIATION_JITTER",
};

export function environmentFor(component: "controller" | "repo-server", settings: { cmdParams: Record<string, string>; config: Record<string, string> }): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings.cmdParams)) {
    const mapping = CMD_PARAMS_ENV[key];
    if (mapping?.component === component || mapping?.component === "both") env[mapping.env] = value;
  }
  for (const [key, name] of Object.entries(CM_ENV)) if (settings.config[key] !== undefined) env[name] = settings.config[key]!;
  return env;
}

export function checkCmdParams(cmdParams: Record<string, string>): void {
  const unknown = Object.keys(cmdParams).filter((key) => !CMD_PARAMS_ENV[key]);
  if (unknown.length) throw new Error(`argocd-cmd-params-cm: unsupported key(s) ${unknown.join(", ")}; supported: ${Object.keys(CMD_PARAMS_ENV).join(", ")}`);
}
