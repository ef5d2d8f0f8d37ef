import { parseCommandLine, UsageError } from "./arguments.ts";
import { ExitCode, type Terminal } from "./terminal.ts";
import { describeConfigErrors, parseWebhookConfig } from "../webhook/config.ts";
import { startWebhook } from "../webhook/server.ts";
import { createLogger } from "../platform/logger.ts";
import { disableAllocationSitePretenuring } from "../platform/gc-tuning.ts";
import { readTemplateFiles } from "../render/input/read-templates.ts";

const USAGE = `Usage: osac-vm webhook [--port 8443] [--dev-tls] [options]

Serves the admission (mutating, validating) and conversion webhooks, the template API, probes and
metrics over HTTPS.

Options:
  --port <n>                 HTTPS port (default 8443)
  --bind-address <ip>        Address to listen on (default 0.0.0.0, for the Service in a pod;
                             127.0.0.1 with --dev-tls)
  --tls-cert-file <path>     Serving certificate (default /tmp/k8s-webhook-server/serving-certs/tls.crt);
  --tls-key-file <path>      and key; both are reloaded when the files change
  --dev-tls                  Generate a throwaway CA and certificate and print the CA bundle
  --kubeconfig <path>        Cluster for the StorageClass watch (default: KUBECONFIG, in-cluster,
                             ~/.kube/config; none → standalone, storage class from
                             CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS only)
  --log-level <level>        fatal|error|warn|info|debug|trace|silent (default info)
  --templates <path>         Catalog templates from OpenShift Template files or directories (repeatable)
                             instead of watching the cluster's Templates
  --template-namespace <ns>  Namespace of catalog templates (default: OSAC_VM_TEMPLATE_NAMESPACE, else openshift)

Environment: CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS, OSAC_VM_MANAGED_BY_DEFAULT (aap|controller|gitops,
default aap), OSAC_VM_MANAGED_BY_ROLLOUT (<controller|gitops>:<percent>), OSAC_VM_DEFAULT_IMAGE_SOURCE
(a pinned image written into new orders that name none; unset: the Ansible role's default),
OSAC_VM_TEMPLATE_NAMESPACE, OSAC_VM_SSVIRT_CATALOG_ID (urn:vcloud:catalog:<uuid> of the CatalogItems;
default derived from the template namespace).
`;

const OPTIONS = {
  port: { type: "string" },
  "bind-address": { type: "string" },
  "tls-cert-file": { type: "string" },
  "tls-key-file": { type: "string" },
  "dev-tls": { type: "boolean" },
  kubeconfig: { type: "string" },
  "log-level": { type: "string" },
  templates: { type: "string", multiple: true },
  "template-namespace": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Runs until SIGTERM/SIGINT; resolves with the exit code. */
export async function runWebhook(args: string[], terminal: Terminal): Promise<number> {
  let values;
  try {
    values = parseCommandLine(args, OPTIONS, USAGE).values;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    terminal.stderr.write(`osac-vm webhook: ${error.message}\n`);
    return ExitCode.invalid;
  }
  if (values.help) {
    terminal.stdout.write(USAGE);
    return ExitCode.ok;
  }
  const parsed = parseWebhookConfig(values, terminal.env);
  if (!parsed.success) {
    for (const line of describeConfigErrors(parsed.error)) terminal.stderr.write(`osac-vm webhook: ${line}\n`);
    return ExitCode.invalid;
  }
  const loaded = parsed.data.templateFiles ? readTemplateFiles(parsed.data.templateFiles) : undefined;
  if (loaded && loaded.errors.length > 0) {
    for (const line of loaded.errors) terminal.stderr.write(`osac-vm webhook: --templates: ${line}\n`);
    return ExitCode.invalid;
  }
  const logger = createLogger({ name: "osac-vm-webhook", level: parsed.data.logLevel });
  disableAllocationSitePretenuring();
  let webhook;
  try {
    webhook = await startWebhook(parsed.data, terminal.env, logger, loaded ? { templates: loaded.templates.map((item) => item.template) } : {});
  } catch (error) {
    logger.fatal({ err: (error as Error).message }, "Failed to start the webhook server");
    terminal.stderr.write(`osac-vm webhook: ${(error as Error).message}\n`);
    logger.flush();
    return ExitCode.failure;
  }
  if (webhook.devCaPem) {
    terminal.stdout.write(`# --dev-tls CA bundle (caBundle = base64 of this PEM):\n${webhook.devCaPem}`);
    terminal.stdout.write(`# caBundle: ${Buffer.from(webhook.devCaPem).toString("base64")}\n`);
  }
  terminal.stdout.write(`osac-vm webhook: listening on port ${webhook.port}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  await webhook.close();
  logger.flush();
  // Everything is closed; a client library handle must not keep a stopped server alive.
  setTimeout(() => process.exit(ExitCode.ok), 200).unref();
  return ExitCode.ok;
}
