import yaml from "js-yaml";
import { HUB_API_VERSION, HUB_LIST_KIND, type Hub } from "../api/gitops/v1alpha1/hub.ts";
import { formatFieldError } from "../domain/field-error.ts";
import { checkHub } from "./hub-schema.ts";

export interface HubFileReading {
  /** Sorted by name; empty when there are errors. */
  readonly hubs: readonly Hub[];
  /** `<file>:<document>: <field>: <message>`, as `osac-vm validate` prints order errors. */
  readonly errors: readonly string[];
}

/**
 * Reads the offline hub registry (`render --hubs <file>`, `osac-vm hubs list --file <file>`): a
 * YAML or JSON stream of Hub objects, `HubList`s or `List`s of Hubs, exactly as
 * `kubectl get hubs -o yaml` prints them. Every document is checked against the CRD's rules, and
 * names must be unique. All or nothing: any error and no hub is returned.
 */
export function readHubFile(text: string, fileName: string): HubFileReading {
  let documents: unknown[];
  try {
    documents = yaml.loadAll(text, undefined, { schema: yaml.JSON_SCHEMA });
  } catch (error) {
    const mark = (error as { mark?: { line?: number; column?: number } }).mark;
    const where = mark?.line !== undefined ? `${mark.line + 1}:${(mark.column ?? 0) + 1}` : "?";
    return { hubs: [], errors: [`${fileName}:${where}: not valid YAML: ${(error as { reason?: string }).reason ?? "syntax error"}`] };
  }
  const errors: string[] = [];
  const hubs: Hub[] = [];
  const firstDocumentOf = new Map<string, string>();
  documents.forEach((document, index) => {
    if (document === null || document === undefined) return;
    const items = listItems(document);
    const entries = items === undefined ? [{ where: `${index + 1}`, document }] : items.map((item, position) => ({ where: `${index + 1}.items[${position}]`, document: item }));
    for (const entry of entries) {
      const checked = checkHub(entry.document);
      for (const error of checked.errors) errors.push(`${fileName}:${entry.where}: ${formatFieldError(error)}`);
      const name = (entry.document as { metadata?: { name?: unknown } } | null)?.metadata?.name;
      if (typeof name === "string") {
        const first = firstDocumentOf.get(name);
        if (first !== undefined) errors.push(`${fileName}:${entry.where}: metadata.name: hub '${name}' is already defined at document ${first}`);
        else firstDocumentOf.set(name, entry.where);
      }
      if (checked.hub) hubs.push(checked.hub);
    }
  });
  if (errors.length > 0) return { hubs: [], errors };
  if (hubs.length === 0) return { hubs: [], errors: [`${fileName}: holds no Hub (expected ${HUB_API_VERSION} Hub objects or a ${HUB_LIST_KIND})`] };
  return { hubs: hubs.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1)), errors: [] };
}

function listItems(document: unknown): unknown[] | undefined {
  if (typeof document !== "object" || document === null) return undefined;
  const { kind, items } = document as { kind?: unknown; items?: unknown };
  if ((kind === HUB_LIST_KIND || kind === "List") && Array.isArray(items)) return items;
  return undefined;
}
