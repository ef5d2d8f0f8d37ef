import type { TemplateCatalog } from "../domain/catalog-order/index.ts";
import type { SecretSealing } from "./secret-sealing.ts";

/**
 * What a render is for. `aap-parity` reproduces the Ansible role's objects field for field;
 * `gitops` adds what Git-managed objects need (docs/adr/0003-gitops-profile.md).
 */
export const PROFILES = ["gitops", "aap-parity"] as const;
export type Profile = (typeof PROFILES)[number];
export const DEFAULT_PROFILE: Profile = "gitops";

export interface RenderOptions {
  readonly profile: Profile;
  /** The gitops profile refuses orders with their own cloud-init user data unless this is set. */
  readonly allowPlainSecrets: boolean;
  /**
   * Class for orders that name none (the role's CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS). When absent,
   * no storageClassName is rendered and the admission webhook defaults it at apply time.
   */
  readonly defaultStorageClass?: string;
  /** gitops: seal the Secrets (docs/adr/0020-sealed-secrets.md); then no plain Secret is written. */
  readonly sealing?: SecretSealing;
  /** The catalog templates orders may name (`--templates`, docs/adr/0028-template-catalog-and-orders.md). */
  readonly catalog?: TemplateCatalog;
  /** The key of generated template parameter values (at least 32 random bytes, kept outside Git). */
  readonly templateParameterKey?: Uint8Array;
}

export function isProfile(value: string): value is Profile {
  return (PROFILES as readonly string[]).includes(value);
}
