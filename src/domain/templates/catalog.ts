import {
  DEFAULT_CLOUD_INIT_CONFIG,
  DEFAULT_CPU_CORES,
  DEFAULT_DISK_SIZE,
  DEFAULT_EXPOSED_PORTS_TEXT,
  DEFAULT_IMAGE_SOURCE,
  DEFAULT_MEMORY,
} from "./vm-parameters.ts";

/** The upstream template id, then the aliases seen upstream; all take the same parameters. */
export const KNOWN_TEMPLATE_IDS: readonly string[] = Object.freeze([
  "cloudkit.templates.ocp_virt_vm",
  "osac.templates.ocp_virt_vm",
  "osac.massopencloud.ocp_virt_vm",
]);

export interface ParameterSpec {
  name: string;
  type: "integer" | "string";
  description: string;
  default?: string | number;
  required: boolean;
  /** The value must never appear in messages, logs or events. */
  secret: boolean;
}

export interface TemplateDescription {
  readonly id: string;
  /** For an alias: the id of the template it stands for. */
  readonly aliasOf?: string;
  readonly title: string;
  readonly description: string;
  readonly parameters: readonly ParameterSpec[];
}

/** Parameter names in the published template's order; `storage_class` is this project's addition. */
export const PARAMETER_NAMES = [
  "cpu_cores",
  "memory",
  "disk_size",
  "image_source",
  "cloud_init_config",
  "ssh_public_key",
  "exposed_ports",
  "storage_class",
] as const;

export type ParameterName = (typeof PARAMETER_NAMES)[number];

const PARAMETER_NAME_SET: ReadonlySet<string> = new Set(PARAMETER_NAMES);

export function isParameterName(name: string): name is ParameterName {
  return PARAMETER_NAME_SET.has(name);
}

/** Sorted, the way messages list them (Go's json.Marshal sorts keys the same way). */
export const SORTED_PARAMETER_NAMES: readonly ParameterName[] = Object.freeze([...PARAMETER_NAMES].sort());

const PARAMETER_SPECS: ParameterSpec[] = [
    {
      name: "cpu_cores",
      type: "integer",
      description: "Number of CPU cores for the VM, from 1 to 128.",
      default: DEFAULT_CPU_CORES,
      required: false,
      secret: false,
    },
    {
      name: "memory",
      type: "string",
      description: "Amount of memory for the VM, as a Kubernetes quantity.",
      default: DEFAULT_MEMORY,
      required: false,
      secret: false,
    },
    {
      name: "disk_size",
      type: "string",
      description: "Size of the VM root disk, as a Kubernetes quantity.",
      default: DEFAULT_DISK_SIZE,
      required: false,
      secret: false,
    },
    {
      name: "image_source",
      type: "string",
      description: "Container disk image for the VM root disk, as a container image reference (optionally prefixed with docker://).",
      default: DEFAULT_IMAGE_SOURCE,
      required: false,
      secret: false,
    },
    {
      name: "cloud_init_config",
      type: "string",
      description: "Cloud-init configuration for VM initialization as a base64-encoded string, at most 1 MiB decoded.",
      default: DEFAULT_CLOUD_INIT_CONFIG,
      required: false,
      secret: true,
    },
    {
      name: "ssh_public_key",
      type: "string",
      description: "SSH public key to inject into the VM for remote access; several keys may be separated by commas or line breaks.",
      required: false,
      secret: false,
    },
    {
      name: "exposed_ports",
      type: "string",
      description:
        "Ports to expose on the VM for ingress traffic, a comma-separated list of `<port>/<protocol>` pairs where `<protocol>` is `tcp` or `udp`, e.g. `22/tcp,80/tcp`.",
      default: DEFAULT_EXPOSED_PORTS_TEXT,
      required: false,
      secret: false,
    },
    {
      name: "storage_class",
      type: "string",
      description:
        "StorageClass of the root disk; the cluster's default StorageClass when absent. Not a parameter of the Ansible role.",
      required: false,
      secret: false,
    },
];

const TEMPLATE_TITLE = "Simple VM Template";

/** How the catalog describes what this deployment does. */
export interface CatalogOptions {
  /**
   * A pinned image the operator configured for orders that name none (the webhook writes it into
   * new orders). Undefined: the Ansible role's default applies.
   */
  readonly imageSourceDefault?: string;
}

function imageSourceSpec(base: ParameterSpec, imageSourceDefault: string | undefined): ParameterSpec {
  if (imageSourceDefault === undefined) {
    return {
      ...base,
      description: `${base.description} Without it a VM gets the Ansible role's default, ${DEFAULT_IMAGE_SOURCE}, which can change under the same name ('latest'): pin a tag or digest for reproducible VMs.`,
    };
  }
  return {
    ...base,
    default: imageSourceDefault,
    description: `${base.description} Without it a new order gets ${imageSourceDefault}, the pinned default this deployment's operator set (OSAC_VM_DEFAULT_IMAGE_SOURCE); the Ansible role's own default is ${DEFAULT_IMAGE_SOURCE}.`,
  };
}

function buildCatalog(options: CatalogOptions): readonly TemplateDescription[] {
  const parameters: readonly ParameterSpec[] = Object.freeze(
    PARAMETER_SPECS.map((spec) => Object.freeze(spec.name === "image_source" ? imageSourceSpec(spec, options.imageSourceDefault) : { ...spec })),
  );
  return Object.freeze(
    KNOWN_TEMPLATE_IDS.map((id, index) =>
      Object.freeze({
        id,
        title: TEMPLATE_TITLE,
        description: index === 0 ? "Simple VM" : `Simple VM (alias of ${KNOWN_TEMPLATE_IDS[0]})`,
        ...(index === 0 ? {} : { aliasOf: KNOWN_TEMPLATE_IDS[0] as string }),
        parameters,
      }),
    ),
  );
}

const ROLE_CATALOG = buildCatalog({});

/** The templates this project renders, each with its parameters (the same frozen object on every call without options). */
export function templateCatalog(options: CatalogOptions = {}): readonly TemplateDescription[] {
  return options.imageSourceDefault === undefined ? ROLE_CATALOG : buildCatalog(options);
}

/** The parameter specs of the templates (all templates here share them), with the role's defaults. */
export function parameterSpecs(): readonly ParameterSpec[] {
  return ROLE_CATALOG[0]?.parameters ?? [];
}

export function isKnownTemplateId(id: string): boolean {
  return KNOWN_TEMPLATE_IDS.includes(id);
}
