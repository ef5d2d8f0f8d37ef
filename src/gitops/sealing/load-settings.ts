import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseSealingCertificate } from "./certificate.ts";
import { SealingSettingError } from "./errors.ts";
import type { SealerSettings } from "./secret-sealer.ts";
import { parseValueKey, type ValueKey } from "./value-key.ts";

/** Where the sealing certificate and value key come from, and how the caller names each setting. */
export interface SealingSources {
  readonly certificateFile: string;
  readonly certificateSetting: string;
  readonly keyFile: string;
  readonly keySetting: string;
  readonly reseal: boolean;
  /** The directory rendered output goes to (and so to Git): the key may not be in its repository. */
  readonly outputDirectory?: string;
  readonly now?: Date;
}

export interface LoadedSealing {
  readonly settings: SealerSettings;
  readonly warnings: string[];
}

/**
 * Reads and checks the certificate and the value key files (the I/O edge of sealing). Throws a
 * SealingSettingError naming the setting and the problem; never shows key bytes.
 */
export function loadSealingSettings(sources: SealingSources): LoadedSealing {
  const certificate = parseSealingCertificate(readText(sources.certificateFile, sources.certificateSetting), sources.certificateSetting, sources.now ?? new Date());
  const { valueKey, warnings } = loadValueKey(sources);
  return { settings: { certificate, valueKey, reseal: sources.reseal }, warnings };
}

/**
 * Reads and checks the value key file alone (`render --hubs` takes each hub's certificate from the
 * hub registry). Throws a SealingSettingError as `loadSealingSettings` does.
 */
export function loadValueKey(sources: Pick<SealingSources, "keyFile" | "keySetting" | "outputDirectory">): { valueKey: ValueKey; warnings: string[] } {
  const keyPath = resolve(sources.keyFile);
  checkOutsideRepository(keyPath, sources);
  const valueKey = parseValueKey(readBytes(keyPath, sources.keySetting), sources.keySetting);
  const warnings: string[] = [];
  const mode = statSync(keyPath).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    warnings.push(`${sources.keySetting} ${sources.keyFile} can be read by other users (mode ${mode.toString(8).padStart(4, "0")}); chmod 600 it`);
  }
  return { valueKey, warnings };
}

function readText(path: string, setting: string): string {
  return readBytes(path, setting).toString("utf8");
}

export function readBytes(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a directory" : (error as Error).message;
    throw new SealingSettingError(setting, `cannot read ${path}: ${why}`, { cause: error });
  }
}

/** The value key must never be committed: refuse a key file inside --out or inside its Git repository. */
export function checkOutsideRepository(keyPath: string, sources: Pick<SealingSources, "keyFile" | "keySetting" | "outputDirectory">): void {
  if (!sources.outputDirectory) return;
  const output = resolve(sources.outputDirectory);
  if (keyPath === output || keyPath.startsWith(`${output}/`)) {
    throw new SealingSettingError(sources.keySetting, `${sources.keyFile} is inside the output directory ${output}, which goes to Git; keep the key outside the repository`);
  }
  const repository = gitRoot(output);
  if (repository !== undefined && gitRoot(keyPath) === repository) {
    throw new SealingSettingError(sources.keySetting, `${sources.keyFile} is inside the Git repository ${repository} that the output goes to; keep the key outside it`);
  }
}

/** The nearest directory at or above `path` that holds `.git`. */
function gitRoot(path: string): string | undefined {
  for (let directory = path; ; directory = dirname(directory)) {
    if (existsSync(join(directory, ".git"))) return directory;
    if (dirname(directory) === directory) return undefined;
  }
}
