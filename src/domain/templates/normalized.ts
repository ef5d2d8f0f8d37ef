import { redacted } from "../field-error.ts";
import type { ParameterName, ParameterSpec } from "./catalog.ts";
import type { VmParameters } from "./vm-parameters.ts";

/** A parameter's effective value in the parameter's own JSON type. */
export type NormalizedValue = string | number;

/**
 * The effective parameters of a VM keyed by the parameters' own names, each in its canonical
 * form and the parameter's own type, so that sending them back as parameters means the same VM:
 * `cpu_cores` a number, `image_source` without `docker://`, `exposed_ports` as `22/tcp,80/tcp`,
 * `ssh_public_key` one key per line. A parameter with no value (no SSH key, no storage class:
 * the cluster's default) is absent. A parameter the template's specs mark secret is never given
 * back, whoever set it: its value is replaced by `redacted()`, the text every message uses.
 * Members come in the order of the specs.
 */
export function normalizedParameters(values: VmParameters, specs: readonly ParameterSpec[]): Readonly<Partial<Record<ParameterName, NormalizedValue>>> {
  const plain: Partial<Record<ParameterName, NormalizedValue>> = {
    cpu_cores: values.cpuCores,
    memory: values.memory,
    disk_size: values.diskSize,
    image_source: values.imageSource,
    cloud_init_config: values.cloudInitConfig,
    ...(values.sshPublicKeys.length > 0 ? { ssh_public_key: values.sshPublicKeys.join("\n") } : {}),
    exposed_ports: values.exposedPorts.map(({ port, protocol }) => `${port}/${protocol}`).join(","),
    ...(values.storageClass === undefined ? {} : { storage_class: values.storageClass }),
  };
  const normalized: Partial<Record<ParameterName, NormalizedValue>> = {};
  for (const spec of specs) {
    const value = plain[spec.name as ParameterName];
    if (value !== undefined) normalized[spec.name as ParameterName] = spec.secret ? redacted(value) : value;
  }
  return normalized;
}
