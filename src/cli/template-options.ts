import { catalogOfTemplates, type TemplateCatalog } from "../domain/catalog-order/index.ts";
import { DEFAULT_TEMPLATE_NAMESPACE } from "../domain/openshift-template/index.ts";
import { SealingSettingError } from "../gitops/sealing/index.ts";
import { loadTemplateKey } from "../gitops/template-key/load-template-key.ts";
import { readTemplateFiles } from "../render/input/read-templates.ts";
import { UsageError } from "./arguments.ts";

/** The catalog template options, shared by render and validate (docs/adr/0028-template-catalog-and-orders.md). */
export const TEMPLATE_OPTIONS = {
  templates: { type: "string", multiple: true },
  "template-namespace": { type: "string" },
  "template-key-file": { type: "string" },
} as const;

export const TEMPLATE_USAGE = `  --templates <path>        OpenShift Templates (files or directories, repeatable) that orders may name as
                            openshift.templates.<namespace>.<name> ('-' as '_'); only catalog templates count (label template.kubevirt.io/version,
                            annotation template.kubevirt.io/containerdisks, in --template-namespace)
  --template-namespace <ns> Namespace of catalog templates; Templates without one count as in it (default openshift)
  --template-key-file <file>
                            Key (at least 32 random bytes, kept out of Git) from which generated template
                            parameters (the common templates' cloud-user password) are derived per order
`;

export interface TemplateOptionValues {
  readonly templates?: string[] | undefined;
  readonly "template-namespace"?: string | undefined;
  readonly "template-key-file"?: string | undefined;
}

export interface TemplateChoice {
  readonly catalog?: TemplateCatalog;
  readonly templateParameterKey?: Uint8Array;
  readonly warnings: string[];
}

/**
 * The catalog and key the options ask for. Throws a UsageError (exit 2, nothing read from --in or
 * written) naming the option for an unreadable or invalid Template file or key file.
 */
export function templatesFromOptions(values: TemplateOptionValues, context: { readonly outDir?: string }): TemplateChoice {
  const warnings: string[] = [];
  const namespace = values["template-namespace"] ?? DEFAULT_TEMPLATE_NAMESPACE;
  if (values["template-namespace"] !== undefined && values.templates === undefined) throw new UsageError("--template-namespace needs --templates <path>");
  let catalog: TemplateCatalog | undefined;
  if (values.templates !== undefined) {
    const loaded = readTemplateFiles(values.templates);
    if (loaded.errors.length > 0) throw new UsageError(`--templates: ${loaded.errors.length} error(s):\n${loaded.errors.join("\n")}`);
    const built = catalogOfTemplates(
      loaded.templates.map((item) => item.template),
      namespace,
    );
    for (const skipped of built.skipped) warnings.push(`--templates: Template ${skipped.id} is not in the catalog: ${skipped.reason}`);
    catalog = built.catalog;
  }
  const keyFile = values["template-key-file"];
  if (keyFile === undefined) return { ...(catalog ? { catalog } : {}), warnings };
  try {
    const loaded = loadTemplateKey({ file: keyFile, setting: "--template-key-file", ...(context.outDir ? { outputDirectory: context.outDir } : {}) });
    return { ...(catalog ? { catalog } : {}), templateParameterKey: loaded.key, warnings: [...warnings, ...loaded.warnings] };
  } catch (error) {
    if (error instanceof SealingSettingError) throw new UsageError(error.message);
    throw error;
  }
}
