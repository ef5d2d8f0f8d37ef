// Helpers for the e2e tests: kubeconfigs, identities, generic server-side apply.
import * as https from "node:https";
import { randomBytes } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import type { E2EContext } from "./context.ts";

export function adminKubeConfig(ctx: E2EContext): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(ctx.kubeconfigPath);
  return kc;
}

/** A kubeconfig for the same cluster as `base`, authenticating with a bearer token only. */
export function tokenKubeConfig(base: k8s.KubeConfig, userName: string, token: string): k8s.KubeConfig {
  const cluster = base.getCurrentCluster();
  if (!cluster) throw new Error("the admin kubeconfig has no current cluster");
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: userName, token }],
    contexts: [{ name: userName, cluster: cluster.name, user: userName }],
    currentContext: userName,
  });
  return kc;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString("hex")}`;
}

/** HTTP status of a failed client-node call (ApiException.code), or undefined. */
export function statusOf(err: unknown): number | undefined {
  if (err && typeof err === "object" && "code" in err && typeof (err as { code: unknown }).code === "number") {
    return (err as { code: number }).code;
  }
  return undefined;
}

export async function expectHttpStatus(p: Promise<unknown>, status: number): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (statusOf(e) === status) return;
    throw e;
  }
  throw new Error(`expected HTTP ${status}, but the call succeeded`);
}

export async function createNamespace(kc: k8s.KubeConfig, name: string, labels: Record<string, string> = {}): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name, labels: { "osac-vm-gitops/e2e": "true", ...labels } } } });
}

/** Deletes a namespace without waiting (no namespace controller in the harness: it stays Terminating). */
export async function deleteNamespaceNoWait(kc: k8s.KubeConfig, name: string): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.deleteNamespace({ name }).catch(() => {});
}

export interface Identity {
  /** how it authenticates, for test output */
  kind: "token-file user" | "ServiceAccount";
  name: string;
  kc: k8s.KubeConfig;
  subject: k8s.RbacV1Subject;
}

/** A ServiceAccount in `namespace` and a short-lived token for it (TokenRequest API). */
export async function serviceAccountIdentity(admin: k8s.KubeConfig, namespace: string, name: string): Promise<Identity> {
  const core = admin.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  const tr = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  const token = tr.status?.token;
  if (!token) throw new Error(`TokenRequest for ServiceAccount ${namespace}/${name} returned no token`);
  return {
    kind: "ServiceAccount",
    name: `system:serviceaccount:${namespace}:${name}`,
    kc: tokenKubeConfig(admin, `sa-${name}`, token),
    subject: { kind: "ServiceAccount", name, namespace },
  };
}

/**
 * Identities without RBAC: the harness' token-file users, plus (always, so that the same test
 * runs against E2E_KUBECONFIG clusters) a ServiceAccount with a TokenRequest token.
 */
export async function restrictedIdentities(ctx: E2EContext, admin: k8s.KubeConfig, namespace: string): Promise<Identity[]> {
  const ids: Identity[] = ctx.restrictedUsers.map((u) => ({
    kind: "token-file user",
    name: u.name,
    kc: tokenKubeConfig(admin, u.name, u.token),
    subject: { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: u.name },
  }));
  ids.push(await serviceAccountIdentity(admin, namespace, uniqueName("e2e-restricted")));
  return ids;
}

export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Generic requests and server-side apply with fieldValidation=Strict (client-node's
// KubernetesObjectApi.patch cannot send fieldValidation).

export interface RawResponse {
  status: number;
  body: string;
}

export async function rawRequest(
  kc: k8s.KubeConfig,
  method: string,
  path: string,
  body?: string,
  contentType = "application/json",
): Promise<RawResponse> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("kubeconfig has no current cluster");
  const url = new URL(path, cluster.server.endsWith("/") ? cluster.server : `${cluster.server}/`);
  const opts: https.RequestOptions = { method, headers: { Accept: "application/json" } };
  await kc.applyToHTTPSOptions(opts);
  const headers = (opts.headers ?? {}) as Record<string, string | number>;
  if (body !== undefined) {
    headers["Content-Type"] = contentType;
    headers["Content-Length"] = Buffer.byteLength(body);
  }
  opts.headers = headers;
  return new Promise<RawResponse>((resolve, reject) => {
    const req = https.request(url, { ...opts, agent: false, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url.href} timed out`)));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** Resolves apiVersion+kind to a REST collection path through discovery (cached per kubeconfig). */
export class ResourceMapper {
  private cache = new Map<string, ApiResource[]>();
  constructor(private readonly kc: k8s.KubeConfig) {}

  private async resources(apiVersion: string, refresh = false): Promise<ApiResource[]> {
    const cached = this.cache.get(apiVersion);
    if (cached && !refresh) return cached;
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const res = await rawRequest(this.kc, "GET", base);
    if (res.status !== 200) throw new Error(`discovery of ${apiVersion} failed: HTTP ${res.status}: ${res.body.slice(0, 500)}`);
    const list = (JSON.parse(res.body) as { resources: ApiResource[] }).resources.filter((r) => !r.name.includes("/"));
    this.cache.set(apiVersion, list);
    return list;
  }

  async objectPath(obj: KubeObject): Promise<string> {
    let r = (await this.resources(obj.apiVersion)).find((x) => x.kind === obj.kind);
    if (!r) r = (await this.resources(obj.apiVersion, true)).find((x) => x.kind === obj.kind);
    if (!r) throw new Error(`the cluster serves no kind ${obj.kind} in ${obj.apiVersion}`);
    const base = obj.apiVersion.includes("/") ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
    const ns = r.namespaced ? `/namespaces/${obj.metadata.namespace ?? "default"}` : "";
    return `${base}${ns}/${r.name}/${encodeURIComponent(obj.metadata.name)}`;
  }
}

/** Server-side apply (force, fieldValidation=Strict); returns the object the server answered with. */
export async function serverSideApply(
  kc: k8s.KubeConfig,
  mapper: ResourceMapper,
  obj: KubeObject,
  fieldManager: string,
): Promise<KubeObject> {
  const p = await mapper.objectPath(obj);
  const q = `fieldManager=${encodeURIComponent(fieldManager)}&force=true&fieldValidation=Strict`;
  const res = await rawRequest(kc, "PATCH", `${p}?${q}`, JSON.stringify(obj), "application/apply-patch+yaml");
  if (res.status < 200 || res.status >= 300) {
    const ref = `${obj.apiVersion} ${obj.kind} ${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
    let msg = res.body;
    try {
      msg = (JSON.parse(res.body) as { message?: string }).message ?? res.body;
    } catch {
      /* not JSON */
    }
    throw new Error(`server-side apply of ${ref} rejected: HTTP ${res.status}: ${msg}`);
  }
  return JSON.parse(res.body) as KubeObject;
}
