import type { Order } from "../../domain/order.ts";
import type { PlannedFile } from "../../render/tree/plan.ts";
import type { CommitterSource, FileRenderer } from "./file-renderer.ts";
import type { OrderIntent } from "./order-intent.ts";
import { directoryOf, namespaceFileIn, type OwnedFiles } from "./owned-files.ts";

/** A file to render and, when its bytes differ from the tree's, write. */
export interface PlannedWrite {
  /** Path in the repository. */
  readonly path: string;
  readonly file: PlannedFile<CommitterSource>;
  /** The renderer of the order's hub (per-hub output); absent: the committer's own. */
  readonly renderer?: FileRenderer;
  /** The order it belongs to; absent for a tenant's `_namespace.yaml` and the Argo CD objects. */
  readonly orderKey?: string;
  /** Whether the tree holds the path now (changed) or not (created). */
  readonly exists: boolean;
}

export interface PlannedRemoval {
  readonly path: string;
  readonly orderKey?: string;
}

export interface BatchPlan {
  readonly writes: PlannedWrite[];
  readonly removals: PlannedRemoval[];
  /** Orders whose file is current (its input digest matches and its body is intact). */
  readonly current: string[];
  /** Orders that cannot be rendered now (their files stay). */
  readonly kept: string[];
  /** Orders whose path holds a file the committer did not write (never overwritten). */
  readonly occupied: { readonly orderKey: string; readonly path: string }[];
}

export interface BatchInput {
  readonly intents: ReadonlyMap<string, OrderIntent>;
  readonly owned: OwnedFiles;
  /** Repository path of the rendered tree ("" for the repository's root). */
  readonly prefix: string;
  /** The renderer's plan for one order: its file and its tenant's `_namespace.yaml` (render/tree/plan.ts), by its hub's renderer when it has one. */
  readonly planOrder: (order: Order, renderer?: FileRenderer) => readonly PlannedFile[];
  /** Paths another commit changed: rendered again even when their recorded digest matches. */
  readonly suspect: ReadonlySet<string>;
}

/**
 * Which files a batch of changed orders needs written or removed, compared with the committer's
 * files in the base commit. Pure. An order file is written when the tree lacks it, when its
 * recorded input digest differs, when its body is not intact, or when another commit touched it;
 * removed when its order is gone, being deleted, or no longer gitops. A tenant's `_namespace.yaml`
 * is written with its first order file and removed with its last one (it only records the
 * Namespace: Argo CD never prunes the Namespace itself).
 */
export function planBatch(input: BatchInput): BatchPlan {
  const { owned, suspect } = input;
  const writes: PlannedWrite[] = [];
  const removals: PlannedRemoval[] = [];
  const current: string[] = [];
  const kept: string[] = [];
  const occupied: { orderKey: string; path: string }[] = [];
  /** Order files added (+1) and removed (−1) per tenant directory. */
  const delta = new Map<string, number>();
  /** A planned `_namespace.yaml` per tenant directory that a written or current order lives in. */
  const namespaceFiles = new Map<string, PlannedFile>();
  const bump = (directory: string, by: number) => delta.set(directory, (delta.get(directory) ?? 0) + by);
  const repositoryPath = (layoutPath: string) => (input.prefix ? `${input.prefix}/${layoutPath}` : layoutPath);

  for (const [key, intent] of input.intents) {
    const existing = owned.orderFile(key);
    if (intent.kind === "keep") {
      kept.push(key);
      continue;
    }
    if (intent.kind === "remove") {
      if (existing) {
        removals.push({ path: existing.path, orderKey: key });
        bump(directoryOf(existing.path), -1);
      }
      continue;
    }
    const planned = input.planOrder(intent.order, intent.renderer);
    const orderFile = planned.find((file) => file.source.kind === "order")!;
    const path = repositoryPath(orderFile.path);
    for (const file of planned) if (file.source.kind === "namespace") namespaceFiles.set(directoryOf(repositoryPath(file.path)), file);
    if (existing && existing.path !== path) {
      // The order's file moved (its tenant changed): the old one goes.
      removals.push({ path: existing.path, orderKey: key });
      bump(directoryOf(existing.path), -1);
    }
    if (owned.isForeign(path)) {
      occupied.push({ orderKey: key, path });
      continue;
    }
    const inTree = owned.get(path);
    if (inTree && inTree.orderKey === key && inTree.inputDigest === orderFile.inputDigest && inTree.intact && !suspect.has(path)) {
      current.push(key);
      continue;
    }
    writes.push({ path, file: orderFile, orderKey: key, exists: Boolean(inTree), ...(intent.renderer ? { renderer: intent.renderer } : {}) });
    if (!inTree || inTree.orderKey !== key) bump(directoryOf(path), +1);
  }

  const directories = new Set([...delta.keys(), ...namespaceFiles.keys()]);
  for (const directory of directories) {
    const remaining = owned.orderCountIn(directory) + (delta.get(directory) ?? 0);
    const path = namespaceFileIn(directory);
    const inTree = owned.get(path);
    if (remaining <= 0) {
      if (inTree) removals.push({ path });
      continue;
    }
    const file = namespaceFiles.get(directory);
    if (!file) continue; // only removals here, and the directory keeps orders: its file stays as it is
    if (owned.isForeign(path) || (inTree && inTree.inputDigest === file.inputDigest && inTree.intact && !suspect.has(path))) continue;
    writes.push({ path, file, exists: Boolean(inTree) });
  }
  return { writes, removals, current, kept, occupied };
}
