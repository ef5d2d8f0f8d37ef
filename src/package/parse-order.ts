import { formatFieldError, type FieldError } from "../domain/field-error.ts";
import { validateOrder, type Order } from "../domain/order.ts";
import { checkPlainSecrets } from "../render/plain-secrets.ts";
import { DEFAULT_PROFILE, type RenderOptions } from "../render/profile.ts";

/** An order that failed validation or the render policy; `errors` holds every problem found. */
export class InvalidOrderError extends Error {
  readonly code = "INVALID_ORDER";
  constructor(readonly errors: readonly FieldError[]) {
    super(`invalid VirtualMachine order:\n${errors.map((error) => `  ${formatFieldError(error)}`).join("\n")}`);
    this.name = "InvalidOrderError";
  }
}

/**
 * One decoded order document (a v1alpha1 `VirtualMachine`) checked the way `osac-vm render` checks
 * it, including the render policy: by default the gitops profile, which refuses an order's own
 * cloud-init user data (it would go into Git as a plain Secret). Throws `InvalidOrderError`.
 */
export function parseOrder(document: unknown, options: RenderOptions = { profile: DEFAULT_PROFILE, allowPlainSecrets: false }): Order {
  const result = validateOrder(document);
  const errors = result.value ? checkPlainSecrets(result.value, options) : result.errors;
  if (!result.value || errors.length > 0) throw new InvalidOrderError(errors);
  return result.value;
}
