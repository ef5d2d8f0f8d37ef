/**
 * The Kubernetes API server's own validation rules for the core objects the renderer writes
 * (Secret, Service, Namespace) and for object metadata: names, labels, annotations. Written from
 * k8s.io/apimachinery validation (IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName,
 * IsValidLabelValue, IsValidPortName) and the core/v1 validation of these kinds.
 */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const TOTAL_ANNOTATION_BYTES = 256 * 1024;

type Json = Record<string, any>;

export function coreErrors(object: Json): string[] {
  const errors: string[] = [];
  const { metadata } = object;
  const name: string = metadata?.name ?? "";
  const isNamespaced = object.kind !== "Namespace";
  if (object.kind === "Service" || object.kind === "Namespace") {
    if (!(DNS1035_LABEL.test(name) || (object.kind === "Namespace" && DNS1123_LABEL.test(name))) || name.length > 63) {
      errors.push(`metadata.name ${name}: not a valid ${object.kind} name`);
    }
  } else if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) errors.push(`metadata.name ${name}: not a DNS-1123 subdomain`);
  if (isNamespaced && (!DNS1123_LABEL.test(metadata?.namespace ?? "") || metadata.namespace.length > 63)) {
    errors.push(`metadata.namespace ${metadata?.namespace}: not a DNS-1123 label`);
  }
  for (const [key, value] of Object.entries<string>(metadata?.labels ?? {})) {
    errors.push(...qualifiedNameErrors(key, "label"));
    if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value)) errors.push(`label ${key}=${value}: invalid value`);
  }
  let annotationBytes = 0;
  for (const [key, value] of Object.entries<string>(metadata?.annotations ?? {})) {
    errors.push(...qualifiedNameErrors(key, "annotation"));
    if (typeof value !== "string") errors.push(`annotation ${key}: value must be a string`);
    annotationBytes += key.length + String(value).length;
  }
  if (annotationBytes > TOTAL_ANNOTATION_BYTES) errors.push("metadata.annotations: larger than 256 KiB");
  if (object.kind === "Secret") errors.push(...secretErrors(object));
  if (object.kind === "Service") errors.push(...serviceErrors(object));
  return errors;
}

function qualifiedNameErrors(key: string, what: string): string[] {
  const parts = key.split("/");
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  const errors: string[] = [];
  if (parts.length > 2 || !name || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) errors.push(`${what} key ${key}: invalid name part`);
  if (prefix !== undefined && (!DNS1123_SUBDOMAIN.test(prefix) || prefix.length > 253)) errors.push(`${what} key ${key}: invalid prefix`);
  return errors;
}

function secretErrors(secret: Json): string[] {
  const errors: string[] = [];
  let size = 0;
  for (const [key, value] of Object.entries<string>(secret.data ?? {})) {
    if (!CONFIG_MAP_KEY.test(key) || key.length > 253) errors.push(`Secret data key ${key}: invalid`);
    if (typeof value !== "string" || !BASE64.test(value)) errors.push(`Secret data ${key}: not standard base64`);
    size += Buffer.from(String(value), "base64").length;
  }
  if (size > 1024 * 1024) errors.push("Secret data: larger than 1 MiB");
  if (secret.type !== undefined && typeof secret.type !== "string") errors.push("Secret type: must be a string");
  return errors;
}

function serviceErrors(service: Json): string[] {
  const errors: string[] = [];
  const spec = service.spec ?? {};
  const ports: Json[] = spec.ports ?? [];
  if (!["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].includes(spec.type)) errors.push(`Service type ${spec.type}: invalid`);
  if (spec.type !== "ExternalName" && ports.length === 0) errors.push("Service spec.ports: at least one port is required");
  const names = new Set<string>();
  const keys = new Set<string>();
  for (const port of ports) {
    const name: string = port.name ?? "";
    if (ports.length > 1 && !name) errors.push("Service port name: required when there are several ports");
    if (name && (name.length > 15 || !IANA_SVC_NAME.test(name) || name.includes("--") || !/[a-z]/.test(name))) {
      errors.push(`Service port name ${name}: not an IANA service name`);
    }
    if (names.has(name)) errors.push(`Service port name ${name}: duplicate`);
    names.add(name);
    if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535) errors.push(`Service port ${port.port}: out of range`);
    if (!["TCP", "UDP", "SCTP"].includes(port.protocol)) errors.push(`Service port protocol ${port.protocol}: invalid`);
    const key = `${port.port}/${port.protocol}`;
    if (keys.has(key)) errors.push(`Service port ${key}: duplicate`);
    keys.add(key);
    const target = port.targetPort;
    if (typeof target === "number" ? target < 1 || target > 65535 : typeof target === "string" && !IANA_SVC_NAME.test(target)) {
      errors.push(`Service targetPort ${target}: invalid`);
    }
  }
  for (const [key, value] of Object.entries<string>(spec.selector ?? {})) {
    errors.push(...qualifiedNameErrors(key, "selector"));
    if (!LABEL_VALUE.test(value) || value.length > 63) errors.push(`selector ${key}=${value}: invalid value`);
  }
  return errors;
}
