import { parseSealingCertificate, SealingSettingError, SecretSealer, type ValueKey } from "../../gitops/sealing/index.ts";
import type { HubModel } from "../../hubs/hub-model.ts";
import { checkPlainSecrets } from "../plain-secrets.ts";
import type { RenderOptions } from "../profile.ts";
import type { HubRoute } from "./hub-routing.ts";

/**
 * Each hub's render options (docs/adr/0030-per-hub-output.md): the hub's own `defaultStorageClass`
 * before the command line's, and its Secrets sealed with the hub's own `sealingCertificate` (the
 * hub's sealed-secrets controller is the only one that can decrypt them), with the one value key.
 */
export interface HubSealingSettings {
  /** `--seal-key-file`'s key; needed as soon as one hub has a certificate. */
  readonly valueKey?: ValueKey;
  readonly reseal: boolean;
  readonly now: Date;
}

export interface HubRenderOptions {
  readonly byHub: ReadonlyMap<string, RenderOptions>;
  /** The sealers, for the closing tally. */
  readonly sealers: ReadonlyMap<string, SecretSealer>;
  readonly errors: readonly string[];
}

export const CERTIFICATE_FIELD = "spec.sealingCertificate";

export function hubRenderOptions(hubs: readonly HubModel[], base: RenderOptions, sealing: HubSealingSettings): HubRenderOptions {
  const byHub = new Map<string, RenderOptions>();
  const sealers = new Map<string, SecretSealer>();
  const errors: string[] = [];
  for (const hub of hubs) {
    const storageClass = hub.defaultStorageClass ?? base.defaultStorageClass;
    const { sealing: _global, defaultStorageClass: _class, ...rest } = base;
    let options: RenderOptions = { ...rest, ...(storageClass ? { defaultStorageClass: storageClass } : {}) };
    if (hub.sealingCertificate !== undefined && base.profile === "gitops") {
      const sealer = hubSealer(hub, hub.sealingCertificate, sealing, errors);
      if (sealer) {
        sealers.set(hub.name, sealer);
        options = { ...options, sealing: sealer };
      }
    }
    byHub.set(hub.name, options);
  }
  return { byHub, sealers, errors };
}

function hubSealer(hub: HubModel, pem: string, sealing: HubSealingSettings, errors: string[]): SecretSealer | undefined {
  const setting = `hub '${hub.name}' ${CERTIFICATE_FIELD}`;
  if (sealing.valueKey === undefined) {
    errors.push(`${setting}: the hub has a sealing certificate, so --seal-key-file <file> is needed (the key of the hashes that keep unchanged values' ciphertext)`);
    return undefined;
  }
  try {
    const certificate = parseSealingCertificate(pem, setting, sealing.now);
    return new SecretSealer({ certificate, valueKey: sealing.valueKey, reseal: sealing.reseal });
  } catch (error) {
    if (!(error instanceof SealingSettingError)) throw error;
    errors.push(error.message);
    return undefined;
  }
}

/**
 * The gitops profile's plain-Secret rule, per hub: an order with its own cloud-init user data may
 * go only to a hub whose Secrets are sealed (or with --allow-plain-secrets).
 */
export function checkRoutedPlainSecrets(routes: readonly HubRoute[], byHub: ReadonlyMap<string, RenderOptions>): string[] {
  const errors: string[] = [];
  for (const route of routes) {
    const options = byHub.get(route.hub)!;
    for (const error of checkPlainSecrets(route.order, options)) {
      errors.push(
        `VirtualMachine ${route.order.namespace}/${route.order.name}: ${error.field}: it goes to hub '${route.hub}', which has no ${CERTIFICATE_FIELD}, ` +
          `and the gitops profile does not write cloud-init user data into Git as a plain Secret; give the hub its sealed-secrets ` +
          `certificate (kubeseal --fetch-cert), pass --allow-plain-secrets, or remove cloud_init_config from the order`,
      );
    }
  }
  return errors;
}
