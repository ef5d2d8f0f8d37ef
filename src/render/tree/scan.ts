import { readdirSync, readFile } from "node:fs";
import { join } from "node:path";
import { isLayoutPath } from "./layout.ts";
import { digestBytes, HEADER_MAX_BYTES, readHeader, type FileHeader } from "./rendered-file.ts";

export interface OwnedFile {
  readonly header: FileHeader;
  readonly bytes: number;
  /** With `verifyBodies`: the two header lines as written, and whether the body matches its recorded digest. */
  readonly verified?: { readonly headerText: string; readonly bodyIntact: boolean };
}

export interface OwnedFiles {
  readonly files: Map<string, OwnedFile>;
  /** Files read to find out (each read once). */
  readonly filesRead: number;
}

export interface ScanOptions {
  /** Also hash each body against its header's digest (`--check`: the bytes are in memory anyway). */
  readonly verifyBodies?: boolean;
  /** Which relative paths the writer owns (default: the orders' layout, `isLayoutPath`). */
  readonly isOwnedPath?: (relativePath: string) => boolean;
}

const SCAN_CONCURRENCY = 32;

/**
 * Our files under `outDir` (by layout path and header); a missing directory, or a path that is
 * not a directory, has none (whether it can be written is checked before writing). The reads run
 * on libuv's thread pool, so a caller can start the scan and parse its input meanwhile.
 */
export function scanOwnedFiles(outDir: string, options: ScanOptions = {}): Promise<OwnedFiles> {
  const paths: string[] = [];
  try {
    for (const directory of listDirectory(outDir)) {
      if (!directory.isDirectory()) continue;
      for (const entry of listDirectory(join(outDir, directory.name))) {
        const path = `${directory.name}/${entry.name}`;
        if (entry.isFile() && (options.isOwnedPath ?? isLayoutPath)(path)) paths.push(path);
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
          const file = ownedFile(content, options.verifyBodies ?? false);
          if (file) files.set(path, file);
          launch();
        });
      }
    };
    launch();
  });
}

function ownedFile(content: Buffer, verifyBodies: boolean): OwnedFile | undefined {
  const header = readHeader(content.toString("utf8", 0, Math.min(content.length, HEADER_MAX_BYTES)));
  if (!header) return undefined;
  if (!verifyBodies) return { header, bytes: content.length };
  const bodyIntact = digestBytes(content.subarray(header.headerBytes)) === header.bodyDigest;
  return { header, bytes: content.length, verified: { headerText: content.toString("utf8", 0, header.headerBytes), bodyIntact } };
}

/** Directory entries; none for a missing path or one that is not a directory. */
export function listDirectory(path: string) {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw error;
  }
}
