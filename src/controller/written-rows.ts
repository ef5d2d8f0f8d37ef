import { createHash } from "node:crypto";
import type { VmStateRow } from "../platform/database/vm-state.ts";

/**
 * What was last written to the database for each order, as a fingerprint of the row without its
 * observation time: a pass that observes exactly the same row again (a resync, the order's own
 * status write coming back, a requeue) need not cost a transaction. ~60 bytes per order.
 */
export class WrittenRows {
  private readonly fingerprints = new Map<string, string>();

  /** True when `row` equals, but for `observedAt`, the last row written for its order. */
  unchanged(row: VmStateRow): boolean {
    return this.fingerprints.get(row.orderUid) === fingerprint(row);
  }

  remember(row: VmStateRow): void {
    this.fingerprints.set(row.orderUid, fingerprint(row));
  }

  forget(orderUid: string): void {
    this.fingerprints.delete(orderUid);
  }

  clear(): void {
    this.fingerprints.clear();
  }
}

/** The row's content, observation time left out. Pure. */
export function fingerprint(row: VmStateRow): string {
  const { observedAt: _observedAt, ...content } = row;
  return createHash("sha1").update(JSON.stringify(content)).digest("base64");
}
