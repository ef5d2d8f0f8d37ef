import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmdirSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { KubeObject } from "../render-order.ts";
import type { PlannedFile, PlannedSource } from "./plan.ts";
import { composeFile, HEADER_MAX_BYTES, readHeader, serializeObjects, sizeIntact, type FileHeader } from "./rendered-file.ts";
import { isLayoutPath } from "./layout.ts";

/** Renders one planned file's objects. */
export type SourceRenderer = (source: PlannedSource) => KubeObject[];

export interface SyncOptions {
  /** Write nothing; report what differs. */
  readonly check: boolean;
  /** Loaded only when some file must be rendered (cdk8s costs start-up time). */
  readonly loadRenderer: () => Promise<SourceRenderer>;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SyncReport {
  /** Files written (or, with check, that would be): new or changed. */
  readonly changed: string[];
  /** Our files with no order any more: removed (or, with check, that would be). */
  readonly removed: string[];
  readonly unchanged: number;
  /** Files rendered (the others were skipped by their input digest). */
  readonly rendered: number;
  readonly filesRead: number;
}

/**
 * Brings `outDir` to the planned files: writes new and changed files (each atomically, by rename),
 * removes files we wrote earlier that are no longer planned, and touches nothing else. A file
 * whose recorded input digest matches and whose body is intact is neither rendered nor written;
 * `check` renders everything and compares bytes.
 */
export async function syncTree(outDir: string, planned: readonly PlannedFile[], options: SyncOptions): Promise<SyncReport> {
  const existing = readOwnedFiles(outDir);
  const changed: string[] = [];
  const writes: { path: string; content: string }[] = [];
  const stale = planned.filter((file) => {
    if (options.check) return true;
    const current = existing.files.get(file.path);
    return !(current?.header.inputDigest === file.inputDigest && sizeIntact(current.header, current.bytes));
  });
  let unchanged = planned.length - stale.length;
  let filesRead = existing.filesRead;
  const render = stale.length > 0 ? await options.loadRenderer() : undefined;
  stale.forEach((file, index) => {
    const current = existing.files.has(file.path) ? (filesRead++, readFileSync(join(outDir, file.path), "utf8")) : undefined;
    const content = composeFile(file.description, file.inputDigest, serializeObjects(render!(file.source)));
    if (content === current) unchanged++;
    else {
      changed.push(file.path);
      writes.push({ path: file.path, content });
    }
    options.onProgress?.(index + 1, stale.length);
  });
  const rendered = stale.length;

  const plannedPaths = new Set(planned.map((file) => file.path));
  const removed = [...existing.files.keys()].filter((path) => !plannedPaths.has(path)).sort();
  if (!options.check) {
    for (const { path, content } of writes) writeAtomically(join(outDir, path), content);
    for (const path of removed) unlinkSync(join(outDir, path));
    removeEmptiedDirectories(outDir, removed);
  }
  return { changed, removed, unchanged, rendered, filesRead };
}

interface OwnedFile {
  readonly header: FileHeader;
  readonly bytes: number;
}

interface OwnedFiles {
  readonly files: Map<string, OwnedFile>;
  /** Files whose head was read (one small read each). */
  readonly filesRead: number;
}

/** Our files under `outDir` (by layout path and header); a missing directory has none. */
function readOwnedFiles(outDir: string): OwnedFiles {
  const files = new Map<string, OwnedFile>();
  const head = Buffer.alloc(HEADER_MAX_BYTES);
  let filesRead = 0;
  for (const directory of listDirectory(outDir)) {
    if (!directory.isDirectory()) continue;
    for (const entry of listDirectory(join(outDir, directory.name))) {
      const path = `${directory.name}/${entry.name}`;
      if (!entry.isFile() || !isLayoutPath(path)) continue;
      const fd = openSync(join(outDir, path), "r");
      try {
        const length = readSync(fd, head, 0, HEADER_MAX_BYTES, 0);
        const header = readHeader(head.toString("utf8", 0, length));
        if (header) files.set(path, { header, bytes: fstatSync(fd).size });
      } finally {
        closeSync(fd);
      }
      filesRead++;
    }
  }
  return { files, filesRead };
}

function listDirectory(path: string) {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

function writeAtomically(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w");
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** Removes tenant directories left empty by our removals (never a directory holding other files). */
function removeEmptiedDirectories(outDir: string, removed: readonly string[]): void {
  const directories = new Set(removed.map((path) => path.slice(0, path.indexOf("/"))));
  for (const directory of directories) {
    const full = join(outDir, directory);
    if (listDirectory(full).length === 0) rmdirSync(full);
  }
}
