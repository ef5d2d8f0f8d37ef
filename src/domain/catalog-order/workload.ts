import { processTemplate } from "../openshift-template/process.ts";
import { sharedSourceGenerators } from "../openshift-template/parameters.ts";
import { VM_NAME_PARAMETER } from "../openshift-template/render-for-order.ts";
import { builtinOrderWorkload, EMPTY_WORKLOAD, workloadOfObjects, type Workload } from "../quota/workload.ts";
import { isCatalogOrder, templateOrderOf, type AnyOrder, type CatalogOrder } from "./catalog-order.ts";

/** Draws index 0 every time: generated values name things (a VM, a password), they do not size them. */
const FIRST_INDEX = { nextIndex: () => 0 };

/**
 * What a catalog order's objects take from its namespace's quotas: the Template processed with the
 * order's values, generated values drawn without the key (they never size a VM), and the moved
 * cloud-init Secrets counted. An order whose Template cannot be processed takes nothing: it is
 * refused elsewhere. Pure.
 */
export function catalogOrderWorkload(order: CatalogOrder): Workload {
  const target = templateOrderOf(order);
  const declaresName = order.catalog.template.parameters.some((parameter) => parameter.name === VM_NAME_PARAMETER);
  const values = declaresName && !Object.hasOwn(target.values, VM_NAME_PARAMETER) ? { ...target.values, [VM_NAME_PARAMETER]: target.vmName } : target.values;
  const processed = processTemplate(order.catalog.template, { values, generators: sharedSourceGenerators(FIRST_INDEX) });
  if (!processed.value) return EMPTY_WORKLOAD;
  const workload = workloadOfObjects(processed.value.objects);
  return { ...workload, secrets: workload.secrets + movedUserDataCount(processed.value.objects) };
}

/** Inline cloud-init user data becomes one Secret per volume when instantiated (cloud-init-secret.ts). */
function movedUserDataCount(objects: readonly unknown[]): number {
  let count = 0;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === "object" && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if ((key === "cloudInitNoCloud" || key === "cloudInitConfigDrive") && typeof child === "object" && child !== null) {
          const source = child as { userData?: unknown; userDataBase64?: unknown };
          if ((source.userData ?? null) !== null || (source.userDataBase64 ?? null) !== null) count++;
        } else visit(child);
      }
    }
  };
  visit(objects);
  return count;
}

/** What any order's objects take from its tenant namespace's quotas. */
export function orderWorkload(order: AnyOrder): Workload {
  return isCatalogOrder(order) ? catalogOrderWorkload(order) : builtinOrderWorkload(order.name, order.parameters);
}
