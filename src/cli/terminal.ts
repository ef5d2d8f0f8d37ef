import type { SyncProgress } from "../render/tree/sync.ts";

/** What a command may touch of the process: its streams and its environment. */
export interface Terminal {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readStdin?: () => string;
}

export const ExitCode = {
  ok: 0,
  /** `--check` found output that differs from a fresh render; or a failure while writing. */
  differs: 1,
  failure: 1,
  /** Invalid input or usage, or a refused mass removal: nothing was written. */
  invalid: 2,
} as const;

export interface ProgressSettings {
  /** Steps with fewer items than this finish too fast to need a progress line. */
  readonly minimumItems: number;
  /** At most one update per interval (the last one of a step is always shown). */
  readonly intervalMs: number;
  readonly now: () => number;
}

const DEFAULT_PROGRESS: ProgressSettings = { minimumItems: 1_000, intervalMs: 100, now: Date.now };

const PHASE_LABEL: Record<SyncProgress["phase"], string> = { render: "rendering", write: "writing" };

/**
 * Reports the long steps of a render (rendering 1,000 or more files, then writing them) on one
 * line of a terminal's stderr, rewritten in place and ended with a newline when the step is done.
 * Nothing when stderr is not a terminal (CI logs, pipes) or the step is short.
 */
export function progressReporter(
  terminal: Terminal,
  command: string,
  settings: Partial<ProgressSettings> = {},
): ((progress: SyncProgress) => void) | undefined {
  if (!terminal.stderr.isTTY) return undefined;
  const { minimumItems, intervalMs, now } = { ...DEFAULT_PROGRESS, ...settings };
  let lastShownMs = -Infinity;
  return ({ phase, done, total }) => {
    if (total < minimumItems) return;
    const finished = done === total;
    if (!finished && now() - lastShownMs < intervalMs) return;
    lastShownMs = finished ? -Infinity : now();
    // \r returns to the line's start, ESC[K clears what a longer earlier line left behind.
    terminal.stderr.write(`\r\x1b[K${command}: ${PHASE_LABEL[phase]} ${done}/${total} files${finished ? "\n" : ""}`);
  };
}
