import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { BareRepository } from "../git/bare-repository.ts";
import { gitEnvironment, privateKeyModeProblem, type GitCredentials, type GitEnvironment } from "../git/credentials.ts";
import { GitCommandError } from "../git/errors.ts";
import { loadSealingSettings, loadValueKey, SealingSettingError, SecretSealer, type ValueKey } from "../sealing/index.ts";
import type { CommitterConfig } from "./config.ts";

/**
 * A setting the committer cannot start with: `setting` names the flag to fix. The CLI prints it
 * and exits 2 (invalid usage), before anything is committed.
 */
export class CommitterSettingError extends Error {
  override readonly name = "CommitterSettingError";
  readonly code = "COMMITTER_SETTING";
  constructor(
    readonly setting: string,
    readonly problem: string,
  ) {
    super(`${setting}: ${problem}`);
  }
}

/** The Secret keys the credentials directory may hold (the standard Secret types' keys). */
export const CredentialFiles = {
  username: "username",
  password: "password",
  sshPrivateKey: "ssh-privatekey",
  knownHosts: "known_hosts",
} as const;

export interface CommitterSetup {
  readonly repository: BareRepository;
  readonly environment: GitEnvironment;
  readonly sealer?: SecretSealer;
  /** The value key (with a sealer, its key; with hubs, also alone: each hub seals with its own certificate). */
  readonly valueKey?: ValueKey;
  readonly warnings: string[];
  /** The branch's tip when checked (undefined: the branch does not exist yet). */
  readonly remoteTip: string | undefined;
}

const SETTING = { credentials: "--git-credentials-dir", ca: "--git-ca-file", repository: "--repository", dataDir: "--data-dir" } as const;

