import { Annotations } from "../../api/well-known.ts";
import { formatFieldError } from "../../domain/field-error.ts";
import { validateOrder, type Order } from "../../domain/order.ts";
import type { RawObject } from "../../controller/cache/raw-object.ts";
import { checkPlainSecrets } from "../../render/plain-secrets.ts";
import type { RenderOptions } from "../../render/profile.ts";
import type { FileRenderer } from "./file-renderer.ts";

/** Why an order's files cannot be brought up to date; its files in Git stay as they are. */
export type KeepReason = "InvalidOrder" | "SealingUnavailable" | "UnknownHub" | "HubChanged";

/** What the committer wants for one order key. Pure data from the order as the cache holds it. */
export type OrderIntent =
  /** Render the order's files (and write them when they differ). */
  | {
      readonly kind: "write";
      readonly order: Order;
      /** Per-hub output: the renderer of the order's hub (hub-renderers.ts); absent: the committer's single-cluster renderer. */
      readonly renderer?: FileRenderer;
    }
  /** The order's files go: it is being deleted, it is gone, or it is no longer managed by gitops. */
  | { readonly kind: "remove"; readonly reason: "deleting" | "gone" | "not-gitops" }
  /** The order cannot be rendered now; whatever Git holds for it stays (an invalid change never deletes a VM). */
  | { readonly kind: "keep"; readonly reason: KeepReason; readonly message: string };

export function isGitopsOrder(raw: RawObject | undefined): boolean {
  return raw?.metadata.annotations?.[Annotations.managedBy] === "gitops";
}

export function intentOf(raw: RawObject | undefined, options: RenderOptions): OrderIntent {
  if (!raw) return { kind: "remove", reason: "gone" };
  if (!isGitopsOrder(raw)) return { kind: "remove", reason: "not-gitops" };
  if (raw.metadata.deletionTimestamp) return { kind: "remove", reason: "deleting" };
  const validation = validateOrder(raw);
  if (!validation.value) return { kind: "keep", reason: "InvalidOrder", message: validation.errors.map(formatFieldError).join("; ") };
  const refusal = checkPlainSecrets(validation.value, options);
  if (refusal.length > 0) {
    return {
      kind: "keep",
      reason: "SealingUnavailable",
      message:
        "The order has its own cloud-init user data, and the committer has no sealing certificate: it does not write user data into Git as a plain Secret. " +
        "Configure sealing (--sealing-certificate-file and --sealing-key-file; the chart's committer.sealing values)",
    };
  }
  return { kind: "write", order: validation.value };
}
