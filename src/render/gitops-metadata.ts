import { Annotations, Labels, PRODUCT } from "../api/well-known.ts";
import type { Order } from "../domain/order.ts";
import type { Profile } from "./profile.ts";

/**
 * Argo CD sync waves. The DataVolume shares the VirtualMachine's wave: on a WaitForFirstConsumer
 * StorageClass the DataVolume is not bound until the VM consumes it, so an earlier wave would wait
 * for a health that never comes (argo-cd#12840).
 */
export const SyncWave = {
  namespace: "-1",
  secrets: "0",
  workload: "1",
} as const;

export const ARGO_SYNC_WAVE = "argocd.argoproj.io/sync-wave";
export const ARGO_SYNC_OPTIONS = "argocd.argoproj.io/sync-options";
export const CDI_DELETE_AFTER_COMPLETION = "cdi.kubevirt.io/storage.deleteAfterCompletion";
export const PART_OF = "osac";

export interface ChildMetadata {
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/**
 * Labels and annotations every child of an order carries in the given profile. `configVersion` is
 * the order's `desiredConfigVersion`, or for sealed output its keyed stand-in
 * (src/domain/keyed-config-version.ts).
 */
export function childMetadata(order: Order, profile: Profile, wave: string, configVersion: string = order.desiredConfigVersion): ChildMetadata {
  const orderLabel = { [Labels.order]: order.name };
  if (profile === "aap-parity") return { labels: orderLabel };
  return {
    labels: { ...orderLabel, [Labels.managedBy]: PRODUCT, [Labels.partOf]: PART_OF },
    annotations: { [Annotations.configVersion]: configVersion, [ARGO_SYNC_WAVE]: wave },
  };
}
