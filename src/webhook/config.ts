import { z } from "zod";
import { MANAGED_BY_VALUES } from "../api/well-known.ts";
import { DEFAULT_TEMPLATE_NAMESPACE } from "../domain/openshift-template/index.ts";
import { imageFloats, parseImageReference } from "../domain/templates/index.ts";
import { CATALOG_URN, defaultCatalogId } from "../ssvirt/catalog/index.ts";

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Everything the webhook process is configured with, parsed once at start-up from flags and the
 * environment. Nothing else reads process.env.
 */
export const WebhookConfigSchema = z
  .object({
    port: z.coerce.number().int().min(0, "must be 0 (any free port) to 65535").max(65535),
    bindAddress: z.string().min(1),
    tls: z.discriminatedUnion("mode", [
      z.object({ mode: z.literal("files"), certFile: z.string().min(1), keyFile: z.string().min(1) }),
      z.object({ mode: z.literal("dev") }),
    ]),
    kubeconfig: z.string().min(1).optional(),
    envStorageClass: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, "must be a DNS-1123 subdomain (a StorageClass name)")
      .max(253)
      .optional(),
    /**
     * OSAC_VM_DEFAULT_IMAGE_SOURCE: the image written into new orders that name none. Unset, they
     * keep the Ansible role's default (quay.io/containerdisks/fedora:latest, aap-parity). Must be
     * pinned (a tag other than `latest`, or a digest): its point is that new VMs do not float.
     */
    imageSourceDefault: z
      .string()
      .transform((text, ctx) => {
        const parsed = parseImageReference(text);
        if (!parsed.ok) {
          for (const problem of parsed.problems) ctx.addIssue({ code: "custom", message: problem.message });
          return z.NEVER;
        }
        if (imageFloats(parsed.value.reference)) {
          ctx.addIssue({ code: "custom", message: 'must be pinned: a tag other than \'latest\' or a digest, e.g. "quay.io/containerdisks/fedora:41"' });
          return z.NEVER;
        }
        return parsed.value.reference;
      })
      .optional(),
    managedByDefault: z.enum(MANAGED_BY_VALUES),
    /** `--templates`: catalog Templates from files instead of watching the cluster's (ADR 28). */
    templateFiles: z.array(z.string().min(1)).min(1).optional(),
    /** `--template-namespace` / OSAC_VM_TEMPLATE_NAMESPACE: where catalog Templates are (SSVirt's TEMPLATE_NAMESPACE). */
    templateNamespace: z.string().max(63).regex(DNS_1123_LABEL, "must be a namespace name (a DNS-1123 label)"),
    /** OSAC_VM_SSVIRT_CATALOG_ID: the SSVirt catalog URN of the CatalogItems; derived from the template namespace when unset. */
    ssvirtCatalogId: z.string().regex(CATALOG_URN, "must be an SSVirt catalog URN, urn:vcloud:catalog:<uuid> (lower-case)"),
    rollout: z
      .object({ mode: z.enum(["controller", "gitops"]), percent: z.number().int().min(0).max(100) })
      .optional(),
    /**
     * OSAC_VM_HUB_REGISTRY=on: new orders are placed on a registered Hub at admission
     * (docs/adr/0024-hub-registry-and-placement.md). off (default): single-cluster mode.
     */
    hubPlacement: z.enum(["on", "off"], { message: "must be on or off" }).transform((value) => value === "on"),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    maxBodyBytes: z.number().int().positive(),
    maxConversionBodyBytes: z.number().int().positive(),
    shutdownGraceMs: z.number().int().nonnegative(),
  })
  .strict();

export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;

/** AdmissionReviews: one object (etcd holds at most ~1.5 MiB) and its old version. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/**
 * ConversionReviews: kube-apiserver converts a whole LIST in one review, so the body grows with the
 * number of orders (~2.3 KB each, ~7.7 KB with cloud-init): 64 MiB is ~8,000 orders with cloud-init.
 */
export const MAX_CONVERSION_BODY_BYTES = 64 * 1024 * 1024;
export const DEFAULT_CERT_DIR = "/tmp/k8s-webhook-server/serving-certs";
/** In a pod the API server reaches the webhook through its Service: every interface. */
export const IN_CLUSTER_BIND_ADDRESS = "0.0.0.0";
/** --dev-tls is for a workstation: its throwaway CA is no reason to be reachable from the network. */
export const DEV_TLS_BIND_ADDRESS = "127.0.0.1";

