import { statSync } from "node:fs";
import { resolve } from "node:path";
import { checkOutsideRepository, readBytes } from "../sealing/load-settings.ts";
import { parseValueKey } from "../sealing/value-key.ts";

export interface LoadedTemplateKey {
  /** The key of generated template parameter values (ADR 21): HMAC key bytes, never shown. */
  readonly key: Uint8Array;
  readonly warnings: string[];
}

/**
 * Reads the template parameter key from a file with the sealing value key's rules (ADR 20): at
 * least 32 bytes, not a constant, one trailing newline ignored, never inside the output directory
 * or its Git repository, a warning when others can read it. It may be the sealing key file itself
 * (the HMAC contexts differ), but ADR 28 advises a file of its own: losing this key changes every
 * generated password, losing the sealing key costs one re-seal. Throws SealingSettingError naming
 * the setting.
 */
export function loadTemplateKey(source: { readonly file: string; readonly setting: string; readonly outputDirectory?: string }): LoadedTemplateKey {
  const path = resolve(source.file);
  checkOutsideRepository(path, { keyFile: source.file, keySetting: source.setting, ...(source.outputDirectory ? { outputDirectory: source.outputDirectory } : {}) });
  const key = new Uint8Array(parseValueKey(readBytes(path, source.setting), source.setting).export());
  const mode = statSync(path).mode & 0o777;
  const warnings =
    (mode & 0o077) !== 0 ? [`${source.setting} ${source.file} can be read by other users (mode ${mode.toString(8).padStart(4, "0")}); chmod 600 it`] : [];
  return { key, warnings };
}
