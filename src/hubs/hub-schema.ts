import { z } from "zod";
import { HUB_API_VERSION, HUB_CAPABILITIES, HUB_KIND, HUB_TYPES, type Hub } from "../api/gitops/v1alpha1/hub.ts";
import { LABEL_KEY, LABEL_VALUE } from "../domain/placement/label-selector.ts";
import type { FieldError } from "../domain/field-error.ts";
import { showValue } from "../domain/field-error.ts";

/**
 * The rules of crds/gitops.cloudkit.openshift.io_hubs.yaml, for Hubs read offline (`render --hubs`,
 * `osac-vm hubs list --file`) and built by `osac-vm hubs add` before anything is sent.
 * test/unit/hubs/hub-schema.test.ts holds the two to the same enums, required fields and limits.
 */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** The CRD's pattern for `capacity.memory`. */
export const MEMORY_QUANTITY = /^([0-9]+(\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
export const MAX_HUB_LABELS = 32;
export const MAX_SEALING_CERTIFICATE_LENGTH = 16384;

const dnsLabel = (what: string) => z.string().max(63, `must be at most 63 characters (${what})`).regex(DNS_LABEL, `must be a DNS-1123 label: lower-case alphanumerics and '-' (${what})`);
const dnsSubdomain = (what: string) => z.string().max(253).regex(DNS_SUBDOMAIN, `must be a DNS-1123 subdomain (${what})`);

export const HubSpecSchema = z
  .object({
    capabilities: z.array(z.enum(HUB_CAPABILITIES)).max(8).refine((list) => new Set(list).size === list.length, "must not repeat a capability"),
    hubType: z.enum(HUB_TYPES).optional(),
    namespace: dnsLabel("a namespace").optional(),
    kubeconfigSecretRef: z
      .object({
        name: dnsSubdomain("a Secret name"),
        key: z.string().max(253).regex(SECRET_KEY, "must be a Secret data key: [-._a-zA-Z0-9]+").optional(),
      })
      .strict(),
    labels: z
      .record(z.string().regex(LABEL_KEY, "must be a label key, e.g. region or topology.kubernetes.io/zone"), z.string().max(63).regex(LABEL_VALUE, "must be a label value: at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends"))
      .refine((labels) => Object.keys(labels).length <= MAX_HUB_LABELS, `must have at most ${MAX_HUB_LABELS} labels`)
      .optional(),
    capacity: z
      .object({
        vms: z.number({ message: "must be a whole number ≥ 0" }).int("must be a whole number ≥ 0").min(0, "must be a whole number ≥ 0").optional(),
        vcpus: z.number({ message: "must be a whole number ≥ 0" }).int("must be a whole number ≥ 0").min(0, "must be a whole number ≥ 0").optional(),
        memory: z.string().regex(MEMORY_QUANTITY, 'must be a quantity such as "512Gi" or "4Ti"').optional(),
      })
      .strict()
      .optional(),
    cordoned: z.boolean().optional(),
    sealingCertificate: z
      .string()
      .max(MAX_SEALING_CERTIFICATE_LENGTH)
      .refine((text) => text.includes("-----BEGIN CERTIFICATE-----"), "must be a PEM certificate (-----BEGIN CERTIFICATE-----)")
      .optional(),
    defaultStorageClass: dnsSubdomain("a StorageClass name").optional(),
    argocdClusterName: z.string().min(1).max(253).optional(),
  })
  .strict();

export const HubSchema = z.object({
  apiVersion: z.literal(HUB_API_VERSION),
  kind: z.literal(HUB_KIND),
  metadata: z.looseObject({ name: dnsLabel("a Hub name") }),
  spec: HubSpecSchema,
  status: z.unknown().optional(),
});

/** Checks one decoded document as a Hub; every problem as a field error (`spec.capacity.vcpus: …`). */
export function checkHub(document: unknown): { readonly hub?: Hub; readonly errors: readonly FieldError[] } {
  const parsed = HubSchema.safeParse(document);
  if (parsed.success) return { hub: parsed.data as Hub, errors: [] };
  return {
    errors: parsed.error.issues.map((issue) => {
      // A record key's issue points at the key: the key is the value shown, its own issue the message.
      const keyIssue = issue.code === "invalid_key" ? issue.issues[0] : undefined;
      const value = keyIssue ? issue.path[issue.path.length - 1] : valueAt(document, issue.path);
      return {
        field: issue.path.length === 0 ? "(document)" : fieldPath(issue.path),
        ...(value === undefined || typeof value === "object" ? {} : { value: showValue(value) }),
        message: issue.code === "unrecognized_keys" ? `has unknown field(s) ${issue.keys.map((key) => `'${key}'`).join(", ")}` : (keyIssue?.message ?? issue.message),
      };
    }),
  };
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === "number" ? `${text}[${part}]` : typeof part === "string" && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(part) ? `${text}[${part}]` : `${text}${text ? "." : ""}${String(part)}`), "");
}

function valueAt(document: unknown, path: readonly PropertyKey[]): unknown {
  let current = document;
  for (const part of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}
