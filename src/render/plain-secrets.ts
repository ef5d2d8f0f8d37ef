import type { FieldError } from "../domain/field-error.ts";
import type { Order } from "../domain/order.ts";
import { DEFAULT_CLOUD_INIT_CONFIG } from "../domain/templates/index.ts";
import type { RenderOptions } from "./profile.ts";

/**
 * The gitops profile writes Secrets into Git in plain base64. The order's own cloud-init user
 * data may hold credentials, so it is refused there unless the caller opts in. The role's default
 * user data (`#cloud-config`) holds nothing and is always allowed.
 */
export function checkPlainSecrets(order: Order, options: RenderOptions): FieldError[] {
  if (options.profile !== "gitops" || options.allowPlainSecrets || options.sealing) return [];
  if (order.parameters.cloudInitConfig === DEFAULT_CLOUD_INIT_CONFIG) return [];
  return [
    {
      field: "spec.templateParameters.cloud_init_config",
      message:
        "the gitops profile does not write cloud-init user data into Git as a plain Secret (it may hold credentials); " +
        "seal it (--seal-with <cert.pem> --seal-key-file <file>), pass --allow-plain-secrets to accept a plain Secret, or remove cloud_init_config from the order",
    },
  ];
}
