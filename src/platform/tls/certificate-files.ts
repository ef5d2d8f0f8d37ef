import { readFileSync, statSync, watch, type FSWatcher } from "node:fs";
import { dirname } from "node:path";
import type { SecureContextOptions } from "node:tls";

export interface CertificatePaths {
  readonly certFile: string;
  readonly keyFile: string;
}

export class CertificateLoadError extends Error {
  override readonly name = "CertificateLoadError";
  readonly code = "CERTIFICATE_LOAD_FAILED";
}

export function loadCertificate(paths: CertificatePaths): SecureContextOptions {
  try {
    return { cert: readFileSync(paths.certFile), key: readFileSync(paths.keyFile) };
  } catch (cause) {
    throw new CertificateLoadError(`cannot read the serving certificate ${paths.certFile} / key ${paths.keyFile}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Calls `onChange` with the new certificate whenever the files change: watches their directory
 * (cert-manager and kubelet swap a `..data` symlink, which a file watch would miss) and polls
 * modification times as a fallback. A half-written pair (key and cert not matching) is reported
 * through `onError` and retried on the next change; the old certificate stays in use meanwhile.
 */
export function watchCertificate(
  paths: CertificatePaths,
  onChange: (options: SecureContextOptions) => void,
  onError: (error: Error) => void,
  pollIntervalMs = 2_000,
): () => void {
  let lastStamp = stamp(paths);
  const check = () => {
    const current = stamp(paths);
    if (current === lastStamp) return;
    try {
      onChange(loadCertificate(paths));
      lastStamp = current;
    } catch (error) {
      onError(error as Error);
    }
  };
  const watchers: FSWatcher[] = [];
  for (const directory of new Set([dirname(paths.certFile), dirname(paths.keyFile)])) {
    try {
      watchers.push(watch(directory, () => setTimeout(check, 50).unref()));
    } catch {
      // Directory watches are an optimisation; the poll below still sees every change.
    }
  }
  const timer = setInterval(check, pollIntervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    for (const watcher of watchers) watcher.close();
  };
}

function stamp(paths: CertificatePaths): string {
  try {
    const cert = statSync(paths.certFile);
    const key = statSync(paths.keyFile);
    return `${cert.mtimeMs}:${cert.size}:${cert.ino}/${key.mtimeMs}:${key.size}:${key.ino}`;
  } catch {
    return "missing";
  }
}
