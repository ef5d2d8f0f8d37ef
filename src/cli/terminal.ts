/** What a command may touch of the process: its streams and its environment. */
export interface Terminal {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readStdin?: () => string;
}

export const ExitCode = {
  ok: 0,
  /** `--check` found output that differs from a fresh render; or a failure while writing. */
  differs: 1,
  failure: 1,
  /** Invalid input or usage: nothing was written. */
  invalid: 2,
} as const;

/** Reports `done/total` on a terminal at most every 100 ms, and nothing when not a TTY. */
export function progressReporter(terminal: Terminal, noun: string): ((done: number, total: number) => void) | undefined {
  if (!terminal.stderr.isTTY) return undefined;
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done !== total && now - last < 100) return;
    last = now;
    terminal.stderr.write(`\rRendered ${done}/${total} changed ${noun}${done === total ? "\n" : ""}`);
  };
}
