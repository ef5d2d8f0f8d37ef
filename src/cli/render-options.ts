import { DEFAULT_PROFILE, isProfile, PROFILES, type RenderOptions } from "../render/profile.ts";
import { UsageError } from "./arguments.ts";
import type { Terminal } from "./terminal.ts";

/**
 * The options that decide what a render accepts and produces. `render` and `validate` both take
 * them, parsed by the same code, so `validate` reaches the verdict `render` would.
 */
export const RENDER_POLICY_OPTIONS = {
  profile: { type: "string" },
  "allow-plain-secrets": { type: "boolean" },
  "default-storage-class": { type: "string" },
} as const;

export const RENDER_POLICY_USAGE = `  --profile <name>          gitops (default) or aap-parity
  --allow-plain-secrets     gitops: accept orders' own cloud-init user data (written as plain Secrets)
  --default-storage-class <name>
                            storageClassName for orders that name none (default: none rendered;
                            aap-parity also reads CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS, as the role does)
`;

export interface RenderPolicyValues {
  readonly profile?: string | undefined;
  readonly "allow-plain-secrets"?: boolean | undefined;
  readonly "default-storage-class"?: string | undefined;
}

export function toRenderOptions(values: RenderPolicyValues, env: Terminal["env"]): RenderOptions {
  const profile = values.profile ?? DEFAULT_PROFILE;
  if (!isProfile(profile)) throw new UsageError(`--profile '${profile}' is not known; use one of ${PROFILES.join(", ")}`);
  const defaultStorageClass =
    values["default-storage-class"] ?? (profile === "aap-parity" ? env.CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS || undefined : undefined);
  return {
    profile,
    allowPlainSecrets: values["allow-plain-secrets"] ?? false,
    ...(defaultStorageClass ? { defaultStorageClass } : {}),
  };
}
