import {
  describeExcesses,
  describeUsage,
  exceededQuotas,
  namespaceUsage,
  type Claim,
  type Demand,
  type NamespaceWorkloads,
  type QuotaView,
} from "../../domain/quota/index.ts";
import type { QuotaSource } from "../quota/quota-source.ts";

/** What a request asks of one namespace's quotas. */
export interface QuotaRequest {
  readonly namespace: string;
  /** Builds the claim and the demand from the namespace's state (only called when the namespace has quotas). */
  readonly measure: (state: NamespaceWorkloads) => { readonly claim: Claim; readonly asked: Demand; readonly previous?: Demand; readonly unresolved: readonly string[] };
  /** What "requested" means for this object, for the end of the message. */
  readonly requestedIs: string;
}

export type QuotaVerdict = { readonly allowed: true; readonly warnings: readonly string[] } | { readonly allowed: false; readonly message: string; readonly warnings: readonly string[] };

const NOT_SYNCED_WARNING = "quota not checked: the webhook's watches of ResourceQuotas, VMs, DataVolumes and orders have not synced yet";

/**
 * The quota verdict for a request (ADR 29): allowed when the namespace has no quota, or every
 * quota has room for what is asked; otherwise the API server's own wording (the quota, what is
 * requested, used and limited) and where "used" comes from. Before the watches have synced the
 * request is allowed with a warning: the API server's own quota admission still applies to the
 * pods and claims the VM makes. Pure over the source's snapshot.
 */
export function checkQuota(source: QuotaSource | undefined, request: QuotaRequest): QuotaVerdict {
  if (source === undefined) return { allowed: true, warnings: [] };
  if (!source.synced) return { allowed: true, warnings: [NOT_SYNCED_WARNING] };
  const quotas: readonly QuotaView[] = source.quotas(request.namespace);
  if (quotas.length === 0) return { allowed: true, warnings: [] };
  const state = source.workloads(request.namespace);
  const { claim, asked, previous, unresolved } = request.measure(state);
  const usage = namespaceUsage(state, claim);
  const warnings = [...unresolved, ...usage.unresolved].map((item) => `quota: not counted: ${item}`);
  const excesses = exceededQuotas(quotas, usage, asked, previous);
  if (excesses.length === 0) return { allowed: true, warnings };
  return {
    allowed: false,
    message:
      `${describeExcesses(excesses)} (namespace ${request.namespace}; requested is ${request.requestedIs}; ` +
      `used counts ${describeUsage(usage)}, or the quota's status.used where larger)`,
    warnings,
  };
}
