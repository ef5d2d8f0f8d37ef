import { Annotations, Labels } from "../../api/well-known.ts";
import { firmwareUuid } from "../../domain/firmware-uuid.ts";
import type { CatalogOrder } from "../../domain/catalog-order/index.ts";
import type { InstantiatedTemplate, JsonObject } from "../../domain/openshift-template/index.ts";
import { isJsonObject } from "../../domain/openshift-template/types.ts";
import { ARGO_SYNC_WAVE, CDI_DELETE_AFTER_COMPLETION, PART_OF, SyncWave } from "../gitops-metadata.ts";
import type { KubeObject } from "../render-order.ts";

/** The runStrategy every Git-managed VM of an order gets, as the built-in template's VM. */
export const GITOPS_RUN_STRATEGY = "Always";

/**
 * A catalog order's instantiated objects with what the gitops profile adds to the built-in
 * template's objects (ADR 3, ADR 28): the moved cloud-init Secrets first, then the Template's
 * objects in its order; on every object the order, ownership and part-of labels, the order's
 * config version and an Argo CD sync wave (Secrets and ConfigMaps 0, everything else 1, so a
 * DataVolume shares its VM's wave); on DataVolumes CDI's keep-after-completion; on KubeVirt VMs
 * a deterministic firmware UUID when the Template gives none, and `runStrategy: Always` where the
 * Template says `Halted` or uses the deprecated `running` (an order asks for a running VM; a
 * Template's other run strategies are kept). Pure: the input is not changed.
 */
export function gitopsCatalogObjects(instantiated: InstantiatedTemplate, order: CatalogOrder): KubeObject[] {
  let vmIndex = 0;
  const decorate = (object: JsonObject): KubeObject => {
    const wave = object.kind === "Secret" || object.kind === "ConfigMap" ? SyncWave.secrets : SyncWave.workload;
    let result = withMetadata(object, order, wave);
    if (isKind(object, "cdi.kubevirt.io", "DataVolume")) result = withAnnotation(result, CDI_DELETE_AFTER_COMPLETION, "false");
    if (isKind(object, "kubevirt.io", "VirtualMachine")) result = gitopsVirtualMachine(result, order, vmIndex++);
    return result as KubeObject;
  };
  return [...instantiated.secretsToSeal.map(decorate), ...instantiated.objects.map(decorate)];
}

function isKind(object: JsonObject, group: string, kind: string): boolean {
  return typeof object.apiVersion === "string" && object.apiVersion.startsWith(`${group}/`) && object.kind === kind;
}

function withMetadata(object: JsonObject, order: CatalogOrder, wave: string): JsonObject {
  const metadata = isJsonObject(object.metadata) ? object.metadata : {};
  const labels = isJsonObject(metadata.labels) ? metadata.labels : {};
  const annotations = isJsonObject(metadata.annotations) ? metadata.annotations : {};
  return {
    ...object,
    metadata: {
      ...metadata,
      labels: { ...labels, [Labels.partOf]: PART_OF },
      annotations: { ...annotations, [Annotations.configVersion]: order.desiredConfigVersion, [ARGO_SYNC_WAVE]: wave },
    },
  };
}

function withAnnotation(object: JsonObject, key: string, value: string): JsonObject {
  const metadata = object.metadata as JsonObject;
  return { ...object, metadata: { ...metadata, annotations: { ...(metadata.annotations as JsonObject), [key]: value } } };
}

function gitopsVirtualMachine(vm: JsonObject, order: CatalogOrder, index: number): JsonObject {
  if (!isJsonObject(vm.spec)) return vm;
  const { running, ...spec } = vm.spec;
  const runStrategy = spec.runStrategy === undefined || spec.runStrategy === "Halted" || running !== undefined ? GITOPS_RUN_STRATEGY : spec.runStrategy;
  const template = isJsonObject(spec.template) ? spec.template : undefined;
  const templateSpec = isJsonObject(template?.spec) ? template.spec : undefined;
  const domain = isJsonObject(templateSpec?.domain) ? templateSpec.domain : undefined;
  const firmware = isJsonObject(domain?.firmware) ? domain.firmware : {};
  const vmName = isJsonObject(vm.metadata) && typeof vm.metadata.name === "string" ? vm.metadata.name : "";
  const withFirmware =
    template && templateSpec && domain && firmware.uuid === undefined
      ? { ...template, spec: { ...templateSpec, domain: { ...domain, firmware: { ...firmware, uuid: vmFirmwareUuid(order, vmName, index) } } } }
      : template;
  return { ...vm, spec: { ...spec, runStrategy, ...(withFirmware ? { template: withFirmware } : {}) } };
}

/** The first VM gets the built-in template's seed (the order); further VMs of one Template their own. */
function vmFirmwareUuid(order: CatalogOrder, vmName: string, index: number): string {
  if (index === 0) return firmwareUuid(order);
  return firmwareUuid({ namespace: order.namespace, name: `${order.name}/${vmName}`, ...(order.orderUuid ? { orderUuid: `${order.orderUuid}/${vmName}` } : {}) });
}
