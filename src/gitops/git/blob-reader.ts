import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

export interface BlobRead {
  readonly id: string;
  /** undefined when the object is missing. */
  readonly content?: Buffer;
  readonly size: number;
}

interface Pending {
  readonly id: string;
  readonly resolve: (read: BlobRead) => void;
  readonly reject: (error: Error) => void;
  /** Keep at most this many leading bytes (headers only). */
  readonly keepBytes: number;
}

/**
 * One long-lived `git cat-file --batch` process: object ids go in on stdin, `<id> <type> <size>`
 * plus the content come back in order. Reading thousands of blobs costs one process, not one each.
 * Requests are answered in the order they were made; a caller may queue many before awaiting.
 */
export class BlobReader {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  /** The object being received: its size and what remains to read of it. */
  private current: { size: number; chunks: Buffer[]; received: number; kept: number } | undefined;

  constructor(
    private readonly gitDir: string,
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  /** The blob's bytes (all of them, or only the first `keepBytes`). */
  read(id: string, keepBytes = Number.POSITIVE_INFINITY): Promise<BlobRead> {
    const child = this.ensureStarted();
    return new Promise((resolve, reject) => {
      this.pending.push({ id, resolve, reject, keepBytes });
      child.stdin.write(`${id}\n`);
    });
  }

  close(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  private ensureStarted(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn("git", ["--git-dir", this.gitDir, "cat-file", "--batch"], { env: { ...this.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    child.stdin.on("error", () => {
      // The process ended; the close handler fails what is pending.
    });
    const fail = (error: Error) => {
      if (this.child === child) this.child = undefined;
      this.buffer = Buffer.alloc(0);
      this.current = undefined;
      for (const request of this.pending.splice(0)) request.reject(error);
    };
    child.once("error", (error) => fail(error));
    child.once("close", (code) => {
      if (this.pending.length > 0) fail(new Error(`git cat-file --batch exited (${code})${stderr ? `: ${stderr.trim()}` : ""}`));
      else if (this.child === child) this.child = undefined;
    });
    this.child = child;
    return child;
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (!this.current) {
        const newline = this.buffer.indexOf(0x0a);
        if (newline < 0) return;
        const line = this.buffer.toString("utf8", 0, newline);
        this.buffer = this.buffer.subarray(newline + 1);
        if (line.endsWith(" missing")) {
          const request = this.pending.shift();
          request?.resolve({ id: request.id, size: 0 });
          continue;
        }
        const size = Number(line.slice(line.lastIndexOf(" ") + 1));
        this.current = { size, chunks: [], received: 0, kept: 0 };
      }
      const request = this.pending[0];
      const current = this.current;
      // Content, then one newline.
      const needed = current.size + 1 - current.received;
      const take = Math.min(needed, this.buffer.length);
      if (take > 0) {
        const contentTaken = Math.min(take, current.size - Math.min(current.received, current.size));
        const keep = Math.min(contentTaken, (request?.keepBytes ?? 0) - current.kept);
        if (keep > 0) {
          current.chunks.push(Buffer.from(this.buffer.subarray(0, keep)));
          current.kept += keep;
        }
        current.received += take;
        this.buffer = this.buffer.subarray(take);
      }
      if (current.received < current.size + 1) return;
      this.current = undefined;
      this.pending.shift();
      request?.resolve({ id: request.id, size: current.size, content: Buffer.concat(current.chunks) });
    }
  }
}
