import { instantiateForOrder, type InstantiatedTemplate } from "./instantiate.ts";
import { templateInstanceUid } from "./order-identity.ts";
import { EXPRESSION_GENERATOR, keyedGenerators, type Generators } from "./parameters.ts";
import { processTemplate } from "./process.ts";
import type { TemplateResult } from "./problems.ts";
import type { OpenShiftTemplate } from "./types.ts";

/**
 * The KubeVirt common templates' convention: `NAME` is the VM's name. It is generated there
 * (`<os>-[a-z0-9]{16}`); for an order it is the order's VM name unless the order gives one, so a
 * VM's name never depends on the parameter key (a new key would otherwise rename, that is
 * replace, every VM).
 */
export const VM_NAME_PARAMETER = "NAME";

/** One order, as the template renderer needs it. */
export interface TemplateOrder {
  /** `orderIdentity(order)`: what generated values and the instance uid are derived from. */
  readonly identity: string;
  /** The order's name (`cloudkit.openshift.io/virtualmachine`). */
  readonly orderName: string;
  /** Where the objects go: the order's tenant namespace, or the VDC's namespace. */
  readonly namespace: string;
  /** The VM's name, given to `NAME` when the Template declares it and the order does not set it. */
  readonly vmName: string;
  /** The vApp name for SSVirt's `vapp.ssvirt` label. @default the order's name */
  readonly instanceName?: string;
  /** The order's parameter values, by the Template's parameter names. */
  readonly values: Readonly<Record<string, string>>;
}

export interface TemplateRenderOptions {
  /**
   * The template parameter key (at least 32 random bytes, kept outside Git). Without it, a
   * Template that must generate a value is refused with a message naming the parameter.
   */
  readonly parameterKey?: Uint8Array;
}

/**
 * Processes a catalog Template for one order and instantiates it: the file- and cluster-free
 * entry the renderer, the controller and the webhook's dry run call. Pure and deterministic: the
 * same Template, order and key give the same objects, byte for byte, on every render.
 * Throws ParameterKeyError for a key shorter than 32 bytes (a configuration error).
 */
export function renderTemplateForOrder(
  template: OpenShiftTemplate,
  order: TemplateOrder,
  options: TemplateRenderOptions = {},
): TemplateResult<InstantiatedTemplate> {
  const declaresName = template.parameters.some((parameter) => parameter.name === VM_NAME_PARAMETER);
  const values = declaresName && !Object.hasOwn(order.values, VM_NAME_PARAMETER) ? { ...order.values, [VM_NAME_PARAMETER]: order.vmName } : order.values;
  const generators = options.parameterKey ? keyedGenerators(options.parameterKey, order.identity) : WITHOUT_KEY;
  const processed = processTemplate(template, { values, generators });
  if (!processed.value) return { errors: processed.errors };
  return instantiateForOrder(processed.value, {
    namespace: order.namespace,
    orderName: order.orderName,
    instanceUid: templateInstanceUid(order.identity),
    instanceName: order.instanceName ?? order.orderName,
  });
}

const WITHOUT_KEY: Generators = {
  [EXPRESSION_GENERATOR]: () => {
    throw new Error("the value must be generated, and no template parameter key is configured; configure the key, or give the parameter a value in the order");
  },
};
