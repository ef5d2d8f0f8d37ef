import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach } from "vitest";
import { main } from "../../src/cli/main.ts";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the osac-vm CLI in-process with captured streams. */
export async function runCli(args: string[], options: { stdin?: string; env?: Record<string, string>; stderrIsTTY?: boolean } = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.stderrIsTTY ?? false },
    env: options.env ?? {},
    ...(options.stdin === undefined ? {} : { readStdin: () => options.stdin! }),
  });
  return { code, stdout, stderr };
}

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A temporary directory removed after the test. */
export function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), "osac-vm-test-"));
  directories.push(directory);
  return directory;
}

/** Every file under a directory with its bytes and mtime, for byte-identical comparisons. */
export function snapshotTree(root: string): Map<string, { content: string; mtimeMs: number }> {
  const files = new Map<string, { content: string; mtimeMs: number }>();
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        files.set(`${relative(root, path)}/`, { content: "", mtimeMs: 0 });
        walk(path);
      } else files.set(relative(root, path), { content: readFileSync(path, "utf8"), mtimeMs: statSync(path).mtimeMs });
    }
  };
  walk(root);
  return files;
}
