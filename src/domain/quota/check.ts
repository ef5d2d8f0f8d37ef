import { addAmounts, compareAmounts, formatAmount, isZero, maxAmount, parseAmount, ZERO, type Amount } from "../quantity/amount.ts";
import { amountIn, demandKeyOf, unitOf, type Demand } from "./demand.ts";
import type { Usage } from "./usage.ts";

/** A ResourceQuota as the check reads it. */
export interface QuotaView {
  readonly name: string;
  readonly hard: Readonly<Record<string, string>>;
  /** `status.used`, as the API server's quota controller and admission keep it ({} when not yet written). */
  readonly used: Readonly<Record<string, string>>;
  /**
   * The quota has `scopes` or a `scopeSelector`: it covers only pods with certain fields (priority
   * class, termination, best effort), which a VM or an order does not show. Not checked.
   */
  readonly scoped: boolean;
}

export interface QuotaExcess {
  readonly quota: string;
  readonly resource: string;
  readonly limited: Amount;
  readonly used: Amount;
  readonly requested: Amount;
}

/**
 * The quota resources the request would take beyond `spec.hard`, for every quota of the
 * namespace. Used is the larger of the quota's `status.used` (which also counts what is not a VM)
 * and the watched VMs and disks, plus what admitted orders ask for and the namespace does not hold
 * yet. With `previous` (an update), only resources whose request grows are checked: an update that
 * asks for no more is never refused, even in a namespace already over its quota. Pure.
 */
export function exceededQuotas(quotas: readonly QuotaView[], usage: Usage, requested: Demand, previous?: Demand): QuotaExcess[] {
  const excesses: QuotaExcess[] = [];
  for (const quota of quotas) {
    if (quota.scoped) continue;
    for (const resource of Object.keys(quota.hard).sort()) {
      const key = demandKeyOf(resource);
      if (key === undefined) continue;
      const asked = amountIn(requested, key);
      if (isZero(asked) || (previous !== undefined && compareAmounts(asked, amountIn(previous, key)) <= 0)) continue;
      const limited = parseAmount(quota.hard[resource]);
      if (limited === undefined) continue;
      const statusUsed = parseAmount(quota.used[resource]) ?? ZERO;
      const used = addAmounts(maxAmount(statusUsed, amountIn(usage.counted, key)), amountIn(usage.pending, key));
      if (compareAmounts(addAmounts(used, asked), limited) > 0) excesses.push({ quota: quota.name, resource, limited, used, requested: asked });
    }
  }
  return excesses;
}

/**
 * The API server's own wording for a quota denial, one clause per quota:
 * `exceeded quota: vdc-quota, requested: limits.cpu=4, used: limits.cpu=6, limited: limits.cpu=8`.
 */
export function describeExcesses(excesses: readonly QuotaExcess[]): string {
  const byQuota = new Map<string, QuotaExcess[]>();
  for (const excess of excesses) byQuota.set(excess.quota, [...(byQuota.get(excess.quota) ?? []), excess]);
  return [...byQuota]
    .map(([quota, items]) => {
      const list = (pick: (excess: QuotaExcess) => Amount) => items.map((item) => `${item.resource}=${formatAmount(pick(item), unitOf(item.resource))}`).join(",");
      return `exceeded quota: ${quota}, requested: ${list((item) => item.requested)}, used: ${list((item) => item.used)}, limited: ${list((item) => item.limited)}`;
    })
    .join("; ");
}

/** Where "used" comes from, for the end of a denial: `3 VMs, 2 DataVolumes and 1 order not yet applied`. */
export function describeUsage(usage: Usage): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return `${count(usage.virtualMachines, "VM", "VMs")}, ${count(usage.dataVolumes, "DataVolume", "DataVolumes")} and ${count(usage.pendingOrders, "order", "orders")} not yet applied`;
}
