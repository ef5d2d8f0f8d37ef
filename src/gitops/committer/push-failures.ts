import { exponentialBackoffMs } from "../../controller/runtime/backoff.ts";
import { GitCommandError } from "../git/errors.ts";

export class PushRejectedError extends Error {
  override readonly name = "PushRejectedError";
  constructor(readonly detail: string) {
    super(`the remote rejected the push: ${detail}`);
  }
}

export interface FailureVerdict {
  /** Wait this long before the next attempt. */
  readonly retryInMs: number;
  /** The metric label: git's classification, `remote-rejected` or `other`. */
  readonly kind: string;
  readonly detail: string;
  /** Set when the pending orders must say why (enough failures in a row, and something new to say). */
  readonly report?: { readonly reason: "PushFailed" | "PushRejected"; readonly message: string };
}

export interface PushFailureSettings {
  readonly maxBackoffMs: number;
  /** Failures in a row before orders show Committed=False (a single blip shows nothing). */
  readonly failuresBeforeCondition: number;
  readonly url: string;
  readonly branch: string;
}

/**
 * Failed batches in a row (docs/adr/0025-gitops-committer.md): the exponential backoff before the
 * next attempt (1 s doubling, at most maxBackoffMs), and when the orders waiting are told why.
 * No I/O.
 */
export class PushFailures {
  private inRow = 0;
  private since: number | undefined;
  private lastReported: string | undefined;

  constructor(private readonly settings: PushFailureSettings) {}

  get count(): number {
    return this.inRow;
  }

  succeeded(): void {
    this.inRow = 0;
    this.since = undefined;
    this.lastReported = undefined;
  }

  failed(error: unknown, nowMs: number): FailureVerdict {
    this.inRow++;
    this.since ??= nowMs;
    const retryInMs = exponentialBackoffMs(this.inRow, 1_000, this.settings.maxBackoffMs);
    const kind = error instanceof GitCommandError ? error.kind : error instanceof PushRejectedError ? "remote-rejected" : "other";
    const detail = error instanceof Error ? error.message : String(error);
    if (this.inRow < this.settings.failuresBeforeCondition || detail === this.lastReported) return { retryInMs, kind, detail };
    this.lastReported = detail;
    const message = `Pushing to ${this.settings.url} (branch ${this.settings.branch}) has failed since ${new Date(this.since).toISOString()}: ${detail}; the committer keeps retrying`;
    return { retryInMs, kind, detail, report: { reason: error instanceof PushRejectedError ? "PushRejected" : "PushFailed", message } };
  }
}
