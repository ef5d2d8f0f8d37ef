import { inspect } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import yaml from "js-yaml";

/**
 * A hub's kubeconfig, read from its Secret and checked, as the prober and the per-hub watches use
 * it. Nothing of the kubeconfig's content ever appears in a message this module makes, not even
 * the server's address: errors name the field and the rule, never a value (js-yaml's own messages
 * quote the input, so they are not passed on), and a HubConnection prints as `HubConnection`.
 *
 * Accepted: one context (the current one, or the only one), a cluster with an https `server`,
 * `certificate-authority-data` (else the system's CAs), `tls-server-name`,
 * `insecure-skip-tls-verify` (honoured, and reported), and a user with a `token` or
 * `client-certificate-data` + `client-key-data`, or none. Refused: anything that reads a file or
 * runs a program in the controller's pod (`certificate-authority`, `client-certificate`,
 * `client-key`, `tokenFile`, `exec`, `auth-provider`), basic auth, `proxy-url`, and a server URL
 * with credentials in it.
 */
export class HubConnection {
  readonly #token: string | undefined;
  readonly #clientCertificatePem: string | undefined;
  readonly #clientKeyPem: string | undefined;
  readonly #caPem: string | undefined;

  constructor(
    readonly server: string,
    readonly insecureSkipTlsVerify: boolean,
    readonly tlsServerName: string | undefined,
    secrets: { token?: string; clientCertificatePem?: string; clientKeyPem?: string; caPem?: string },
  ) {
    this.#token = secrets.token;
    this.#clientCertificatePem = secrets.clientCertificatePem;
    this.#clientKeyPem = secrets.clientKeyPem;
    this.#caPem = secrets.caPem;
  }

  /** How the hub authenticates us, for messages: `token`, `client certificate` or `anonymous`. */
  get credentialKind(): string {
    return this.#token !== undefined ? "token" : this.#clientCertificatePem !== undefined ? "client certificate" : "anonymous";
  }

  /** A client-node KubeConfig with exactly this cluster and user (for KubeRestClient and watches). */
  toKubeConfig(): KubeConfig {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: "hub",
          server: this.server,
          skipTLSVerify: this.insecureSkipTlsVerify,
          ...(this.#caPem !== undefined ? { caData: Buffer.from(this.#caPem).toString("base64") } : {}),
          ...(this.tlsServerName !== undefined ? { tlsServerName: this.tlsServerName } : {}),
        },
      ],
      users: [
        {
          name: "hub",
          ...(this.#token !== undefined ? { token: this.#token } : {}),
          ...(this.#clientCertificatePem !== undefined ? { certData: Buffer.from(this.#clientCertificatePem).toString("base64") } : {}),
          ...(this.#clientKeyPem !== undefined ? { keyData: Buffer.from(this.#clientKeyPem).toString("base64") } : {}),
        },
      ],
      contexts: [{ name: "hub", cluster: "hub", user: "hub" }],
      currentContext: "hub",
    });
    return kubeConfig;
  }

  toString(): string {
    return `HubConnection(${this.credentialKind})`;
  }

