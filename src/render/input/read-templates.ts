import { formatFieldError } from "../../domain/field-error.ts";
import { readTemplate } from "../../domain/openshift-template/read-template.ts";
import type { OpenShiftTemplate } from "../../domain/openshift-template/types.ts";
import { readDocuments } from "./read-documents.ts";

export interface LoadedTemplate {
  /** `file:document`, for messages. */
  readonly source: string;
  readonly template: OpenShiftTemplate;
}

export interface LoadedTemplates {
  readonly templates: LoadedTemplate[];
  /** One line each: `file:document: field: message`. */
  readonly errors: string[];
}

/**
 * The offline path of the template catalog: every OpenShift Template in the given YAML or JSON
 * files and directories (as `readDocuments` reads them: directories recursively, `-` for stdin,
 * `List` and `TemplateList` expanded). A document that is not a valid Template is an error, and
 * so is a second Template with the same namespace and name; nothing is half-loaded (callers use
 * `templates` only when `errors` is empty).
 */
export function readTemplateFiles(paths: readonly string[], readStdin?: () => string): LoadedTemplates {
  const { documents, problems } = readDocuments(paths, readStdin);
  const errors = problems.map((problem) => `${problem.file}${problem.document ? `:${problem.document}` : ""}: ${problem.message}`);
  const templates: LoadedTemplate[] = [];
  const seen = new Map<string, string>();
  for (const { file, document, value } of documents) {
    const source = `${file}:${document}`;
    const result = readTemplate(value);
    for (const error of result.errors) errors.push(`${source}: ${formatFieldError(error)}`);
    if (!result.value) continue;
    const key = `${result.value.metadata.namespace ?? ""}/${result.value.metadata.name}`;
    const first = seen.get(key);
    if (first) {
      errors.push(`${source}: metadata.name: Template ${key} is already defined at ${first}; each Template may appear once`);
      continue;
    }
    seen.set(key, source);
    templates.push({ source, template: result.value });
  }
  return { templates, errors };
}
