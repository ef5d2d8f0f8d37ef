import type { z } from "zod";
import { redacted, showValue, type FieldError } from "../field-error.ts";
import { isParameterName, SORTED_PARAMETER_NAMES, type ParameterName } from "./catalog.ts";
import { isFloatingImage, parseImageReference } from "./image-reference.ts";
import { PARAMETER_SCHEMAS, type ParameterValues } from "./schema.ts";
import {
  DEFAULT_CLOUD_INIT_CONFIG,
  DEFAULT_CPU_CORES,
  DEFAULT_DISK_SIZE,
  DEFAULT_EXPOSED_PORTS,
  DEFAULT_IMAGE_SOURCE,
  DEFAULT_MEMORY,
  type VmParameters,
} from "./vm-parameters.ts";
import { quotedList } from "./wording.ts";

/** A warning has the shape of an error: the field, the value shown (never a secret), the message. */
export type FieldWarning = FieldError;

/** The verdict on a map of parameter names to JSON values. */
export interface ParameterChecks {
  /** Present only when `errors` is empty. */
  readonly value?: VmParameters;
  readonly errors: readonly FieldError[];
  readonly warnings: readonly FieldWarning[];
}

export interface CheckOptions {
  /**
   * Where a parameter is in what the caller was sent: `spec.templateParameters.cpu_cores` in an
   * order, `cpu_cores` in the template API's bare map. Messages must point at what was sent.
   */
  readonly fieldOf: (name: string) => string;
  /**
   * The image for a VM whose parameters name none. Undefined: the Ansible role's default,
   * `quay.io/containerdisks/fedora:latest` (aap-parity). A caller gives a pinned one that the
   * operator configured (the webhook's OSAC_VM_DEFAULT_IMAGE_SOURCE).
   * @default DEFAULT_IMAGE_SOURCE
   */
  readonly imageSourceDefault?: string;
  /**
   * Warn when no image is given and the default floats. Off for orders (every order without an
   * image would warn on every render); on where one caller asks about one set of parameters.
   * @default false
   */
  readonly warnWhenDefaultImageFloats?: boolean;
}

export const FLOATING_IMAGE_WARNING =
  "has no tag or digest, or the tag 'latest': the image can change under the same name; pin a tag or digest for reproducible VMs";

/** True for the role's default, `quay.io/containerdisks/fedora:latest`. */
export function imageFloats(reference: string): boolean {
  const parsed = parseImageReference(reference);
  return parsed.ok && isFloatingImage(parsed.value);
}

export function floatingDefaultImageWarning(reference: string): string {
  const whose = reference === DEFAULT_IMAGE_SOURCE ? "the Ansible role's default" : "the default";
  return `not given: the VM gets ${whose} ${JSON.stringify(reference)}, which can change under the same name (no tag or digest, or the tag 'latest'); pin a tag or digest for reproducible VMs`;
}

export type Given = { -readonly [K in ParameterName]?: ParameterValues[K] };

/** The value to show beside an issue: the issue's own part when it has one, else the whole value. */
function shownValue(name: ParameterName, value: unknown, issue: z.core.$ZodIssue): string {
  if (name === "cloud_init_config") return redacted(value);
  const shown: unknown = issue.code === "custom" ? issue.params?.["shown"] : undefined;
  return typeof shown === "string" ? shown : showValue(value);
}

/** Checks one known parameter; on success its value lands in `given`, else its issues in `errors`. */
export function checkParameter(name: ParameterName, value: unknown, given: Given, errors: FieldError[], field: string): void {
  // The schemas differ in output type; indexing the record by a union name widens it, and the
  // output is stored under the same name it was parsed with, so the widening is sound.
  const schema: z.ZodType = PARAMETER_SCHEMAS[name];
  const result = schema.safeParse(value);
  if (result.success) {
    (given as Record<ParameterName, unknown>)[name] = result.data;
    return;
  }
  for (const issue of result.error.issues) {
    errors.push({ field, value: shownValue(name, value, issue), message: issue.message });
  }
}

function unknownParameter(templateId: string, name: string, value: unknown, fieldOf: (name: string) => string): FieldError {
  const shownName = showValue(name);
  return {
    field: fieldOf(shownName),
    // The value of a misspelt parameter may be cloud-init user data: never shown.
    value: redacted(value),
    message: `template parameter '${shownName}' doesn't exist, valid values for template '${templateId}' are ${quotedList(SORTED_PARAMETER_NAMES)}`,
  };
}

export function withDefaults(given: Given, imageSourceDefault: string = DEFAULT_IMAGE_SOURCE): VmParameters {
  const ssh = given.ssh_public_key;
  const hasKeys = ssh !== undefined && ssh.keys.length > 0;
  return {
    cpuCores: given.cpu_cores ?? DEFAULT_CPU_CORES,
    memory: given.memory ?? DEFAULT_MEMORY,
    diskSize: given.disk_size ?? DEFAULT_DISK_SIZE,
    imageSource: given.image_source?.reference ?? imageSourceDefault,
    cloudInitConfig: given.cloud_init_config ?? DEFAULT_CLOUD_INIT_CONFIG,
    ...(hasKeys ? { sshPublicKey: ssh.text } : {}),
    sshPublicKeys: hasKeys ? ssh.keys : [],
    exposedPorts: given.exposed_ports ?? DEFAULT_EXPOSED_PORTS,
    ...(given.storage_class === undefined ? {} : { storageClass: given.storage_class }),
  };
}

function imageWarnings(given: Given, options: CheckOptions): FieldWarning[] {
  const field = options.fieldOf("image_source");
  const image = given.image_source;
  if (image !== undefined) {
    return isFloatingImage(image) ? [{ field, value: image.reference, message: FLOATING_IMAGE_WARNING }] : [];
  }
  const fallback = options.imageSourceDefault ?? DEFAULT_IMAGE_SOURCE;
  return options.warnWhenDefaultImageFloats === true && imageFloats(fallback) ? [{ field, message: floatingDefaultImageWarning(fallback) }] : [];
}

/**
 * Checks the parameters of a known template, given as a decoded JSON object, and applies the
 * defaults. JSON null as a value means absent. Every problem is reported, sorted by parameter name
 * (unknown names among them) and, within one parameter, by entry.
 */
export function checkParameterMap(templateId: string, raw: Readonly<Record<string, unknown>>, options: CheckOptions): ParameterChecks {
  const errors: FieldError[] = [];
  const given: Given = {};
  for (const name of Object.keys(raw).sort()) {
    const value = raw[name];
    if (!isParameterName(name)) {
      errors.push(unknownParameter(templateId, name, value, options.fieldOf));
    } else if (value !== null) {
      checkParameter(name, value, given, errors, options.fieldOf(name));
    }
  }
  if (errors.length > 0) return { errors, warnings: [] };
  return { value: withDefaults(given, options.imageSourceDefault), errors, warnings: imageWarnings(given, options) };
}
