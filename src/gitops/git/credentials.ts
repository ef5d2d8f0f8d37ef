import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * How git authenticates to the repository. The secrets stay in the files a Kubernetes Secret is
 * mounted as: git reads them through an askpass helper (HTTPS) or ssh's `-i` (SSH), so they are
 * never in a process' arguments, in a URL, in the repository's configuration or in a log.
 */
export type GitCredentials =
  | { readonly kind: "none" }
  | { readonly kind: "https"; readonly usernameFile: string; readonly tokenFile: string }
  | { readonly kind: "ssh"; readonly privateKeyFile: string; readonly knownHostsFile: string };

export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

export interface GitEnvironmentRequest {
  readonly credentials: GitCredentials;
  /** CA bundle that signs the HTTPS server's certificate (GIT_SSL_CAINFO). */
  readonly caFile?: string;
  /** Where the askpass helper is written (the data directory; it holds no secret). */
  readonly helperDirectory: string;
  readonly identity: GitIdentity;
  readonly path: string;
}

export interface GitEnvironment {
  readonly env: Record<string, string>;
  /** Values git's messages are scrubbed of. */
  readonly secrets: string[];
}

export const ASKPASS_FILE = "git-askpass.sh";

/**
 * The askpass helper git runs for a username or a password: it prints the content of the file
 * named by an environment variable. The script itself holds no secret.
 */
const ASKPASS_SCRIPT = `#!/bin/sh
# Written by osac-vm committer: answers git's credential prompts from the mounted Secret's files.
case "$1" in
  Username*) exec cat "$OSAC_VM_GIT_USERNAME_FILE" ;;
  *) exec cat "$OSAC_VM_GIT_TOKEN_FILE" ;;
esac
`;

/** The environment every git call of the committer runs with. */
export function gitEnvironment(request: GitEnvironmentRequest): GitEnvironment {
  const env: Record<string, string> = {
    PATH: request.path,
    HOME: request.helperDirectory,
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: request.identity.name,
    GIT_AUTHOR_EMAIL: request.identity.email,
    GIT_COMMITTER_NAME: request.identity.name,
    GIT_COMMITTER_EMAIL: request.identity.email,
    // No ssh unless configured below: a URL that needs one fails instead of prompting.
    GIT_SSH_COMMAND: "ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null",
  };
  if (request.caFile) env.GIT_SSL_CAINFO = request.caFile;
  const secrets: string[] = [];
  const { credentials } = request;
  if (credentials.kind === "https") {
    const helper = join(request.helperDirectory, ASKPASS_FILE);
    writeFileSync(helper, ASKPASS_SCRIPT, { mode: 0o700 });
    chmodSync(helper, 0o700);
    env.GIT_ASKPASS = helper;
    env.OSAC_VM_GIT_USERNAME_FILE = credentials.usernameFile;
    env.OSAC_VM_GIT_TOKEN_FILE = credentials.tokenFile;
    const token = readFileSync(credentials.tokenFile, "utf8").trim();
    if (token) secrets.push(token);
  } else if (credentials.kind === "ssh") {
    env.GIT_SSH_COMMAND = [
      "ssh -F /dev/null",
      `-i ${shellQuote(credentials.privateKeyFile)}`,
      "-o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes -o ConnectTimeout=15",
      "-o StrictHostKeyChecking=yes",
      `-o UserKnownHostsFile=${shellQuote(credentials.knownHostsFile)}`,
      "-o GlobalKnownHostsFile=/dev/null",
    ].join(" ");
  }
  return { env, secrets };
}

/**
 * ssh refuses a private key its own user owns when group or others can read it (a key owned by
 * another user, as a Kubernetes Secret volume's root-owned files are, is not checked); say so
 * before git does, naming the setting.
 */
export function privateKeyModeProblem(file: string): string | undefined {
  const stat = statSync(file);
  const mode = stat.mode & 0o777;
  if (stat.uid !== process.getuid?.() || (mode & 0o077) === 0) return undefined;
  return `${file} can be read by other users (mode ${mode.toString(8).padStart(4, "0")}); ssh refuses such a key: chmod 600 it (in a pod, mount the Secret with defaultMode 0400 or 0440)`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
