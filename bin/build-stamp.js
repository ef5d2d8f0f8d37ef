// Whether the compiled JavaScript in dist/js/ (scripts/build.mjs) is current with src/: the stamp
// written at build time names the number of source files and the newest modification time among
// them. Plain JavaScript with no dependencies: bin/osac-vm.js reads it before anything else is
// loaded (~1 ms for src/). An installed package has no src/: its compiled code is all there is.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export const BUILD_DIR = "dist/js";
export const STAMP_FILE = "stamp.json";

/** Number of files under `<root>/src` and the newest modification time among them (ms). */
export function sourceStamp(root) {
  let files = 0;
  let newestMtimeMs = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        files += 1;
        newestMtimeMs = Math.max(newestMtimeMs, statSync(path).mtimeMs);
      }
    }
  };
  walk(join(root, "src"));
  return { files, newestMtimeMs };
}

/** True when `<root>/src` exists: a checkout, where the sources can run through tsx. */
export function hasSources(root) {
  return existsSync(join(root, "src"));
}

/**
 * True when `<root>/dist/js` holds a build that can run: in a checkout, one compiled from the
 * sources as they are now; in an installed package (no src/), any build.
 */
export function buildIsCurrent(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, BUILD_DIR, STAMP_FILE), "utf8"));
  } catch {
    return false;
  }
  if (!hasSources(root)) return true;
  const now = sourceStamp(root);
  return stamp.files === now.files && stamp.newestMtimeMs >= now.newestMtimeMs;
}
