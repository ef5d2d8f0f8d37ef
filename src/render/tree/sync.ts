import { closeSync, mkdirSync, openSync, readdirSync, readFile, readFileSync, renameSync, rmdirSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { KubeObject } from "../render-order.ts";
import type { PlannedFile, PlannedSource } from "./plan.ts";
import { composeFile, HEADER_MAX_BYTES, readHeader, serializeObjects, sizeIntact, type FileHeader } from "./rendered-file.ts";
import { isLayoutPath } from "./layout.ts";

/** Renders one planned file's objects. */
export type SourceRenderer<S = PlannedSource> = (source: S) => KubeObject[];

export interface SyncOptions<S = PlannedSource> {
  /** Write nothing; report what differs. */
  readonly check: boolean;
  /** Loaded only when some file must be rendered (cdk8s costs start-up time). */
  readonly loadRenderer: () => Promise<SourceRenderer<S>>;
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
export async function syncTree<S = PlannedSource>(outDir: string, planned: readonly PlannedFile<S>[], options: SyncOptions<S>, scan: Promise<OwnedFiles> = scanOwnedFiles(outDir)): Promise<SyncReport> {
  const existing = await scan;
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

export interface OwnedFiles {
  readonly files: Map<string, OwnedFile>;
  /** Files read to find out (each read once). */
  readonly filesRead: number;
}

const SCAN_CONCURRENCY = 32;

/**
 * Our files under `outDir` (by layout path and header); a missing directory has none. The reads
 * run on libuv's thread pool, so a caller can start the scan and parse its input meanwhile.
 * `isOwnedPath` says which paths a writer owns (the orders' layout by default).
 */
export function scanOwnedFiles(outDir: string, isOwnedPath: (relativePath: string) => boolean = isLayoutPath): Promise<OwnedFiles> {
  const paths: string[] = [];
  try {
    for (const directory of listDirectory(outDir)) {
      if (!directory.isDirectory()) continue;
      for (const entry of listDirectory(join(outDir, directory.name))) {
        const path = `${directory.name}/${entry.name}`;
        if (entry.isFile() && isOwnedPath(path)) paths.push(path);
      }
    }
  } catch (error) {
    return Promise.reject(error);
  }
  const files = new Map<string, OwnedFile>();
  return new Promise((resolve, reject) => {
    let next = 0;
    let active = 0;
    let failed = false;
    const launch = () => {
      if (failed) return;
      if (next === paths.length && active === 0) return resolve({ files, filesRead: paths.length });
      while (active < SCAN_CONCURRENCY && next < paths.length) {
        const path = paths[next++]!;
        active++;
        readFile(join(outDir, path), (error, content) => {
          active--;
          if (error) {
            failed = true;
            return reject(error);
          }
          const header = readHeader(content.toString("utf8", 0, Math.min(content.length, HEADER_MAX_BYTES)));
          if (header) files.set(path, { header, bytes: content.length });
          launch();
        });
      }
    };
    launch();
  });
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
