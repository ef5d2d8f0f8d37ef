/**
 * The result type shared by the hand-written grammars (ports, SSH keys, quantities, image
 * references, DNS names). A grammar never throws: it either accepts a value or lists every problem
 * it found, each with the text that may be shown for it (already shortened, never a secret).
 */
export interface GrammarProblem {
  /** What is wrong and what is accepted, as one sentence. */
  readonly message: string;
  /** The part of the input to show; absent means "show the parameter's value as a whole". */
  readonly shown?: string;
}

export type GrammarResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly GrammarProblem[] };

export function accepted<T>(value: T): GrammarResult<T> {
  return { ok: true, value };
}

export function rejected<T>(problems: readonly GrammarProblem[]): GrammarResult<T> {
  return { ok: false, problems };
}

export function rejectedWith<T>(message: string, shown?: string): GrammarResult<T> {
  return rejected(shown === undefined ? [{ message }] : [{ message, shown }]);
}
