import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import yaml from "js-yaml";

/** One decoded document and where it came from (`file:document`, document numbers from 1). */
export interface SourceDocument {
  readonly file: string;
  readonly document: number;
  readonly value: unknown;
}

export interface SourceProblem {
  readonly file: string;
  readonly document?: number;
  readonly message: string;
}

export interface ReadResult {
  readonly documents: SourceDocument[];
  readonly problems: SourceProblem[];
  /** Inputs that held nothing: a named file or stdin without documents, a directory without input files. */
  readonly warnings: string[];
}

const INPUT_FILE = /\.(ya?ml|json)$/i;
export const STDIN = "-";

/**
 * Reads every YAML or JSON document under the given files and directories (directories
 * recursively, files in sorted order; `-` is standard input). `List` kinds are expanded into
 * their items. A file reached twice (named twice, through its directory, through a symbolic
 * link) is read once, where it is first reached. Unreadable paths and syntax errors are
 * problems, never exceptions.
 */
export function readDocuments(paths: readonly string[], readStdin: () => string = () => readFileSync(0, "utf8")): ReadResult {
  const documents: SourceDocument[] = [];
  const problems: SourceProblem[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    if (path === STDIN) {
      if (seen.has(STDIN)) continue;
      seen.add(STDIN);
      if (parseInto("<stdin>", readStdin(), documents, problems) === 0) warnings.push("<stdin>: holds no objects");
      continue;
    }
    const listing = listInputFiles(path, problems);
    if (listing.directory && listing.files.length === 0) warnings.push(`${path}: holds no .yaml, .yml or .json files`);
    for (const file of listing.files) {
      const identity = realPath(file);
      if (seen.has(identity)) continue;
      seen.add(identity);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (error) {
        problems.push({ file, message: `cannot read: ${describe(error)}` });
        continue;
      }
      if (parseInto(file, text, documents, problems) === 0 && !listing.directory) warnings.push(`${file}: holds no objects`);
    }
  }
  return { documents, problems, warnings };
}

function listInputFiles(path: string, problems: SourceProblem[]): { directory: boolean; files: string[] } {
  let directory: boolean;
  try {
    directory = statSync(path).isDirectory();
  } catch (error) {
    problems.push({ file: path, message: `cannot read: ${describe(error)}` });
    return { directory: false, files: [] };
  }
  if (!directory) return { directory, files: [path] };
  const files: string[] = [];
  try {
    for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && INPUT_FILE.test(entry.name)) files.push(join(entry.parentPath, entry.name));
    }
  } catch (error) {
    problems.push({ file: path, message: `cannot read: ${describe(error)}` });
  }
  return { directory, files: files.sort((a, b) => compareStrings(relative(path, a), relative(path, b))) };
}

function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    // Unresolvable (removed meanwhile): reading it reports why; identify it by its absolute path.
    return resolve(file);
  }
}

/** Parses every document of one file into `documents`; returns how many it added (undefined on a syntax error). */
function parseInto(file: string, text: string, documents: SourceDocument[], problems: SourceProblem[]): number | undefined {
  const before = documents.length;
  let values: unknown[];
  try {
    values = yaml.loadAll(text, null, { filename: file });
  } catch (error) {
    const mark = (error as { mark?: { line: number; column: number } }).mark;
    const where = mark ? ` at line ${mark.line + 1}, column ${mark.column + 1}` : "";
    const reason = (error as { reason?: string }).reason ?? describe(error);
    problems.push({ file, message: `YAML syntax error${where}: ${reason}` });
    return undefined;
  }
  values.forEach((value, index) => {
    if (value === null || value === undefined) return;
    const items = listItems(value);
    if (items) items.forEach((item) => documents.push({ file, document: index + 1, value: item }));
    else documents.push({ file, document: index + 1, value });
  });
  return documents.length - before;
}

function listItems(value: unknown): unknown[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { kind, items } = value as { kind?: unknown; items?: unknown };
  return typeof kind === "string" && kind.endsWith("List") && Array.isArray(items) ? items : undefined;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code} (${(error as Error).message.replace(/^[A-Z]+: /, "")})` : (error as Error).message;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
