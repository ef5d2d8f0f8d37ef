import { writeSync } from "node:fs";

/** How long a logged line may wait for others to share its write. */
const FLUSH_AFTER_MS = 10;
/** Pending text above which it is written at once. */
const FLUSH_AT_CHARS = 64 * 1024;
/** How long to wait before retrying when a non-blocking pipe is full. */
const FULL_PIPE_WAIT_MS = 1;

const open = new Set<BatchedOutput>();
let exitHookInstalled = false;

/**
 * A pino destination for a file descriptor (standard output in a pod) that gathers lines for up
 * to 10 ms, or until 64 KiB are pending, and writes them with one synchronous `write`. A busy
 * webhook logs a line per review; a write per line costs a reader wake-up, and pino's
 * asynchronous destination a thread-pool round trip besides. CPU per decision line, into a pipe
 * (docs/adr/0009-webhook-http.md): pino's asynchronous destination 4.9 µs, its synchronous one
 * 4.0–6.4 µs, this 2.6–3.6 µs, of which pino's formatting is 1.7.
 *
 * What is pending is written when the process exits (`process.exit`, an uncaught exception) and
 * on `logger.flush()`; only a SIGKILL can lose it. A full non-blocking pipe is waited out, as
 * pino's synchronous destination does; a closed one (EPIPE) ends logging quietly; any other write
 * error drops that batch with one line on standard error, so logging never takes the process
 * down.
 */
export class BatchedOutput {
  readonly #fd: number;
  readonly #flushAfterMs: number;
  #pending: string[] = [];
  #pendingChars = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(fd: number, options: { flushAfterMs?: number } = {}) {
    this.#fd = fd;
    this.#flushAfterMs = options.flushAfterMs ?? FLUSH_AFTER_MS;
    open.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on("exit", flushAllOnExit);
    }
  }

  write(line: string): boolean {
    if (this.#closed) return true;
    this.#pending.push(line);
    this.#pendingChars += line.length;
    if (this.#pendingChars >= FLUSH_AT_CHARS) this.flushSync();
    else if (this.#timer === undefined) this.#timer = setTimeout(flushOnTimer, this.#flushAfterMs, this).unref();
    return true;
  }

  /** pino's `logger.flush(cb)` lands here. */
  flush(callback?: (error?: Error) => void): void {
    this.flushSync();
    callback?.();
  }

  flushSync(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#pending.length === 0 || this.#closed) return;
    const text = this.#pending.length === 1 ? this.#pending[0]! : this.#pending.join("");
    this.#pending = [];
    this.#pendingChars = 0;
    this.#writeAll(Buffer.from(text, "utf8"));
  }

  /** No more writes; what is pending is written first. */
  end(): void {
    this.flushSync();
    this.#closed = true;
    open.delete(this);
  }

  #writeAll(bytes: Buffer): void {
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(this.#fd, bytes, offset, bytes.length - offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") {
          Atomics.wait(FULL_PIPE_WAIT, 0, 0, FULL_PIPE_WAIT_MS);
          continue;
        }
        if (code === "EPIPE") {
          // Nobody reads the log any more (the collector went away): stop writing to it.
          this.#closed = true;
          open.delete(this);
          return;
        }
        reportDroppedBatch(this.#fd, bytes.length - offset, code);
        return;
      }
    }
  }
}

const FULL_PIPE_WAIT = new Int32Array(new SharedArrayBuffer(4));

function flushOnTimer(output: BatchedOutput): void {
  output.flushSync();
}

function flushAllOnExit(): void {
  for (const output of open) output.flushSync();
}

function reportDroppedBatch(fd: number, bytes: number, code: string | undefined): void {
  try {
    writeSync(2, `osac-vm: dropped ${bytes} bytes of log lines: writing to file descriptor ${fd} failed (${code ?? "unknown error"})\n`);
  } catch {
    // Standard error is gone too; there is nobody left to tell.
  }
}