  toJSON(): object {
    return { credentials: this.credentialKind };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export type KubeconfigReading = { readonly ok: true; readonly connection: HubConnection } | { readonly ok: false; readonly problem: string };

const FILE_FIELDS: Readonly<Record<string, string>> = {
  "certificate-authority": "certificate-authority-data",
  "client-certificate": "client-certificate-data",
  "client-key": "client-key-data",
  tokenFile: "token",
};

/** Reads a kubeconfig's text. `problem` says what is wrong without quoting the text. */
export function readKubeconfig(text: string): KubeconfigReading {
  let document: unknown;
  try {
    document = yaml.load(text, { schema: yaml.JSON_SCHEMA });
  } catch (error) {
    const mark = (error as { mark?: { line?: number; column?: number } }).mark;
    const where = mark?.line !== undefined ? ` (line ${mark.line + 1}, column ${(mark.column ?? 0) + 1})` : "";
    return refused(`is not valid YAML${where}`);
  }
  if (!isRecord(document)) return refused("is not a kubeconfig: expected a mapping with clusters, users and contexts");
  const contexts = namedEntries(document["contexts"], "context");
  if (contexts.length === 0) return refused("has no contexts");
  const currentName = typeof document["current-context"] === "string" ? document["current-context"] : undefined;
  const context = currentName !== undefined ? contexts.find((entry) => entry.name === currentName) : contexts.length === 1 ? contexts[0] : undefined;
  if (context === undefined) return refused(currentName !== undefined ? "names a current-context that is not among its contexts" : "has several contexts and no current-context");
  const clusterName = context.body["cluster"];
  const userName = context.body["user"];
  const cluster = namedEntries(document["clusters"], "cluster").find((entry) => entry.name === clusterName);
  if (cluster === undefined) return refused("has no cluster for its current context");
  const user = userName === undefined || userName === "" ? undefined : namedEntries(document["users"], "user").find((entry) => entry.name === userName);
  if (userName !== undefined && userName !== "" && user === undefined) return refused("has no user for its current context");
  return connectionOf(cluster.body, user?.body ?? {});
}

function connectionOf(cluster: Record<string, unknown>, user: Record<string, unknown>): KubeconfigReading {
  const server = cluster["server"];
  if (typeof server !== "string" || server === "") return refused("has no server for its current context's cluster");
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return refused("has a cluster server that is not a URL");
  }
  if (url.protocol !== "https:") return refused("has a cluster server that is not https:// (the API server must be reached over TLS)");
  if (url.username !== "" || url.password !== "") return refused("has credentials inside the cluster server URL; put them in the user");
  if (cluster["proxy-url"] !== undefined) return refused("uses proxy-url, which the hub prober does not support");
  for (const [field, instead] of Object.entries(FILE_FIELDS)) {
    if (cluster[field] !== undefined || user[field] !== undefined) return refused(`uses '${field}', a file path the controller cannot read; embed it as '${instead}'`);
  }
  if (user["exec"] !== undefined || user["auth-provider"] !== undefined) {
    return refused(`uses '${user["exec"] !== undefined ? "exec" : "auth-provider"}', which would run a program in the controller; use a token or a client certificate`);
  }
  if (user["username"] !== undefined || user["password"] !== undefined) return refused("uses basic auth (username/password), which Kubernetes no longer serves; use a token or a client certificate");
  const decoded: { caPem?: string; clientCertificatePem?: string; clientKeyPem?: string } = {};
  for (const [field, target] of [
    ["certificate-authority-data", "caPem"],
    ["client-certificate-data", "clientCertificatePem"],
    ["client-key-data", "clientKeyPem"],
  ] as const) {
    const value = (field === "certificate-authority-data" ? cluster : user)[field];
    if (value === undefined) continue;
    const pem = decodePem(value);
    if (pem === undefined) return refused(`has a '${field}' that is not base64 of PEM`);
    decoded[target] = pem;
  }
  if ((decoded.clientCertificatePem === undefined) !== (decoded.clientKeyPem === undefined)) return refused("has a client certificate without its key, or a key without its certificate");
  const token = user["token"];
  if (token !== undefined && (typeof token !== "string" || token === "" || /[\r\n]/.test(token))) return refused("has a 'token' that is not a single-line string");
  const insecure = cluster["insecure-skip-tls-verify"];
  if (insecure !== undefined && typeof insecure !== "boolean") return refused("has an 'insecure-skip-tls-verify' that is not true or false");
  const tlsServerName = cluster["tls-server-name"];
  if (tlsServerName !== undefined && typeof tlsServerName !== "string") return refused("has a 'tls-server-name' that is not a string");
  return {
    ok: true,
    connection: new HubConnection(url.origin + url.pathname.replace(/\/$/, ""), insecure === true, tlsServerName, {
      ...(typeof token === "string" ? { token } : {}),
      ...decoded,
    }),
  };
}

function decodePem(value: unknown): string | undefined {
  if (typeof value !== "string" || !/^[A-Za-z0-9+/=\s]+$/.test(value)) return undefined;
  const text = Buffer.from(value, "base64").toString("utf8");
  return text.includes("-----BEGIN ") ? text : undefined;
}

function namedEntries(list: unknown, field: "cluster" | "user" | "context"): { name: unknown; body: Record<string, unknown> }[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).map((entry) => ({ name: entry["name"], body: isRecord(entry[field]) ? (entry[field] as Record<string, unknown>) : {} }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function refused(problem: string): KubeconfigReading {
  return { ok: false, problem };
}
