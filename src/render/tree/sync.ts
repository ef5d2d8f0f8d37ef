import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PlannedFile } from "./plan.ts";
import { bodyIntact, composeFile, readHeader, serializeObjects } from "./rendered-file.ts";
import { isLayoutPath } from "./layout.ts";

export interface SyncOptions {
  /** Write nothing; report what differs. */
  readonly check: boolean;
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
export function syncTree(outDir: string, planned: readonly PlannedFile[], options: SyncOptions): SyncReport {
  const existing = readOwnedFiles(outDir);
  const changed: string[] = [];
  let unchanged = 0;
  let rendered = 0;
  const writes: { path: string; content: string }[] = [];

  planned.forEach((file, index) => {
    const current = existing.files.get(file.path);
    const header = current === undefined ? undefined : readHeader(current);
    const upToDate = !options.check && header?.inputDigest === file.inputDigest && bodyIntact(current!, header);
    if (upToDate) {
      unchanged++;
    } else {
      rendered++;
      const content = composeFile(file.description, file.inputDigest, serializeObjects(file.render()));
      if (content === current) unchanged++;
      else {
        changed.push(file.path);
        writes.push({ path: file.path, content });
      }
    }
    options.onProgress?.(index + 1, planned.length);
  });

  const plannedPaths = new Set(planned.map((file) => file.path));
  const removed = [...existing.files.keys()].filter((path) => !plannedPaths.has(path)).sort();
  if (!options.check) {
    for (const { path, content } of writes) writeAtomically(join(outDir, path), content);
    for (const path of removed) unlinkSync(join(outDir, path));
    removeEmptiedDirectories(outDir, removed);
  }
  return { changed, removed, unchanged, rendered, filesRead: existing.filesRead };
}

interface OwnedFiles {
  readonly files: Map<string, string>;
  readonly filesRead: number;
}

/** Our files under `outDir` (by layout path and header); a missing directory has none. */
function readOwnedFiles(outDir: string): OwnedFiles {
  const files = new Map<string, string>();
  let filesRead = 0;
  for (const directory of listDirectory(outDir)) {
    if (!directory.isDirectory()) continue;
    for (const entry of listDirectory(join(outDir, directory.name))) {
      const path = `${directory.name}/${entry.name}`;
      if (!entry.isFile() || !isLayoutPath(path)) continue;
      const content = readFileSync(join(outDir, path), "utf8");
      filesRead++;
      if (readHeader(content)) files.set(path, content);
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
