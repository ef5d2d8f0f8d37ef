import { existsSync } from "node:fs";
import { join } from "node:path";

/** `../shared` beside the repository: the upstream reference files conformance checks against. */
export const SHARED = join(import.meta.dirname, "../../../../shared");

/** Fails (never skips) with instructions when the reference material is missing. */
export function requireShared(relativePath: string): string {
  const path = join(SHARED, relativePath);
  if (!existsSync(path)) {
    throw new Error(
      `Conformance needs the upstream reference file ${path}, which is missing. ` +
        "Check out the steering repository's shared/ folder beside this repository (../shared), as CI does; " +
        "`npm test` does not need it.",
    );
  }
  return path;
}
