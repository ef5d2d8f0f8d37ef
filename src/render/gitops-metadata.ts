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
export const ARGO_COMPARE_OPTIONS = "argocd.argoproj.io/compare-options";

/**
 * Objects that hold data (the tenant Namespace, the root-disk DataVolume) outlive their file in
 * Git (docs/adr/0019-argocd-sync-health-deletion.md): Argo CD neither prunes them when the file
 * goes (`Prune=false`) nor deletes them with the Application (`Delete=false`), and once they are
 * no longer in Git they do not hold the Application OutOfSync (`IgnoreExtraneous`).
 */
export const KEEP_WHEN_REMOVED_FROM_GIT = {
  [ARGO_SYNC_OPTIONS]: "Prune=false,Delete=false",
  [ARGO_COMPARE_OPTIONS]: "IgnoreExtraneous",
} as const;
export const CDI_DELETE_AFTER_COMPLETION = "cdi.kubevirt.io/storage.deleteAfterCompletion";
export const PART_OF = "osac";

export interface ChildMetadata {
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** Labels and annotations every child of an order carries in the given profile. */
export function childMetadata(order: Order, profile: Profile, wave: string): ChildMetadata {
  const orderLabel = { [Labels.order]: order.name };
  if (profile === "aap-parity") return { labels: orderLabel };
  return {
    labels: { ...orderLabel, [Labels.managedBy]: PRODUCT, [Labels.partOf]: PART_OF },
    annotations: { [Annotations.configVersion]: order.desiredConfigVersion, [ARGO_SYNC_WAVE]: wave },
  };
}
