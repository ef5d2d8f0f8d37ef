import type { ParameterName } from "../../domain/templates/catalog.ts";
import type { VirtualMachineParameters } from "../v1beta1/types.ts";
import { isRecord } from "./json-value.ts";

/**
 * One v1alpha1 template parameter and its typed v1beta1 field. `decode` turns the JSON value of
 * the parameter into the typed value, or undefined when the value has no typed form (it is then
 * kept only in the annotation with the original string). `encode` turns a typed value into the
 * parameter's string, or undefined when the value is not of the field's type. Neither validates
 * more than the type: ranges and grammars are the admission webhook's (docs/adr/0005).
 */
export interface ParameterField {
  readonly parameter: ParameterName;
  readonly field: keyof VirtualMachineParameters;
  decode(value: unknown): unknown;
  encode(value: unknown): string | undefined;
}

const DIGITS = /^[0-9]+$/;
/** Keys are separated by commas and/or line breaks, as the v1alpha1 grammar reads them. */
const SSH_KEY_SEPARATORS = /[,\n]/;
/** Written one per line: the text reaches authorized_keys as it is. */
const SSH_KEY_JOINER = "\n";
const PORT_ENTRY = /^([0-9]+)\/(tcp|udp)$/;

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** A non-negative integer from a JSON number or a string of digits. */
function decodeCount(value: unknown): number | undefined {
  if (isCount(value)) return value;
  if (typeof value !== "string" || !DIGITS.test(value)) return undefined;
  const count = Number(value);
  return Number.isSafeInteger(count) ? count : undefined;
}

const text: Pick<ParameterField, "decode" | "encode"> = {
  decode: (value) => (typeof value === "string" ? value : undefined),
  encode: (value) => (typeof value === "string" ? value : undefined),
};

const cpuCores: Pick<ParameterField, "decode" | "encode"> = {
  decode: decodeCount,
  /** Integers are written as strings, as fulfillment-service writes them. */
  encode: (value) => (isCount(value) ? String(value) : undefined),
};

const sshPublicKeys: Pick<ParameterField, "decode" | "encode"> = {
  decode(value) {
    if (typeof value !== "string") return undefined;
    const keys: string[] = [];
    for (const part of value.split(SSH_KEY_SEPARATORS)) {
      const key = part.trim();
      if (key !== "") keys.push(key);
    }
    return keys;
  },
  encode(value) {
    if (!Array.isArray(value) || !value.every((key) => typeof key === "string")) return undefined;
    return value.join(SSH_KEY_JOINER);
  },
};

const exposedPorts: Pick<ParameterField, "decode" | "encode"> = {
  decode(value) {
    if (typeof value !== "string") return undefined;
    if (value === "") return [];
    const ports: { port: number; protocol: string }[] = [];
    for (const entry of value.split(",")) {
      const match = PORT_ENTRY.exec(entry.trim());
      const port = decodeCount(match?.[1]);
      if (match === null || port === undefined) return undefined;
      ports.push({ port, protocol: match[2] === "tcp" ? "TCP" : "UDP" });
    }
    return ports;
  },
  encode(value) {
    if (!Array.isArray(value)) return undefined;
    const entries: string[] = [];
    for (const item of value) {
      if (!isRecord(item) || !isCount(item.port) || (item.protocol !== "TCP" && item.protocol !== "UDP")) return undefined;
      entries.push(`${item.port}/${item.protocol === "TCP" ? "tcp" : "udp"}`);
    }
    return entries.join(",");
  },
};

/** In the order of the published template's parameters. */
export const PARAMETER_FIELDS: readonly ParameterField[] = Object.freeze([
  { parameter: "cpu_cores", field: "cpuCores", ...cpuCores },
  { parameter: "memory", field: "memory", ...text },
  { parameter: "disk_size", field: "diskSize", ...text },
  { parameter: "image_source", field: "image", ...text },
  { parameter: "cloud_init_config", field: "cloudInitUserData", ...text },
  { parameter: "ssh_public_key", field: "sshPublicKeys", ...sshPublicKeys },
  { parameter: "exposed_ports", field: "exposedPorts", ...exposedPorts },
  { parameter: "storage_class", field: "storageClass", ...text },
]);

export const FIELD_BY_PARAMETER: ReadonlyMap<string, ParameterField> = new Map(PARAMETER_FIELDS.map((field) => [field.parameter, field]));
