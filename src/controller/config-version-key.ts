import type { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseValueKey } from "../gitops/sealing/value-key.ts";

export const CONFIG_VERSION_KEY_SETTING = "--config-version-key-file";

/**
 * The sealing value key, read by the controller to compare the keyed config versions of sealed
 * GitOps output (docs/adr/0025-gitops-committer.md). Throws an error naming the setting; never
 * shows key bytes.
 */
export function readConfigVersionKey(file: string): KeyObject {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${CONFIG_VERSION_KEY_SETTING}: cannot read ${file}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (error as Error).message}`);
  }
  return parseValueKey(bytes, CONFIG_VERSION_KEY_SETTING);
}
