import type { SecretSealer } from "../gitops/sealing/index.ts";
import { DEFAULT_PROFILE, isProfile, PROFILES, type RenderOptions } from "../render/profile.ts";
import { UsageError } from "./arguments.ts";
import { SEALING_OPTIONS, SEALING_USAGE, sealingFromOptions, type SealingOptionValues } from "./sealing-options.ts";
import { TEMPLATE_OPTIONS, TEMPLATE_USAGE, templatesFromOptions, type TemplateOptionValues } from "./template-options.ts";
import type { Terminal } from "./terminal.ts";

/**
 * The options that decide what a render accepts and produces, sealing included. `render` and
 * `validate` both take them, parsed by the same code, so `validate` reaches the verdict `render`
 * would.
 */
export const RENDER_POLICY_OPTIONS = {
  profile: { type: "string" },
  "allow-plain-secrets": { type: "boolean" },
  "default-storage-class": { type: "string" },
  ...SEALING_OPTIONS,
  ...TEMPLATE_OPTIONS,
} as const;

export const RENDER_POLICY_USAGE = `  --profile <name>          gitops (default) or aap-parity
  --allow-plain-secrets     gitops: accept orders' own cloud-init user data (written as plain Secrets)
  --default-storage-class <name>
                            storageClassName for orders that name none (default: none rendered;
                            aap-parity also reads CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS, as the role does)
${SEALING_USAGE}${TEMPLATE_USAGE}`;

export interface RenderPolicyValues extends SealingOptionValues, TemplateOptionValues {
  readonly profile?: string | undefined;
  readonly "allow-plain-secrets"?: boolean | undefined;
  readonly "default-storage-class"?: string | undefined;
}

export interface RenderPolicy {
  readonly options: RenderOptions;
  /** Present when the options ask for sealing. */
  readonly sealer?: SecretSealer;
  /** About the settings themselves (e.g. a key file others can read). */
  readonly warnings: readonly string[];
}

/**
 * Parses the render policy once. Throws a UsageError (exit 2, nothing read or written) naming the
 * option for an unknown profile or an unusable sealing certificate or key file.
 */
export function toRenderPolicy(values: RenderPolicyValues, env: Terminal["env"], outDir?: string): RenderPolicy {
  const profile = values.profile ?? DEFAULT_PROFILE;
  if (!isProfile(profile)) throw new UsageError(`--profile '${profile}' is not known; use one of ${PROFILES.join(", ")}`);
  const defaultStorageClass =
    values["default-storage-class"] ?? (profile === "aap-parity" ? env.CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS || undefined : undefined);
  const sealing = sealingFromOptions(values, { profile, ...(outDir ? { outDir } : {}) });
  const templates = templatesFromOptions(values, { ...(outDir ? { outDir } : {}) });
  return {
    options: {
      profile,
      allowPlainSecrets: values["allow-plain-secrets"] ?? false,
      ...(defaultStorageClass ? { defaultStorageClass } : {}),
      ...(sealing ? { sealing: sealing.sealer } : {}),
      ...(templates.catalog ? { catalog: templates.catalog } : {}),
      ...(templates.templateParameterKey ? { templateParameterKey: templates.templateParameterKey } : {}),
    },
    ...(sealing ? { sealer: sealing.sealer } : {}),
    warnings: [...(sealing?.warnings ?? []), ...templates.warnings],
  };
}
