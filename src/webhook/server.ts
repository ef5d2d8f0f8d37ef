import { rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { Labels } from "../api/well-known.ts";
import type { OpenShiftTemplate } from "../domain/openshift-template/index.ts";
import { templateCatalog } from "../domain/templates/index.ts";
import { detectClusterAccess } from "../platform/kube/cluster-access.ts";
import { KubeRestClient } from "../platform/kube/rest-client.ts";
import type { Logger } from "../platform/logger.ts";
import { loadCertificate, watchCertificate, type CertificatePaths } from "../platform/tls/certificate-files.ts";
import { generateDevCertificate } from "../platform/tls/dev-tls.ts";
import { mutateDataVolume, mutateOrder, validateOrderAdmission, validateVirtualMachineQuota } from "./admission/index.ts";
import { fileCatalog, noCatalog, type CatalogSource } from "./catalog/catalog-source.ts";
import { watchedCatalog } from "./catalog/watched-catalog.ts";
import { watchedQuotas } from "./quota/watched-quotas.ts";
import type { AdmissionDeps } from "./admission/types.ts";
import type { WebhookConfig } from "./config.ts";
import { reviewConversion } from "./conversion/review.ts";
import { createOperationsApp } from "./http/operations-app.ts";
import { createReviewDispatcher } from "./http/review-endpoints.ts";
import { recordingPlacements, watchedHubRegistry } from "./hub-registry-source.ts";
import { WebhookMetrics } from "./metrics.ts";
import { standaloneStorageClasses, watchedStorageClasses, type StorageClassSource } from "./storage-class-source.ts";

export interface RunningWebhook {
  readonly port: number;
  readonly url: string;
  /** PEM of the CA that signed the serving certificate (with --dev-tls). */
  readonly devCaPem?: string;
  readonly standalone: boolean;
  /** Stops accepting, lets in-flight reviews finish (up to the grace period), stops watches. */
  close(): Promise<void>;
}

/** Longer than the 90 s an API server keeps an idle webhook connection. */
export const KEEP_ALIVE_TIMEOUT_MS = 120_000;

export const WEBHOOK_PATHS = {
  mutateOrders: "/mutate/virtualmachines",
  validateOrders: "/validate/virtualmachines",
  mutateDataVolumes: "/mutate/datavolumes",
  validateKubeVirtVirtualMachines: "/validate/kubevirt-virtualmachines",
  convert: "/convert",
} as const;

export interface WebhookInputs {
  /** The Templates of `--templates`, read and checked by the caller; absent: watch the cluster's. */
  readonly templates?: readonly OpenShiftTemplate[];
}

export async function startWebhook(config: WebhookConfig, env: Readonly<Record<string, string | undefined>>, logger: Logger, inputs: WebhookInputs = {}): Promise<RunningWebhook> {
  const metrics = new WebhookMetrics();
  const access = detectClusterAccess(env, config.kubeconfig);
  if (config.hubPlacement && access.mode === "standalone") {
    throw new Error(`OSAC_VM_HUB_REGISTRY=on needs the management cluster (it watches Hubs and orders): ${access.reason}`);
  }
  const dev = config.tls.mode === "dev" ? generateDevCertificate() : undefined;
  const certificatePaths: CertificatePaths = dev ?? (config.tls as CertificatePaths);
  const tlsOptions = loadCertificate(certificatePaths);

  const storageClasses: StorageClassSource =
    access.mode === "cluster" ? watchedStorageClasses(access.kubeConfig, logger, metrics) : standaloneStorageClasses();
  if (access.mode === "standalone") {
    logger.warn({ reason: access.reason, envStorageClass: config.envStorageClass ?? null }, "Started without cluster access; storage classes come only from CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS");
  }

  const rest = access.mode === "cluster" ? new KubeRestClient(access.kubeConfig) : undefined;
  const catalogSource: CatalogSource = inputs.templates
    ? fileCatalog(inputs.templates, config.templateNamespace)
    : access.mode === "cluster"
      ? watchedCatalog({ kubeConfig: access.kubeConfig, rest: rest!, templateNamespace: config.templateNamespace, logger, onRestart: () => metrics.watchRestarts.inc() })
      : noCatalog();
  const catalog = () => catalogSource.catalog();
  const quota =
    access.mode === "cluster" ? watchedQuotas({ kubeConfig: access.kubeConfig, rest: rest!, logger, catalog, onRestart: () => metrics.watchRestarts.inc() }) : undefined;
  const hubs = config.hubPlacement && access.mode === "cluster" ? watchedHubRegistry(access.kubeConfig, logger, metrics) : undefined;

  const deps: AdmissionDeps = {
    storageClasses,
    ...(hubs ? { hubs } : {}),
    managedBy: { defaultMode: config.managedByDefault, ...(config.rollout ? { rollout: config.rollout } : {}) },
    ...(config.envStorageClass ? { envStorageClass: config.envStorageClass } : {}),
    ...(config.imageSourceDefault ? { imageSourceDefault: config.imageSourceDefault } : {}),
    tenantNamespaceLabel: Labels.tenantNamespace,
    catalog,
    ...(quota ? { quota } : {}),
  };
  let shuttingDown = false;
  const dispatch = createReviewDispatcher(
    {
      admission: {
        [WEBHOOK_PATHS.mutateOrders]: { name: "mutate-virtualmachines", handle: recordingPlacements((request) => mutateOrder(request, deps), hubs) },
        [WEBHOOK_PATHS.validateOrders]: { name: "validate-virtualmachines", handle: (request) => validateOrderAdmission(request, deps) },
        [WEBHOOK_PATHS.mutateDataVolumes]: { name: "mutate-datavolumes", handle: (request) => mutateDataVolume(request, deps) },
        [WEBHOOK_PATHS.validateKubeVirtVirtualMachines]: { name: "validate-kubevirt-virtualmachines", handle: (request) => validateVirtualMachineQuota(request, deps) },
      },
      conversion: { path: WEBHOOK_PATHS.convert, handle: reviewConversion },
    },
    { logger, metrics, maxBodyBytes: config.maxBodyBytes, maxConversionBodyBytes: config.maxConversionBodyBytes },
  );
  const app = createOperationsApp({
    metrics,
    logger,
    catalog: templateCatalog(config.imageSourceDefault === undefined ? {} : { imageSourceDefault: config.imageSourceDefault }),
    ...(config.imageSourceDefault === undefined ? {} : { imageSourceDefault: config.imageSourceDefault }),
    openshift: { catalog, catalogId: config.ssvirtCatalogId },
    readiness: {
      // The catalog gates readiness (an order naming a catalog template would otherwise be refused
      // as unknown); the quota watches do not: before they sync, requests pass with a warning.
      notReadyReason: () =>
        shuttingDown
          ? "shutting down"
          : !storageClasses.synced
            ? "StorageClass watch has not synced yet"
            : hubs && !hubs.synced
              ? "hub registry watches (Hubs, orders) have not synced yet"
              : !catalogSource.synced
                ? "Template watch has not synced yet"
                : undefined,
      notes: () => [
        ...(access.mode === "standalone" ? [`standalone: no cluster access (${access.reason}); storage class only from CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS; quotas not checked`] : []),
        catalogSource.describe(),
        ...(quota && !quota.synced ? ["quota: watches not synced yet; orders and VMs pass unchecked with a warning"] : []),
      ],
    },
  });

  const server: Server = createServer({ ...tlsOptions, minVersion: "TLSv1.2" }, (request, response) => {
    if (!dispatch(request, response)) app(request, response);
  });
  // kube-apiserver's webhook client keeps idle connections for 90 s (Go's IdleConnTimeout). Closing
  // them sooner (Node's default is 5 s) races with a request the client sends on one: an EOF
  // error, and the API server applies the failure policy. So the server keeps them longer.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 5_000;
  server.on("clientError", (error, socket) => {
    logger.debug({ err: error.message }, "Dropped a malformed connection");
    socket.destroy();
  });
  const stopWatchingCertificate = dev
    ? () => {}
    : watchCertificate(
        certificatePaths,
        (options) => {
          server.setSecureContext({ ...options, minVersion: "TLSv1.2" });
          metrics.certificateReloads.inc({ result: "success" });
          logger.info({ certFile: certificatePaths.certFile }, "Reloaded the serving certificate");
        },
        (error) => {
          metrics.certificateReloads.inc({ result: "failure" });
          logger.warn({ err: error.message }, "Kept the previous serving certificate: the new files did not load");
        },
      );

  await storageClasses.start();
  await hubs?.start();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.bindAddress, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // After listening: listing orders may need this very webhook's conversion endpoint.
  await catalogSource.start();
  await quota?.start();
  logger.info({ port, standalone: access.mode === "standalone", tls: config.tls.mode, hubPlacement: config.hubPlacement, catalog: catalogSource.describe() }, "Started the webhook server");

  return {
    port,
    url: `https://127.0.0.1:${port}`,
    ...(dev ? { devCaPem: dev.caPem } : {}),
    standalone: access.mode === "standalone",
    close: async () => {
      shuttingDown = true;
      stopWatchingCertificate();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownGraceMs).unref());
      await Promise.race([closed, grace]);
      server.closeAllConnections();
      await storageClasses.stop();
      await catalogSource.stop();
      await quota?.stop();
      rest?.close();
      await hubs?.stop();
      if (dev) rmSync(dev.directory, { recursive: true, force: true });
      logger.info("Stopped the webhook server");
    },
  };
}
