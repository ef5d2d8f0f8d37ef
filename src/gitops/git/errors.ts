/**
 * What went wrong talking to a Git remote, read from git's own messages (git runs with
 * `LC_ALL=C`, so they are git's English wording). The kind decides what the committer does:
 * a start-up check exits 2 naming the setting to fix, a push retries with backoff, a rejected
 * push fetches and rebases.
 */
export type GitFailureKind =
  /** 401/403, a refused SSH key, a username or password git would have to ask for. */
  | "authentication"
  /** The server's TLS certificate is not trusted (or the CA file is wrong). */
  | "tls"
  /** SSH: the host key is not in known_hosts, or does not match it. */
  | "host-key"
  /** DNS, connection refused or timed out, the server went away. */
  | "unreachable"
  /** The URL answers but names no repository. */
  | "not-found"
  /** The remote has commits we do not have (non-fast-forward, fetch first). */
  | "non-fast-forward"
  /** The remote refused the update for its own reasons (a hook, a protected branch). */
  | "remote-rejected"
  | "other";

export class GitCommandError extends Error {
  override readonly name = "GitCommandError";
  readonly code = "GIT_COMMAND";
  constructor(
    /** The git subcommand (`push`, `fetch`, …); never its arguments. */
    readonly command: string,
    readonly kind: GitFailureKind,
    /** git's own message, with URLs' userinfo and known secrets removed. */
    readonly detail: string,
    readonly exitCode: number | null,
  ) {
    super(`git ${command} failed (${kind}): ${detail || `exit code ${exitCode}`}`);
  }
}

const PATTERNS: readonly [GitFailureKind, RegExp][] = [
  ["tls", /SSL certificate problem|server certificate verification failed|certificate verify failed|unable to get local issuer certificate|self[- ]signed certificate|SSL_ERROR|gnutls_handshake|schannel/i],
  ["host-key", /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No (RSA|ECDSA|ED25519)? ?host key is known/i],
  [
    "authentication",
    /Authentication failed|could not read (Username|Password)|terminal prompts disabled|returned error: 40[13]|HTTP 40[13]|Permission denied \(publickey|Invalid username or password|invalid credentials/i,
  ],
  ["not-found", /repository '.*' not found|returned error: 404|does not appear to be a git repository|Repository not found|No such file or directory.*\.git|not a git repository/i],
  [
    "unreachable",
    /Could not resolve host|Failed to connect|Connection refused|Connection timed out|Operation timed out|Couldn't connect|Network is unreachable|Empty reply from server|Connection reset|unable to access|remote end hung up|Could not read from remote repository|Timeout was reached|connect to host/i,
  ],
];

/** The failure kind of a git error message (first pattern that matches, in the order above). */
export function classifyGitFailure(stderr: string): GitFailureKind {
  for (const [kind, pattern] of PATTERNS) if (pattern.test(stderr)) return kind;
  return "other";
}
