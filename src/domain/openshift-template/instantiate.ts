import { Labels, PRODUCT } from "../../api/well-known.ts";
import { moveCloudInitUserData } from "./cloud-init-secret.ts";
import { failed, succeeded, type TemplateProblem, type TemplateResult } from "./problems.ts";
import { isJsonObject, type JsonObject } from "./types.ts";
import type { ProcessedTemplate } from "./types.ts";

/** Set by OpenShift's TemplateInstance controller on every object it creates: the instance's uid. */
export const TEMPLATE_INSTANCE_OWNER_LABEL = "template.openshift.io/template-instance-owner";
/**
 * SSVirt's vApp label (`pkg/controllers/vmstatus_controller.go`): the vApp (TemplateInstance)
 * name. SSVirt's `ensureVAppLabel` copies it from the TemplateInstance that the owner label points
 * to; there is no TemplateInstance object here, so it is set directly, and `findOrCreateVMRecord`
 * finds the row by (namespace, vm_name), else creates it in the vApp of that name.
 *
 * SSVirt's other vApp label, `vapp.ssvirt.io/vapp-id`, is compared with `vms.vapp_id`, which is a
 * URN (`urn:vcloud:vapp:<uuid>`); ':' is not allowed in a label value, so no label can ever
 * match it, and it is not set.
 */
export const SSVIRT_VAPP_NAME_LABEL = "vapp.ssvirt";

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const MAX_LABEL_VALUE_LENGTH = 63;

/** Where and for whom a processed Template is instantiated. */
export interface InstanceTarget {
  /** The namespace every object goes to (the order's tenant namespace, or the VDC's namespace). */
  readonly namespace: string;
  /** The order's name: `cloudkit.openshift.io/virtualmachine`, which the controller selects children by. */
  readonly orderName: string;
  /** `template.openshift.io/template-instance-owner` (see `templateInstanceUid`). */
  readonly instanceUid: string;
  /** The vApp (TemplateInstance) name, for `vapp.ssvirt`: the order's name for a cloudkit order. */
  readonly instanceName: string;
}

export interface InstantiatedTemplate {
  /** Everything but the Secrets below, in the Template's order, namespaced and labelled. */
  readonly objects: readonly JsonObject[];
  /**
   * Plain Secrets holding moved cloud-init user data, labelled like the objects. They hold
   * credentials: seal them before they reach Git, or refuse to write them (as the gitops profile
   * refuses a plain cloud-init Secret).
   */
  readonly secretsToSeal: readonly JsonObject[];
}

/**
 * Turns a processed Template into one order's objects: every object gets the target namespace
 * (one that names another namespace is refused: an order's objects stay in its tenant's
 * namespace), the order, ownership, TemplateInstance-owner and vApp labels, and inline cloud-init
 * user data moves into Secrets. A VM's pod template also gets the order label, as the built-in
 * template's VM does, so its VMI carries it. Pure: the processed Template is not changed.
 */
export function instantiateForOrder(processed: ProcessedTemplate, target: InstanceTarget): TemplateResult<InstantiatedTemplate> {
  const errors: TemplateProblem[] = checkTarget(target);
  if (errors.length > 0) return failed(errors);
  const labels = instanceLabels(target);
  const objects: JsonObject[] = [];
  const secretsToSeal: JsonObject[] = [];
  processed.objects.forEach((object, index) => {
    const field = `objects[${index}]`;
    const namespaced = inNamespace(object, field, target.namespace, errors);
    if (!namespaced) return;
    const moved = moveCloudInitUserData(namespaced, field, target.namespace);
    errors.push(...moved.errors);
    objects.push(withLabels(moved.object, labels, true));
    for (const secret of moved.secrets) secretsToSeal.push(withLabels(secret, labels, false));
  });
  return errors.length > 0 ? failed(errors) : succeeded({ objects, secretsToSeal });
}

export function instanceLabels(target: InstanceTarget): Readonly<Record<string, string>> {
  return {
    [Labels.order]: target.orderName,
    [Labels.managedBy]: PRODUCT,
    [TEMPLATE_INSTANCE_OWNER_LABEL]: target.instanceUid,
    [SSVIRT_VAPP_NAME_LABEL]: target.instanceName,
  };
}

function checkTarget(target: InstanceTarget): TemplateProblem[] {
  const errors: TemplateProblem[] = [];
  const values: [string, string][] = [
    ["orderName", target.orderName],
    ["instanceUid", target.instanceUid],
    ["instanceName", target.instanceName],
  ];
  for (const [field, value] of values) {
    if (value.length === 0 || value.length > MAX_LABEL_VALUE_LENGTH || !LABEL_VALUE.test(value)) {
      errors.push({
        code: "InvalidInstance",
        field,
        value,
        message: `must be a Kubernetes label value (1 to ${MAX_LABEL_VALUE_LENGTH} letters, digits, '-', '_' or '.', starting and ending with a letter or digit)`,
      });
    }
  }
  if (target.namespace.length === 0) errors.push({ code: "InvalidInstance", field: "namespace", message: "is required" });
  return errors;
}

/** The object with `metadata.namespace` set to the target; undefined (and an error) when it names another. */
function inNamespace(object: JsonObject, field: string, namespace: string, errors: TemplateProblem[]): JsonObject | undefined {
  const metadata = isJsonObject(object.metadata) ? object.metadata : {};
  const current = metadata.namespace;
  if (typeof current === "string" && current !== "" && current !== namespace) {
    errors.push({
      code: "ForeignNamespace",
      field: `${field}.metadata.namespace`,
      value: current,
      message: `names another namespace; an order's objects are created in its own namespace '${namespace}' (remove the namespace or make it that one)`,
    });
    return undefined;
  }
  return { ...object, metadata: { ...metadata, namespace } };
}

function withLabels(object: JsonObject, labels: Readonly<Record<string, string>>, podTemplate: boolean): JsonObject {
  const metadata = object.metadata as JsonObject;
  const existing = isJsonObject(metadata.labels) ? metadata.labels : {};
  const labelled: JsonObject = { ...object, metadata: { ...metadata, labels: { ...existing, ...labels } } };
  return podTemplate && object.kind === "VirtualMachine" ? withPodTemplateOrderLabel(labelled, labels[Labels.order]!) : labelled;
}

function withPodTemplateOrderLabel(vm: JsonObject, orderName: string): JsonObject {
  const spec = vm.spec;
  if (!isJsonObject(spec) || !isJsonObject(spec.template)) return vm;
  const template = spec.template;
  const metadata = isJsonObject(template.metadata) ? template.metadata : {};
  const labels = isJsonObject(metadata.labels) ? metadata.labels : {};
  return {
    ...vm,
    spec: { ...spec, template: { ...template, metadata: { ...metadata, labels: { ...labels, [Labels.order]: orderName } } } },
  };
}
