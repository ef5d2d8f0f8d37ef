import { templateOrderOf, type CatalogOrder } from "../../domain/catalog-order/index.ts";
import type { FieldError } from "../../domain/field-error.ts";
import { renderTemplateForOrder, type TemplateProblem } from "../../domain/openshift-template/index.ts";
import type { RenderOptions } from "../profile.ts";
import type { KubeObject } from "../render-order.ts";
import { gitopsCatalogObjects } from "./gitops-objects.ts";

export interface InstantiatedOrder {
  /** Present only when `errors` is empty. Plain Secrets among them are sealed, or refused, by the caller's policy. */
  readonly objects?: readonly KubeObject[];
  readonly errors: readonly FieldError[];
}

/**
 * A catalog order's objects as the gitops profile writes them: the Template processed and
 * instantiated for the order (`renderTemplateForOrder`, with the template parameter key), plus the
 * gitops extras. Refused: the aap-parity profile (the Ansible role has no catalog templates), and,
 * in the gitops profile, plain Secrets (moved cloud-init user data holds the generated password)
 * unless they are sealed or `allowPlainSecrets` is set. Deterministic and pure.
 */
export function instantiateCatalogOrder(order: CatalogOrder, options: RenderOptions): InstantiatedOrder {
  if (options.profile !== "gitops") {
    return { errors: [{ field: "spec.templateID", value: order.templateId, message: `is a catalog template, which only the gitops profile renders (the '${options.profile}' profile reproduces the Ansible role, which has none)` }] };
  }
  const result = renderTemplateForOrder(order.catalog.template, templateOrderOf(order), options.templateParameterKey ? { parameterKey: options.templateParameterKey } : {});
  if (!result.value) return { errors: result.errors.map((problem) => orderError(problem, order, options)) };
  const objects = gitopsCatalogObjects(result.value, order);
  const secrets = objects.filter((object) => object.apiVersion === "v1" && object.kind === "Secret").map((object) => object.metadata.name);
  if (secrets.length > 0 && !options.sealing && !options.allowPlainSecrets) {
    return {
      errors: [
        {
          field: "spec.templateID",
          value: order.templateId,
          message:
            `the template writes the Secret(s) ${secrets.map((name) => `'${name}'`).join(", ")} (cloud-init user data moved out of the VM, which may hold a generated password); ` +
            "the gitops profile does not write them into Git as plain Secrets: seal them (--seal-with <cert.pem> --seal-key-file <file>), or pass --allow-plain-secrets",
        },
      ],
    };
  }
  return { objects, errors: [] };
}

function orderError(problem: TemplateProblem, order: CatalogOrder, options: RenderOptions): FieldError {
  const parameter = problem.parameter;
  if (problem.code === "GeneratorFailed" && !options.templateParameterKey && parameter !== undefined) {
    return {
      field: `spec.templateParameters.${parameter}`,
      message: `has no value, and the template generates one, which needs the template parameter key: pass --template-key-file <file> (at least 32 random bytes, kept out of Git), or give ${parameter} a value in the order`,
    };
  }
  if (parameter !== undefined && (problem.code === "UnknownParameter" || problem.code === "RequiredParameter" || problem.code === "InvalidValue")) {
    return { field: `spec.templateParameters.${parameter}`, ...(problem.value === undefined ? {} : { value: problem.value }), message: problem.message };
  }
  return { field: "spec.templateID", value: order.templateId, message: `the template cannot be instantiated for this order: ${problem.field}: ${problem.message}` };
}
