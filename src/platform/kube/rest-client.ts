import * as https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface KubeResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
}

/**
 * A small REST client over the kubeconfig's credentials, for the requests client-node makes awkward
 * (server-side apply with fieldValidation, the status subresource): keep-alive connections, JSON
 * in and out, typed errors with the API server's status and reason.
 */
export class KubeRestClient {
  private readonly agent = new https.Agent({ keepAlive: true, maxSockets: 32 });
  private readonly server: URL;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly timeoutMs = 15_000,
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error("the kubeconfig has no current cluster");
    this.server = new URL(cluster.server.endsWith("/") ? cluster.server : `${cluster.server}/`);
  }

  /**
   * `discardBody`: a successful answer's body is drained unread and `body` is undefined (the
   * reconciler never reads what an apply or delete returns; parsing the whole object back costs
   * CPU per request). Error answers are always read for their status and message.
   */
  async request<T = unknown>(method: string, path: string, options: { body?: unknown; contentType?: string; allow404?: boolean; discardBody?: boolean } = {}): Promise<KubeResponse<T>> {
    const url = new URL(path.replace(/^\//, ""), this.server);
    const requestOptions: https.RequestOptions = { method, headers: { Accept: "application/json" } };
    await this.kubeConfig.applyToHTTPSOptions(requestOptions);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers = { ...(requestOptions.headers as Record<string, string>) };
    if (payload !== undefined) {
      headers["Content-Type"] = options.contentType ?? "application/json";
      headers["Content-Length"] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const req = https.request(url, { ...requestOptions, headers, agent: this.agent, timeout: this.timeoutMs }, (res) => {
        const status = res.statusCode ?? 0;
        if (options.discardBody && ((status >= 200 && status < 300) || (status === 404 && options.allow404))) {
          res.on("error", reject);
          res.on("end", () => resolve({ status, body: undefined as T }));
          res.resume();
          return;
        }
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text for the error message
          }
          if (status >= 200 && status < 300) return resolve({ status, body: body as T });
          if (status === 404 && options.allow404) return resolve({ status, body: body as T });
          const reason = (body as { reason?: string })?.reason ?? "Unknown";
          const message = (body as { message?: string })?.message ?? text.slice(0, 500);
          reject(new KubeApiError(status, reason, `${method} ${url.pathname}: HTTP ${status} ${reason}: ${message}`));
        });
      });
      req.on("timeout", () => req.destroy(new Error(`${method} ${url.pathname} timed out after ${this.timeoutMs} ms`)));
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Server-side apply with the given field manager (forced: this manager owns what it applies). */
  apply<T = unknown>(path: string, object: unknown, fieldManager: string, options: { discardBody?: boolean } = {}): Promise<KubeResponse<T>> {
    const query = `fieldManager=${encodeURIComponent(fieldManager)}&force=true&fieldValidation=Strict`;
    return this.request<T>("PATCH", `${path}?${query}`, { body: object, contentType: "application/apply-patch+yaml", ...options });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** REST paths of the kinds the controller touches. */
export function objectPath(apiVersion: string, kind: string, namespace: string | undefined, name: string, subresource?: string): string {
  const plural = PLURALS[kind];
  if (!plural) throw new Error(`no REST path known for kind ${kind}`);
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = namespace && kind !== "Namespace" ? `/namespaces/${namespace}` : "";
  return `${base}${ns}/${plural}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ""}`;
}

const PLURALS: Record<string, string> = {
  Namespace: "namespaces",
  Secret: "secrets",
  Service: "services",
  DataVolume: "datavolumes",
  VirtualMachine: "virtualmachines",
  VirtualMachineInstance: "virtualmachineinstances",
  Lease: "leases",
  ResourceQuota: "resourcequotas",
  LimitRange: "limitranges",
  NetworkPolicy: "networkpolicies",
};
