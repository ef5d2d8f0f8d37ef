import { formatPath } from "../compare/field-path.ts";
import type { LiveDiffResult } from "../live-diff.ts";

/** The machine-readable report of `diff --live -o json` (secret values are already redacted). */
export function diffReportJson(result: LiveDiffResult): string {
  const report = {
    summary: result.summary,
    rolloutStrategy: result.strategy,
    roleStorageClass: result.storageClass,
    unservedKinds: result.unservedKinds,
    requests: { total: result.requests.reduce((sum, request) => sum + request.count, 0), byResource: result.requests },
    orders: result.orders.map((order) => ({
      namespace: order.namespace,
      name: order.name,
      managedBy: order.managedBy,
      profile: order.profile,
      identical: order.identical,
      ...(order.desiredConfigVersion ? { desiredConfigVersion: order.desiredConfigVersion } : {}),
      ...(order.invalid ? { invalid: order.invalid } : {}),
      objects: order.objects.map((object) => ({
        ...object.object,
        state: object.state,
        ...(object.liveConfigVersion ? { liveConfigVersion: object.liveConfigVersion } : {}),
        differences: object.differences.map((difference) => ({
          field: difference.path.length === 0 ? "(object)" : formatPath(difference.path),
          cause: difference.cause,
          ...(difference.live !== undefined ? { live: difference.live } : {}),
          ...(difference.rendered !== undefined ? { rendered: difference.rendered } : {}),
        })),
      })),
      ...(order.restart ? { restart: order.restart } : {}),
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
