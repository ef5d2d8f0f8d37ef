import { collectOrders } from "./input/collect-orders.ts";
import { readDocuments } from "./input/read-documents.ts";
import type { RenderOptions } from "./profile.ts";
import { planTree } from "./tree/plan.ts";
import { scanOwnedFiles, syncTree, type SourceRenderer, type SyncReport } from "./tree/sync.ts";

export interface RenderTreeRequest {
  readonly inputs: readonly string[];
  readonly outDir: string;
  readonly check: boolean;
  readonly options: RenderOptions;
  readonly readStdin?: () => string;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface RenderTreeResult {
  readonly orderCount: number;
  readonly errors: string[];
  readonly warnings: string[];
  /** Absent when there were errors: then nothing was written. */
  readonly report?: SyncReport;
}

/** Reads and validates every order, then (only if all are valid) brings the output tree up to date. */
export async function renderTree(request: RenderTreeRequest): Promise<RenderTreeResult> {
  // Read the existing output on the thread pool while this thread parses and validates the input.
  const scan = scanOwnedFiles(request.outDir);
  scan.catch(() => {});
  const { documents, problems } = readDocuments(request.inputs, request.readStdin);
  const { orders, errors, warnings } = collectOrders(documents, problems, request.options);
  if (errors.length > 0) return { orderCount: orders.length, errors, warnings };
  const plan = planTree(orders, request.options);
  const report = await syncTree(
    request.outDir,
    plan,
    {
      check: request.check,
      loadRenderer: () => loadRenderer(request.options),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    },
    scan,
  );
  return { orderCount: orders.length, errors, warnings, report };
}

async function loadRenderer(options: RenderTreeRequest["options"]): Promise<SourceRenderer> {
  const { renderOrder, renderTenantNamespace } = await import("./render-order.ts");
  const { sealing } = options;
  return (source, previousFile) => {
    if (source.kind === "namespace") return [renderTenantNamespace(source.namespace)];
    const objects = renderOrder(source.order, options);
    return sealing ? sealing.sealObjects(objects, previousFile) : objects;
  };
}
