import { z } from "zod";
import { checkCanonicalBase64 } from "./base64.ts";
import type { ParameterName } from "./catalog.ts";
import { checkDnsSubdomain } from "./dns-name.ts";
import type { GrammarResult } from "./grammar.ts";
import { parseImageReference } from "./image-reference.ts";
import { parseExposedPorts } from "./ports.ts";
import { checkPositiveQuantity } from "./quantity.ts";
import { parseSshPublicKeys } from "./ssh-keys.ts";

/**
 * One zod schema per template parameter, built once. Each takes the JSON value of the parameter
 * (never null: the caller treats null as absent) and either returns the checked value or fails with
 * issues whose message says what is accepted. A grammar problem that points at part of the value
 * (one port entry, one SSH key) carries the text to show in `params.shown`.
 */

export const MIN_CPU_CORES = 1;
export const MAX_CPU_CORES = 128;
/** Kubernetes refuses a Secret whose data totals more than 1 MiB (decoded). */
export const MAX_CLOUD_INIT_BYTES = 1_048_576;

const DIGITS = /^[0-9]+$/;

const CPU_CORES_MESSAGE = `must be a whole number of cores from ${MIN_CPU_CORES} to ${MAX_CPU_CORES}, as a JSON number or a string of digits such as "4"`;

function stringOf(example: string) {
  return z.string({ error: `must be a JSON string, e.g. ${JSON.stringify(example)}` });
}

/** Turns a grammar's verdict into the transform's output or its issues. */
function fromGrammar<T>(result: GrammarResult<T>, ctx: z.RefinementCtx): T {
  if (result.ok) return result.value;
  for (const problem of result.problems) {
    ctx.addIssue({
      code: "custom",
      message: problem.message,
      ...(problem.shown === undefined ? {} : { params: { shown: problem.shown } }),
    });
  }
  return z.NEVER;
}

const cpuCores = z
  .union([z.number(), z.string().regex(DIGITS, { error: CPU_CORES_MESSAGE })], { error: CPU_CORES_MESSAGE })
  .transform(Number)
  .refine((cores) => Number.isInteger(cores) && cores >= MIN_CPU_CORES && cores <= MAX_CPU_CORES, {
    error: CPU_CORES_MESSAGE,
  });

const quantity = (example: string) => stringOf(example).transform((text, ctx) => fromGrammar(checkPositiveQuantity(text), ctx));

/** The value is secret: no message here quotes it, and the caller shows it redacted. */
const cloudInitConfig = stringOf("I2Nsb3VkLWNvbmZpZw==").transform((text, ctx) => {
  if (text === "") {
    ctx.addIssue({ code: "custom", message: "must not be empty; give the base64 of the cloud-init user data, or omit the parameter" });
    return z.NEVER;
  }
  const check = checkCanonicalBase64(text);
  if (!check.ok) {
    ctx.addIssue({ code: "custom", message: check.reason });
    return z.NEVER;
  }
  if (check.decodedBytes > MAX_CLOUD_INIT_BYTES) {
    ctx.addIssue({
      code: "custom",
      message: `must decode to at most ${MAX_CLOUD_INIT_BYTES} bytes (1 MiB) of user data, got ${check.decodedBytes}`,
    });
    return z.NEVER;
  }
  return text;
});

export interface SshPublicKeyValue {
  /** The text as given, for the role's Secret. */
  readonly text: string;
  readonly keys: readonly string[];
}

const sshPublicKey = stringOf("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5... user@example").transform(
  (text, ctx): SshPublicKeyValue => ({ text, keys: fromGrammar(parseSshPublicKeys(text), ctx) }),
);

export const PARAMETER_SCHEMAS = {
  cpu_cores: cpuCores,
  memory: quantity("2Gi"),
  disk_size: quantity("10Gi"),
  image_source: stringOf("quay.io/containerdisks/fedora:41").transform((text, ctx) => fromGrammar(parseImageReference(text), ctx)),
  cloud_init_config: cloudInitConfig,
  ssh_public_key: sshPublicKey,
  exposed_ports: stringOf("22/tcp,80/tcp").transform((text, ctx) => fromGrammar(parseExposedPorts(text), ctx)),
  storage_class: stringOf("fast-ssd").transform((text, ctx) => fromGrammar(checkDnsSubdomain(text), ctx)),
} satisfies Record<ParameterName, z.ZodType>;

export type ParameterValues = { readonly [K in ParameterName]: z.output<(typeof PARAMETER_SCHEMAS)[K]> };
