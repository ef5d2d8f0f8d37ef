import { isCatalogOrder, validateAnyOrder } from "../../domain/catalog-order/index.ts";
import { formatFieldError, type FieldError } from "../../domain/field-error.ts";
import { instantiateCatalogOrder } from "../catalog/instantiate-order.ts";
import type { RenderableOrder } from "../catalog/renderable-order.ts";
import type { RenderOptions } from "../profile.ts";
import { checkPlainSecrets } from "../plain-secrets.ts";
import type { SourceDocument, SourceProblem } from "./read-documents.ts";

export interface CollectedOrders {
  readonly orders: RenderableOrder[];
  /** One line each: `file:document: field: message`. */
  readonly errors: string[];
  readonly warnings: string[];
}

/**
 * Validates every document as an order (of the built-in template family, or of a catalog template
 * of `renderOptions.catalog`) and, when render options are given, against the render policy; a
 * catalog order is instantiated here already, so that every error is known before anything is
 * written. Rejects two documents for the same namespace/name. Pure.
 */
export function collectOrders(
  documents: readonly SourceDocument[],
  problems: readonly SourceProblem[],
  renderOptions?: RenderOptions,
): CollectedOrders {
  const errors = problems.map((problem) => `${problem.file}${problem.document ? `:${problem.document}` : ""}: ${problem.message}`);
  const warnings: string[] = [];
  const orders: RenderableOrder[] = [];
  const seen = new Map<string, string>();
  for (const { file, document, value } of documents) {
    const where = `${file}:${document}`;
    const result = validateAnyOrder(value, renderOptions?.catalog);
    const fieldErrors: FieldError[] = [...result.errors];
    let order: RenderableOrder | undefined = result.value;
    if (result.value && renderOptions) {
      if (isCatalogOrder(result.value)) {
        const instantiated = instantiateCatalogOrder(result.value, renderOptions);
        fieldErrors.push(...instantiated.errors);
        if (instantiated.objects) order = Object.assign(result.value, { objects: instantiated.objects });
      } else fieldErrors.push(...checkPlainSecrets(result.value, renderOptions));
    }
    for (const error of fieldErrors) errors.push(`${where}: ${formatFieldError(error)}`);
    for (const warning of result.warnings) warnings.push(`${where}: ${warning}`);
    if (!order || fieldErrors.length > 0) continue;
    const key = `${order.namespace}/${order.name}`;
    const first = seen.get(key);
    if (first) {
      errors.push(`${where}: metadata.name: order ${key} is already defined at ${first}; each order may appear once`);
      continue;
    }
    seen.set(key, where);
    orders.push(order);
  }
  return { orders, errors, warnings };
}
