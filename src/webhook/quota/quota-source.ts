import type { NamespaceWorkloads, QuotaView } from "../../domain/quota/index.ts";

/** A namespace's ResourceQuotas and workloads as admission reads them: from watches, never fetched per request. */
export interface QuotaSource {
  /** False until every watch behind it has listed once: decisions then let requests through with a warning. */
  readonly synced: boolean;
  /** The namespace's quotas ([]: nothing to check). */
  quotas(namespace: string): readonly QuotaView[];
  workloads(namespace: string): NamespaceWorkloads;
}
