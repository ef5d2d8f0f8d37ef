/**
 * Is the platform a migration adopts onto healthy (ADR 0035)? The verdicts here are pure: the
 * reads (CRDs, webhook configurations, a dry-run probe order) are in
 * fleet-controller/platform-health-reads.ts.
 */

/** A CRD the migration reads or writes, and the version it uses. */
export interface RequiredCrd {
  readonly name: string;
  readonly version: string;
}

export const REQUIRED_CRDS: readonly RequiredCrd[] = [
  { name: "virtualmachines.cloudkit.openshift.io", version: "v1alpha1" },
  { name: "virtualmachines.kubevirt.io", version: "v1" },
  { name: "virtualmachineinstances.kubevirt.io", version: "v1" },
  { name: "datavolumes.cdi.kubevirt.io", version: "v1beta1" },
  { name: "fleetmigrations.gitops.cloudkit.openshift.io", version: "v1alpha1" },
];

/** The order webhooks the chart (and `npm run cluster:up`) registers, whatever the configurations' names. */
export const ORDER_WEBHOOKS = {
  mutating: "orders.mutate.osac-vm-gitops.cloudkit.openshift.io",
  validating: "orders.validate.osac-vm-gitops.cloudkit.openshift.io",
} as const;

/** Every webhook of the project ends so. */
const PROJECT_WEBHOOK_SUFFIX = ".osac-vm-gitops.cloudkit.openshift.io";

export interface CrdLike {
  readonly spec?: { readonly versions?: readonly { readonly name?: string; readonly served?: boolean }[] };
  readonly status?: { readonly conditions?: readonly { readonly type?: string; readonly status?: string; readonly reason?: string; readonly message?: string }[] };
}

/** What is wrong with the CRDs (`undefined`: not installed), one line per CRD. Pure. */
export function crdProblems(observed: ReadonlyMap<string, CrdLike | undefined>, required: readonly RequiredCrd[] = REQUIRED_CRDS): string[] {
  const problems: string[] = [];
  for (const { name, version } of required) {
    const crd = observed.get(name);
    if (!crd) {
      problems.push(`CRD ${name} is not installed`);
      continue;
    }
    const established = crd.status?.conditions?.find((condition) => condition.type === "Established");
    if (established?.status !== "True") {
      const why = established ? `${established.status}${established.reason ? `, ${established.reason}` : ""}${established.message ? `: ${established.message}` : ""}` : "no condition yet";
      problems.push(`CRD ${name} is not Established (${why})`);
    }
    const versions = crd.spec?.versions ?? [];
    if (!versions.some((entry) => entry.name === version && entry.served === true)) {
      const served = versions.filter((entry) => entry.served === true).map((entry) => entry.name);
      problems.push(`CRD ${name} does not serve ${version} (served: ${served.join(", ") || "none"})`);
    }
  }
  return problems;
}

export interface WebhookConfigurationLike {
  readonly metadata?: { readonly name?: string };
  readonly webhooks?: readonly { readonly name?: string }[];
}

/** The configurations holding the order webhooks, or the problem when one is missing. Pure. */
export function webhookConfigurationProblems(mutating: readonly WebhookConfigurationLike[], validating: readonly WebhookConfigurationLike[]): { problems: string[]; found: string[] } {
  const problems: string[] = [];
  const found: string[] = [];
  const look = (kind: string, configurations: readonly WebhookConfigurationLike[], webhook: string) => {
    const holders = configurations.filter((configuration) => configuration.webhooks?.some((entry) => entry.name === webhook));
    if (holders.length === 0) problems.push(`no ${kind} has the webhook ${webhook} (the chart installs it with admission.enabled)`);
    else found.push(...holders.map((configuration) => `${kind} ${configuration.metadata?.name ?? "(unnamed)"}`));
  };
  look("MutatingWebhookConfiguration", mutating, ORDER_WEBHOOKS.mutating);
  look("ValidatingWebhookConfiguration", validating, ORDER_WEBHOOKS.validating);
  return { problems, found };
}

/** How the API server answered the dry-run create of the probe order. */
export type ProbeAnswer = { readonly kind: "admitted" } | { readonly kind: "refused"; readonly status: number; readonly message: string };

/**
 * The probe order is invalid on purpose (its CPU count is 0), so a webhook that answers denies
 * it: a denial by one of the project's webhooks proves the webhook answers for the namespace. A
 * webhook the API server cannot call (`failed calling webhook`, failurePolicy Fail) is unhealthy;
 * so is one that answers "not ready" (503: its caches have not synced, it denies every write).
 * An admitted probe means no webhook of ours validated it. Pure.
 */
export function probeVerdict(answer: ProbeAnswer, namespace: string): { problem?: string; evidence?: string } {
  if (answer.kind === "admitted") {
    return { problem: `the probe order (invalid on purpose) was admitted in namespace ${namespace}: no osac-vm webhook validated it (does the webhook configurations' namespaceSelector cover ${namespace}?)` };
  }
  const message = shorten(answer.message);
  const unreachable = /failed calling webhook "([^"]+)"/.exec(answer.message);
  if (unreachable) return { problem: `webhook ${unreachable[1]} is unreachable: ${message}` };
  const denied = /admission webhook "([^"]+)" denied the request/.exec(answer.message);
  if (denied && denied[1]!.endsWith(PROJECT_WEBHOOK_SUFFIX)) {
    if (answer.status === 503) return { problem: `webhook ${denied[1]} answers but is not ready: ${message}` };
    return { evidence: `webhook ${denied[1]} answered (denied the invalid probe order)` };
  }
  if (denied) return { problem: `the probe order was denied by webhook ${denied[1]} before an osac-vm webhook saw it: ${message}` };
  if (answer.status === 403) return { problem: `cannot probe the webhook: ${message} (the migration controller needs create on virtualmachines.cloudkit.openshift.io for a dry run)` };
  return { problem: `the probe order was refused by the API server, not by a webhook (HTTP ${answer.status}): ${message}` };
}

export interface PlatformHealth {
  readonly healthy: boolean;
  /** One line per failed check, naming what failed. */
  readonly problems: readonly string[];
  /** What was found healthy (logged). */
  readonly evidence: readonly string[];
}

export interface PlatformObservation {
  readonly crds: ReadonlyMap<string, CrdLike | undefined>;
  /** Absent when the webhook is not checked (`--no-webhook-check`: a platform without admission). */
  readonly webhook?: {
    readonly mutating: readonly WebhookConfigurationLike[];
    readonly validating: readonly WebhookConfigurationLike[];
    readonly probe: ProbeAnswer;
    readonly namespace: string;
  };
}

/** Every check's verdict together. Pure. */
export function platformHealth(observation: PlatformObservation): PlatformHealth {
  const problems = crdProblems(observation.crds);
  const evidence: string[] = [];
  if (problems.length === 0) evidence.push(`${REQUIRED_CRDS.length} CRDs established`);
  if (observation.webhook) {
    const configurations = webhookConfigurationProblems(observation.webhook.mutating, observation.webhook.validating);
    problems.push(...configurations.problems);
    evidence.push(...configurations.found);
    const probe = probeVerdict(observation.webhook.probe, observation.webhook.namespace);
    if (probe.problem) problems.push(probe.problem);
    if (probe.evidence) evidence.push(probe.evidence);
  }
  return { healthy: problems.length === 0, problems, evidence };
}

/** API server messages can be long (a whole admission chain): enough to tell the cause. */
function shorten(text: string, max = 300): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
