import type { Order } from "../../domain/order.ts";
import { renderOrder } from "../../render/render-order.ts";
import type { Profile } from "../../render/profile.ts";
import type { ManagedBy } from "../../api/well-known.ts";
import type { LiveObject } from "../live-object.ts";

/** `auto`: the profile of whoever owns the order's children. */
export type ProfileChoice = "auto" | Profile;

/**
 * The profile an order's live children are compared with: `gitops` for orders already adopted
 * (`managed-by: controller` or `gitops`: the controller applies, and the tree holds, the gitops
 * rendering), `aap-parity` for the role's orders (`aap`, or no annotation). An explicit profile
 * wins: `--profile gitops` on the role's orders shows what adoption would change.
 */
export function profileFor(managedBy: ManagedBy | undefined, choice: ProfileChoice): Profile {
  if (choice !== "auto") return choice;
  return managedBy === "controller" || managedBy === "gitops" ? "gitops" : "aap-parity";
}

/**
 * The children an order should have, as its owner renders them: the gitops profile exactly as
 * the controller applies it (no default storage class: the DataVolume webhook sets it; an order's
 * own cloud-init allowed), the aap-parity profile with the class the role would resolve. The
 * tenant Namespace is not a child of one order and is not compared.
 */
export function expectedChildren(order: Order, profile: Profile, roleStorageClass?: string): LiveObject[] {
  const objects = renderOrder(order, {
    profile,
    allowPlainSecrets: true,
    ...(profile === "aap-parity" && roleStorageClass ? { defaultStorageClass: roleStorageClass } : {}),
  });
  return objects.filter((object) => object.kind !== "Namespace") as unknown as LiveObject[];
}
