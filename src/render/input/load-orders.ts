import type { RenderOptions } from "../profile.ts";
import { collectOrders, type CollectedOrders } from "./collect-orders.ts";
import { readDocuments } from "./read-documents.ts";

/**
 * Reads and checks orders exactly as `render` does: `validate` calls this too, so the two can
 * never disagree on an input (same reading, same order rules, same render policy).
 */
export function loadOrders(inputs: readonly string[], options: RenderOptions, readStdin?: () => string): CollectedOrders {
  const { documents, problems, warnings } = readDocuments(inputs, readStdin);
  const collected = collectOrders(documents, problems, options);
  return { ...collected, warnings: [...warnings, ...collected.warnings] };
}
