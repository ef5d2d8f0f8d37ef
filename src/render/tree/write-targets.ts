import { accessSync, constants, mkdirSync, rmdirSync, statSync } from "node:fs";
import { dirname } from "node:path";

/** An output path that cannot take the render's files; raised before any file is written. */
export class OutputNotWritableError extends Error {
  override readonly name = "OutputNotWritableError";
  readonly code = "OUTPUT_NOT_WRITABLE";

  constructor(
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot write ${path}: ${reason}`, options);
  }
}

/**
 * Makes every directory a sync will write into or remove from exist and accept changes, before a
 * single file is written. Existing directories must pass access(W_OK) (a read-only file system,
 * missing permissions); missing ones are created one level at a time. Never Node's recursive
 * mkdir: where mkdir fails with ENOENT under an existing parent (/proc) it retries forever. On
 * any failure the directories created here are removed again and an OutputNotWritableError
 * names the path and the reason.
 */
export function prepareDirectories(directories: readonly string[]): void {
  const created: string[] = [];
  try {
    for (const directory of directories) ensureDirectory(directory, created);
  } catch (error) {
    for (const directory of created.reverse()) removeQuietly(directory);
    throw error;
  }
}

function ensureDirectory(target: string, created: string[]): void {
  const missing: string[] = [];
  let current = target;
  for (;;) {
    const kind = pathKind(current, target);
    if (kind === "directory") break;
    if (kind === "other") {
      throw new OutputNotWritableError(target, current === target ? "it exists and is not a directory" : `${current} is not a directory`);
    }
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) throw new OutputNotWritableError(target, `no existing directory above it`);
    current = parent;
  }
  try {
    accessSync(current, constants.W_OK);
  } catch (error) {
    throw new OutputNotWritableError(target, `${current} is not writable: ${describeErrno(error)}`, { cause: error });
  }
  for (const directory of missing) {
    try {
      mkdirSync(directory);
    } catch (error) {
      throw new OutputNotWritableError(target, mkdirFailure(directory, error), { cause: error });
    }
    created.push(directory);
  }
}

function pathKind(path: string, target: string): "directory" | "other" | "missing" {
  try {
    return statSync(path).isDirectory() ? "directory" : "other";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "missing";
    throw new OutputNotWritableError(target, `cannot inspect ${path}: ${describeErrno(error)}`, { cause: error });
  }
}

function mkdirFailure(directory: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") {
    // The parent exists (it was checked or just created): only a virtual file system says this.
    return `${dirname(directory)} refuses new directories (mkdir ${directory}: ENOENT; a virtual file system such as /proc?)`;
  }
  return `mkdir ${directory}: ${describeErrno(error)}`;
}

function describeErrno(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (!code) return message;
  const reason = /^[A-Z]+: ([^,]+)/.exec(message)?.[1];
  return reason ? `${code} (${reason})` : code;
}

function removeQuietly(directory: string): void {
  try {
    rmdirSync(directory);
  } catch {
    // Best effort: it was empty when created; if it cannot be removed now, the error that got us
    // here is the one to report.
  }
}
