import { formatGenericPath } from "../compare/field-path.ts";
import { CAUSES, type DifferenceCause } from "./causes.ts";
import type { OrderDiff } from "./order-diff.ts";

export interface CauseRow {
  readonly cause: DifferenceCause;
  readonly kind: string;
  /** The field with array indices as `[*]`; `(object)` for a missing or extra object. */
  readonly field: string;
  readonly orders: number;
  readonly objects: number;
}

export interface FleetSummary {
  readonly orders: number;
  readonly identical: number;
  readonly differing: number;
  readonly invalid: number;
  readonly objects: { readonly differing: number; readonly missing: number; readonly extra: number };
  /** Running VMs that applying the rendered VM would restart. */
  readonly restarts: number;
  readonly causes: readonly CauseRow[];
}

/** Counts for the summary table; the cause rows in CAUSES order, most orders first. Pure. */
export function summarize(orders: readonly OrderDiff[]): FleetSummary {
  const rows = new Map<string, { cause: DifferenceCause; kind: string; field: string; orders: Set<string>; objects: Set<string> }>();
  const count = { differing: 0, missing: 0, extra: 0 };
  for (const order of orders) {
    const orderKey = `${order.namespace}/${order.name}`;
    if (order.invalid) add(rows, "invalid order", "VirtualMachine order", "(order)", orderKey, orderKey);
    for (const object of order.objects) {
      if (object.state === "identical") continue;
      count[object.state === "differs" ? "differing" : object.state] += 1;
      const objectKey = `${object.object.kind}/${object.object.namespace}/${object.object.name}`;
      for (const difference of object.differences) {
        const field = difference.path.length === 0 ? "(object)" : formatGenericPath(difference.path);
        add(rows, difference.cause, object.object.kind, field, orderKey, objectKey);
      }
    }
  }
  const causes = [...rows.values()]
    .map((row) => ({ cause: row.cause, kind: row.kind, field: row.field, orders: row.orders.size, objects: row.objects.size }))
    .sort((a, b) => CAUSES.indexOf(a.cause) - CAUSES.indexOf(b.cause) || b.orders - a.orders || a.kind.localeCompare(b.kind) || a.field.localeCompare(b.field));
  const invalid = orders.filter((order) => order.invalid).length;
  const identical = orders.filter((order) => order.identical).length;
  return {
    orders: orders.length,
    identical,
    differing: orders.length - identical,
    invalid,
    objects: count,
    restarts: orders.filter((order) => order.restart?.restartRequired).length,
    causes,
  };
}

function add(rows: Map<string, { cause: DifferenceCause; kind: string; field: string; orders: Set<string>; objects: Set<string> }>, cause: DifferenceCause, kind: string, field: string, orderKey: string, objectKey: string): void {
  const key = `${cause}\u0000${kind}\u0000${field}`;
  let row = rows.get(key);
  if (!row) rows.set(key, (row = { cause, kind, field, orders: new Set(), objects: new Set() }));
  row.orders.add(orderKey);
  row.objects.add(objectKey);
}
