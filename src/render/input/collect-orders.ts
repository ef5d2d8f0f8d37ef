import { formatFieldError } from "../../domain/field-error.ts";
import { validateOrder, type Order } from "../../domain/order.ts";
import type { RenderOptions } from "../profile.ts";
import { checkPlainSecrets } from "../plain-secrets.ts";
import type { SourceDocument, SourceProblem } from "./read-documents.ts";

export interface CollectedOrders {
  readonly orders: Order[];
  /** One line each: `file:document: field: message`. */
  readonly errors: string[];
  readonly warnings: string[];
}

/**
 * Validates every document as an order and, when render options are given, against the render
 * policy; rejects two documents for the same namespace/name. Pure.
 */
export function collectOrders(
  documents: readonly SourceDocument[],
  problems: readonly SourceProblem[],
  renderOptions?: RenderOptions,
): CollectedOrders {
  const errors = problems.map((problem) => `${problem.file}${problem.document ? `:${problem.document}` : ""}: ${problem.message}`);
  const warnings: string[] = [];
  const orders: Order[] = [];
  const seen = new Map<string, string>();
  for (const { file, document, value } of documents) {
    const where = `${file}:${document}`;
    const result = validateOrder(value);
    const fieldErrors = [...result.errors];
    if (result.value && renderOptions) fieldErrors.push(...checkPlainSecrets(result.value, renderOptions));
    for (const error of fieldErrors) errors.push(`${where}: ${formatFieldError(error)}`);
    for (const warning of result.warnings) warnings.push(`${where}: ${warning}`);
    if (!result.value || fieldErrors.length > 0) continue;
    const key = `${result.value.namespace}/${result.value.name}`;
    const first = seen.get(key);
    if (first) {
      errors.push(`${where}: metadata.name: order ${key} is already defined at ${first}; each order may appear once`);
      continue;
    }
    seen.set(key, where);
    orders.push(result.value);
  }
  return { orders, errors, warnings };
}