/** The credentials in the mounted Secret: username + password (kubernetes.io/basic-auth) or ssh-privatekey + known_hosts (kubernetes.io/ssh-auth). */
export function readCredentials(config: Pick<CommitterConfig, "credentialsDir" | "repository">): GitCredentials {
  const directory = config.credentialsDir;
  const ssh = isSsh(config.repository);
  if (!directory) return { kind: "none" };
  if (!existsSync(directory) || !statSync(directory).isDirectory()) throw new CommitterSettingError(SETTING.credentials, `${directory} is not a directory (mount the credentials Secret there)`);
  const file = (name: string) => join(directory, name);
  const readable = (name: string) => {
    try {
      accessSync(file(name), constants.R_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (ssh) {
    if (!readable(CredentialFiles.sshPrivateKey) || !readable(CredentialFiles.knownHosts)) {
      throw new CommitterSettingError(
        SETTING.credentials,
        `${directory} must hold '${CredentialFiles.sshPrivateKey}' and '${CredentialFiles.knownHosts}' for the SSH repository ${config.repository} (a kubernetes.io/ssh-auth Secret plus the server's host keys)`,
      );
    }
    const modeProblem = privateKeyModeProblem(file(CredentialFiles.sshPrivateKey));
    if (modeProblem) throw new CommitterSettingError(SETTING.credentials, modeProblem);
    return { kind: "ssh", privateKeyFile: resolve(file(CredentialFiles.sshPrivateKey)), knownHostsFile: resolve(file(CredentialFiles.knownHosts)) };
  }
  if (!readable(CredentialFiles.username) || !readable(CredentialFiles.password)) {
    throw new CommitterSettingError(
      SETTING.credentials,
      `${directory} must hold '${CredentialFiles.username}' and '${CredentialFiles.password}' (the token) for the HTTPS repository ${config.repository} (a kubernetes.io/basic-auth Secret)`,
    );
  }
  if (readFileSync(file(CredentialFiles.password)).length === 0) throw new CommitterSettingError(SETTING.credentials, `'${CredentialFiles.password}' in ${directory} is empty`);
  return { kind: "https", usernameFile: resolve(file(CredentialFiles.username)), tokenFile: resolve(file(CredentialFiles.password)) };
}

/**
 * Everything the committer checks before it starts: credentials and CA files, the sealing
 * certificate and key, the data directory, and the repository itself (reachable, a repository,
 * credentials accepted, certificate trusted). Throws a CommitterSettingError naming the setting.
 */
export async function prepareCommitter(config: CommitterConfig, env: Readonly<Record<string, string | undefined>>): Promise<CommitterSetup> {
  const credentials = readCredentials(config);
  if (config.caFile) {
    try {
      accessSync(config.caFile, constants.R_OK);
    } catch {
      throw new CommitterSettingError(SETTING.ca, `cannot read ${config.caFile}`);
    }
  }
  const warnings: string[] = [];
  let sealer: SecretSealer | undefined;
  let valueKey: ValueKey | undefined;
  if (config.sealing) {
    const { certificateFile, keyFile, reseal } = config.sealing;
    try {
      if (certificateFile === undefined) {
        const loaded = loadValueKey({ keyFile, keySetting: "--sealing-key-file" });
        warnings.push(...loaded.warnings);
        valueKey = loaded.valueKey;
      } else {
        const loaded = loadSealingSettings({ certificateFile, certificateSetting: "--sealing-certificate-file", keyFile, keySetting: "--sealing-key-file", reseal });
        warnings.push(...loaded.warnings);
        sealer = new SecretSealer(loaded.settings);
        valueKey = loaded.settings.valueKey;
      }
    } catch (error) {
      if (error instanceof SealingSettingError) throw new CommitterSettingError(error.setting, error.problem);
      throw error;
    }
  }
  const dataDir = resolve(config.dataDir);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    throw new CommitterSettingError(SETTING.dataDir, `cannot use ${dataDir}: ${(error as Error).message}`);
  }
  const environment = gitEnvironment({
    credentials,
    ...(config.caFile ? { caFile: resolve(config.caFile) } : {}),
    helperDirectory: dataDir,
    identity: config.author,
    path: env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
  });
  const repository = new BareRepository({
    gitDir: join(dataDir, "repository.git"),
    url: config.repository,
    branch: config.branch,
    env: environment.env,
    secrets: environment.secrets,
    networkTimeoutMs: config.networkTimeoutMs,
  });
  let remoteTip: string | undefined;
  try {
    await repository.prepare();
    remoteTip = await repository.lsRemote();
  } catch (error) {
    if (error instanceof GitCommandError) throw settingErrorOf(error, config, credentials);
    throw new CommitterSettingError(SETTING.dataDir, (error as Error).message);
  }
  return { repository, environment, ...(sealer ? { sealer } : {}), ...(valueKey ? { valueKey } : {}), warnings, remoteTip };
}

function settingErrorOf(error: GitCommandError, config: CommitterConfig, credentials: GitCredentials): CommitterSettingError {
  const url = config.repository;
  switch (error.kind) {
    case "authentication":
      return new CommitterSettingError(
        SETTING.credentials,
        credentials.kind === "none"
          ? `${url} asks for credentials and none are configured: mount a Secret with ${isSsh(url) ? "ssh-privatekey and known_hosts" : "username and password (the token)"} and pass its directory (${error.detail})`
          : `${url} refused the credentials in ${config.credentialsDir} (${error.detail})`,
      );
    case "tls":
      return new CommitterSettingError(SETTING.ca, `the certificate of ${url} is not trusted (${error.detail}); give the CA bundle that signed it`);
    case "host-key":
      return new CommitterSettingError(SETTING.credentials, `'${CredentialFiles.knownHosts}' does not hold the host key of ${url} (${error.detail})`);
    case "not-found":
      return new CommitterSettingError(SETTING.repository, `${url} is not a Git repository (${error.detail})`);
    case "unreachable":
      return new CommitterSettingError(SETTING.repository, `cannot reach ${url} (${error.detail})`);
    default:
      return new CommitterSettingError(SETTING.repository, `${url}: ${error.message}`);
  }
}

function isSsh(url: string): boolean {
  return url.startsWith("ssh://") || /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:/.test(url);
}
