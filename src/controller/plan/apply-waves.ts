import { ARGO_SYNC_WAVE } from "../../render/gitops-metadata.ts";
import type { KubeObject } from "../../render/render-order.ts";

/**
 * Splits objects into waves that may be applied concurrently, in the renderer's order: the
 * gitops profile's Argo CD sync wave (tenant Namespace −1, Secrets 0, DataVolume, VirtualMachine
 * and Service 1), so direct apply keeps the order Argo CD would follow (a VM's Secrets exist
 * before the VM) with one round trip per wave instead of one per object. Consecutive objects with
 * the same wave share a group; an object without one is a group of its own. Pure.
 */
export function applyWaves(objects: readonly KubeObject[]): KubeObject[][] {
  const waves: KubeObject[][] = [];
  let current: string | undefined;
  for (const object of objects) {
    const wave = (object.metadata as { annotations?: Record<string, string> }).annotations?.[ARGO_SYNC_WAVE];
    const last = waves[waves.length - 1];
    if (last && wave !== undefined && wave === current) last.push(object);
    else waves.push([object]);
    current = wave;
  }
  return waves;
}