export interface WebhookFlags {
  port?: string;
  "bind-address"?: string;
  "dev-tls"?: boolean;
  "tls-cert-file"?: string;
  "tls-key-file"?: string;
  kubeconfig?: string;
  "log-level"?: string;
  templates?: string[];
  "template-namespace"?: string;
}

/**
 * Builds the config from flags and environment. Environment:
 * CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS, OSAC_VM_DEFAULT_IMAGE_SOURCE, OSAC_VM_MANAGED_BY_DEFAULT (aap|controller|gitops),
 * OSAC_VM_MANAGED_BY_ROLLOUT (`<controller|gitops>:<percent>`), OSAC_VM_HUB_REGISTRY (on|off), OSAC_VM_TEMPLATE_NAMESPACE,
 * OSAC_VM_SSVIRT_CATALOG_ID, KUBECONFIG, LOG_LEVEL.
 */
export function parseWebhookConfig(flags: WebhookFlags, env: Readonly<Record<string, string | undefined>>) {
  const rollout = env.OSAC_VM_MANAGED_BY_ROLLOUT ? parseRollout(env.OSAC_VM_MANAGED_BY_ROLLOUT) : undefined;
  const templateNamespace = flags["template-namespace"] ?? env.OSAC_VM_TEMPLATE_NAMESPACE ?? DEFAULT_TEMPLATE_NAMESPACE;
  return WebhookConfigSchema.safeParse({
    port: flags.port ?? "8443",
    bindAddress: flags["bind-address"] ?? (flags["dev-tls"] ? DEV_TLS_BIND_ADDRESS : IN_CLUSTER_BIND_ADDRESS),
    tls: flags["dev-tls"]
      ? { mode: "dev" }
      : {
          mode: "files",
          certFile: flags["tls-cert-file"] ?? `${DEFAULT_CERT_DIR}/tls.crt`,
          keyFile: flags["tls-key-file"] ?? `${DEFAULT_CERT_DIR}/tls.key`,
        },
    ...(flags.kubeconfig ?? env.KUBECONFIG ? { kubeconfig: flags.kubeconfig ?? env.KUBECONFIG } : {}),
    ...(env.CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS ? { envStorageClass: env.CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS } : {}),
    ...(env.OSAC_VM_DEFAULT_IMAGE_SOURCE ? { imageSourceDefault: env.OSAC_VM_DEFAULT_IMAGE_SOURCE } : {}),
    managedByDefault: env.OSAC_VM_MANAGED_BY_DEFAULT ?? "aap",
    ...(rollout !== undefined ? { rollout } : {}),
    ...(flags.templates ? { templateFiles: flags.templates } : {}),
    templateNamespace,
    ssvirtCatalogId: env.OSAC_VM_SSVIRT_CATALOG_ID || defaultCatalogId(templateNamespace),
    hubPlacement: env.OSAC_VM_HUB_REGISTRY ?? "off",
    logLevel: flags["log-level"] ?? env.LOG_LEVEL ?? "info",
    maxBodyBytes: MAX_BODY_BYTES,
    maxConversionBodyBytes: MAX_CONVERSION_BODY_BYTES,
    shutdownGraceMs: 10_000,
  });
}

function parseRollout(text: string): unknown {
  const match = /^(\w+):(\d{1,3})$/.exec(text.trim());
  return match ? { mode: match[1], percent: Number(match[2]) } : text;
}

/** One line per problem: `<setting>: <message>`. */
export function describeConfigErrors(error: z.ZodError): string[] {
  const names: Record<string, string> = {
    port: "--port",
    envStorageClass: "CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS",
    imageSourceDefault: "OSAC_VM_DEFAULT_IMAGE_SOURCE",
    managedByDefault: "OSAC_VM_MANAGED_BY_DEFAULT",
    rollout: "OSAC_VM_MANAGED_BY_ROLLOUT (expected <controller|gitops>:<0-100>)",
    logLevel: "--log-level / LOG_LEVEL",
    templateNamespace: "--template-namespace / OSAC_VM_TEMPLATE_NAMESPACE",
    ssvirtCatalogId: "OSAC_VM_SSVIRT_CATALOG_ID",
    hubPlacement: "OSAC_VM_HUB_REGISTRY",
  };
  return error.issues.map((issue) => {
    const key = String(issue.path[0] ?? "");
    return `${names[key] ?? issue.path.join(".")}: ${issue.message}`;
  });
}
