import { CertificateChangedError, loadSealingSettings, SealingSettingError, SecretSealer } from "../gitops/sealing/index.ts";
import type { Profile } from "../render/profile.ts";
import { UsageError } from "./arguments.ts";

/** The sealing options, shared by every command that renders or validates for a render. */
export const SEALING_OPTIONS = {
  "seal-with": { type: "string" },
  "seal-key-file": { type: "string" },
  reseal: { type: "boolean" },
} as const;

export const SEALING_USAGE = `  --seal-with <cert.pem>    gitops: write the Secrets as SealedSecrets encrypted for the hub's sealed-secrets
                            controller with this certificate (kubeseal --fetch-cert); needs --seal-key-file.
                            Orders with their own cloud-init then need no --allow-plain-secrets
  --seal-key-file <file>    Key (at least 32 random bytes, kept out of Git) of the keyed hashes that let
                            unchanged values keep their ciphertext, so re-rendering changes no file
  --reseal                  Re-seal every value sealed under another certificate with --seal-with's
                            (certificate rotation); without it a changed certificate is refused
`;

export interface SealingOptionValues {
  readonly "seal-with"?: string | undefined;
  readonly "seal-key-file"?: string | undefined;
  readonly reseal?: boolean | undefined;
}

export interface SealingChoice {
  readonly sealer: SecretSealer;
  readonly warnings: string[];
}

/**
 * The sealer the options ask for, or undefined when they ask for none. Throws a UsageError
 * (exit 2, nothing written) naming the option for a missing, unreadable or unusable file.
 */
export function sealingFromOptions(values: SealingOptionValues, context: { readonly profile: Profile; readonly outDir?: string }): SealingChoice | undefined {
  const certificateFile = values["seal-with"];
  const keyFile = values["seal-key-file"];
  if (certificateFile === undefined) {
    if (keyFile !== undefined) throw new UsageError("--seal-key-file needs --seal-with <cert.pem>");
    if (values.reseal) throw new UsageError("--reseal needs --seal-with <cert.pem> (the certificate to re-seal with)");
    return undefined;
  }
  if (keyFile === undefined) {
    throw new UsageError(
      "--seal-with needs --seal-key-file <file>: the key of the hashes that keep unchanged values' ciphertext " +
        "(generate one with: openssl rand -base64 48 > <file> && chmod 600 <file>, and keep it out of Git)",
    );
  }
  if (context.profile !== "gitops") {
    throw new UsageError(`--seal-with applies to the gitops profile; '${context.profile}' renders the role's plain Secrets`);
  }
  try {
    const { settings, warnings } = loadSealingSettings({
      certificateFile,
      certificateSetting: "--seal-with",
      keyFile,
      keySetting: "--seal-key-file",
      reseal: values.reseal ?? false,
      ...(context.outDir ? { outputDirectory: context.outDir } : {}),
    });
    return { sealer: new SecretSealer(settings), warnings };
  } catch (error) {
    if (error instanceof SealingSettingError) throw new UsageError(error.message);
    throw error;
  }
}

/** The message for a render that met a tree sealed under another certificate. */
export function certificateChangedMessage(error: unknown): string | undefined {
  if (!(error instanceof CertificateChangedError)) return undefined;
  return `${error.message}. Pass --reseal to re-seal every such value with --seal-with's certificate (the controller keeps its old keys, so the old ciphertext decrypts until then)`;
}

/** `sealed N value(s) (…), reused M` for the render's closing line. */
export function sealingSummary(sealer: SecretSealer): string {
  const { sealed, reused } = sealer.tally;
  const total = sealed.new + sealed.changed + sealed.resealed + sealed.unverified;
  const reasons = Object.entries(sealed)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${count} ${reason}`);
  return `sealed ${total} value(s)${reasons.length > 0 ? ` (${reasons.join(", ")})` : ""}, reused ${reused}`;
}
