import { isCatalogOrder, type CatalogOrder } from "../domain/catalog-order/index.ts";
import { renderedObjectsOf } from "./catalog/renderable-order.ts";
import { loadOrders } from "./input/load-orders.ts";
import type { RenderOptions } from "./profile.ts";
import { planTree, unplannedFiles } from "./tree/plan.ts";
import { checkRemovals, DEFAULT_REMOVAL_POLICY, type RemovalPolicy, type RemovalVerdict } from "./tree/removal-guard.ts";
import { scanOwnedFiles } from "./tree/scan.ts";
import { syncTree, type SourceRenderer, type SyncProgress, type SyncReport } from "./tree/sync.ts";

export interface RenderTreeRequest {
  readonly inputs: readonly string[];
  readonly outDir: string;
  readonly check: boolean;
  readonly options: RenderOptions;
  /** How much the render may remove (default: DEFAULT_REMOVAL_POLICY). */
  readonly removalPolicy?: RemovalPolicy;
  readonly readStdin?: () => string;
  readonly onProgress?: ((progress: SyncProgress) => void) | undefined;
}

export interface RenderTreeResult {
  readonly orderCount: number;
  readonly errors: string[];
  readonly warnings: string[];
  /**
   * Present when the input was valid: the removal guard's verdict. When it refused, nothing was
   * written (nor, with check, compared) and there is no report.
   */
  readonly removals?: RemovalVerdict;
  /** Absent when there were errors or the guard refused: then nothing was written. */
  readonly report?: SyncReport;
}

/**
 * Reads and validates every order, then (only if all are valid and the removal guard allows what
 * would go) brings the output tree up to date. `check` predicts the same verdict and writes nothing.
 * Throws OutputNotWritableError, before writing anything, when the tree cannot be written.
 */
export async function renderTree(request: RenderTreeRequest): Promise<RenderTreeResult> {
  // Read the existing output on the thread pool while this thread parses and validates the input.
  const scan = scanOwnedFiles(request.outDir, { verifyBodies: request.check });
  scan.catch(() => {});
  const { orders, errors, warnings } = loadOrders(request.inputs, request.options, request.readStdin);
  if (errors.length > 0) return { orderCount: orders.length, errors, warnings };
  const plan = planTree(orders, request.options);
  const existing = await scan;
  const filesInTree = [...existing.files.keys()];
  const removedFiles = unplannedFiles(filesInTree, plan);
  const removals = checkRemovals(
    { filesInTree, plannedFiles: plan.map((file) => file.path), removedFiles },
    request.removalPolicy ?? DEFAULT_REMOVAL_POLICY,
  );
  if (!removals.allowed) return { orderCount: orders.length, errors, warnings, removals };
  const report = await syncTree(request.outDir, plan, existing, removedFiles, {
    check: request.check,
    loadRenderer: () => loadRenderer(request.options),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
  return { orderCount: orders.length, errors, warnings, removals, report };
}

async function loadRenderer(options: RenderTreeRequest["options"]): Promise<SourceRenderer> {
  const { renderOrder, renderTenantNamespace } = await import("./render-order.ts");
  const { sealing } = options;
  return (source, previousFile) => {
    if (source.kind === "namespace") return [renderTenantNamespace(source.namespace)];
    const order = source.order;
    const objects = isCatalogOrder(order) ? [...catalogObjects(order)] : renderOrder(order, options);
    return sealing ? sealing.sealObjects(objects, previousFile) : objects;
  };
}

/** A catalog order's objects, made when it was validated with this render's options (collect-orders.ts). */
function catalogObjects(order: CatalogOrder) {
  const objects = renderedObjectsOf(order);
  if (!objects) throw new Error(`catalog order ${order.namespace}/${order.name} reached the renderer without its instantiated objects`);
  return objects;
}
