import { closeSync, openSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { KubeObject } from "../render-order.ts";
import type { PlannedFile, PlannedSource } from "./plan.ts";
import { composeFile, composeHeader, serializeObjects, sizeIntact } from "./rendered-file.ts";
import { listDirectory, type OwnedFile, type OwnedFiles } from "./scan.ts";
import { prepareDirectories } from "./write-targets.ts";

/** Renders one planned file's objects; `previousFile` is the file as it is now, if any (sealing reuses its ciphertext). */
export type SourceRenderer<S = PlannedSource> = (source: S, previousFile: string | undefined) => KubeObject[];

/** How far a long step is: rendering stale files, then writing and removing files. */
export interface SyncProgress {
  readonly phase: "render" | "write";
  readonly done: number;
  readonly total: number;
}

export interface SyncOptions<S = PlannedSource> {
  /** Write nothing; report what differs. */
  readonly check: boolean;
  /** Loaded only when some file must be rendered (cdk8s costs start-up time). */
  readonly loadRenderer: () => Promise<SourceRenderer<S>>;
  readonly onProgress?: (progress: SyncProgress) => void;
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
 * removes `removed` (files we wrote earlier that are no longer planned, already allowed by the
 * removal guard), and touches nothing else. A file whose recorded input digest matches and whose
 * body is intact is neither rendered nor written. With `check` (scan made with `verifyBodies`),
 * "intact" also means the body matches its digest and the header is the one this render writes,
 * so a hand edit is caught without rendering every order.
 */
export async function syncTree<S = PlannedSource>(
  outDir: string,
  planned: readonly PlannedFile<S>[],
  existing: OwnedFiles,
  removed: readonly string[],
  options: SyncOptions<S>,
): Promise<SyncReport> {
  const changed: string[] = [];
  const writes: { path: string; content: string }[] = [];
  const stale = planned.filter((file) => !isUpToDate(file, existing.files.get(file.path), options.check));
  let unchanged = planned.length - stale.length;
  let filesRead = existing.filesRead;
  const render = stale.length > 0 ? await options.loadRenderer() : undefined;
  stale.forEach((file, index) => {
    const current = existing.files.has(file.path) ? (filesRead++, readFileSync(join(outDir, file.path), "utf8")) : undefined;
    const content = composeFile(file.description, file.inputDigest, serializeObjects(render!(file.source, current)));
    if (content === current) unchanged++;
    else {
      changed.push(file.path);
      writes.push({ path: file.path, content });
    }
    options.onProgress?.({ phase: "render", done: index + 1, total: stale.length });
  });

  if (!options.check) {
    const total = writes.length + removed.length;
    // An up-to-date tree needs no write access (a read-only checkout in CI); a missing one is created.
    if (total > 0 || !statSync(outDir, { throwIfNoEntry: false })?.isDirectory()) {
      prepareDirectories([outDir, ...tenantDirectories(outDir, [...writes.map((write) => write.path), ...removed])]);
    }
    let done = 0;
    const progress = () => options.onProgress?.({ phase: "write", done: ++done, total });
    for (const { path, content } of writes) {
      writeAtomically(join(outDir, path), content);
      progress();
    }
    for (const path of removed) {
      unlinkSync(join(outDir, path));
      progress();
    }
    removeEmptiedDirectories(outDir, removed);
  }
  return { changed, removed: [...removed], unchanged, rendered: stale.length, filesRead };
}

function isUpToDate<S>(file: PlannedFile<S>, current: OwnedFile | undefined, check: boolean): boolean {
  if (current?.header.inputDigest !== file.inputDigest || !sizeIntact(current.header, current.bytes)) return false;
  if (!check) return true;
  const { header, verified } = current;
  return (
    verified !== undefined &&
    verified.bodyIntact &&
    verified.headerText === composeHeader(file.description, file.inputDigest, header.bodyDigest, header.bodyBytes)
  );
}

/** The directories holding these files (`<tenant>`, or `hubs/<hub>/<tenant>` in a per-hub tree), sorted. */
function tenantDirectories(outDir: string, paths: readonly string[]): string[] {
  return [...new Set(paths.map((path) => path.slice(0, path.lastIndexOf("/"))))].sort().map((directory) => join(outDir, directory));
}

function writeAtomically(path: string, content: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w");
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** Removes directories left empty by our removals (never a directory holding other files). */
function removeEmptiedDirectories(outDir: string, removed: readonly string[]): void {
  // Deepest first; then up the emptied parents (a per-hub tree's `hubs/<hub>`), never outDir itself.
  for (const directory of tenantDirectories(outDir, removed).reverse()) {
    for (let current = directory; current.startsWith(`${outDir}/`); current = dirname(current)) {
      if (listDirectory(current).length > 0) break;
      rmdirSync(current);
    }
  }
}
