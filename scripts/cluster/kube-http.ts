// A minimal HTTPS client for the harness itself (readiness, CRDs, StorageClass): no dependency
// on @kubernetes/client-node so that the harness stays small and fast to import.
import * as https from "node:https";

export interface KubeEndpoint {
  /** https://127.0.0.1:<port> */
  server: string;
  /** PEM of the cluster CA */
  ca: string | Buffer;
  /** bearer token */
  token: string;
}

export interface KubeResponse {
  status: number;
  text: string;
}

export function kubeRequest(
  ep: KubeEndpoint,
  method: string,
  urlPath: string,
  body?: unknown,
  contentType = "application/json",
  timeoutMs = 10_000,
): Promise<KubeResponse> {
  const url = new URL(urlPath, ep.server);
  const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return new Promise<KubeResponse>((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: ep.ca,
        headers: {
          Authorization: `Bearer ${ep.token}`,
          Accept: "application/json",
          ...(payload !== undefined
            ? { "Content-Type": contentType, "Content-Length": Buffer.byteLength(payload) }
            : {}),
        },
        timeout: timeoutMs,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${url.href} timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Server-side apply of one object at an explicit path. Throws on any non-2xx answer. */
export async function serverSideApply(
  ep: KubeEndpoint,
  objectPath: string,
  obj: unknown,
  fieldManager: string,
): Promise<unknown> {
  const sep = objectPath.includes("?") ? "&" : "?";
  const res = await kubeRequest(
    ep,
    "PATCH",
    `${objectPath}${sep}fieldManager=${encodeURIComponent(fieldManager)}&force=true`,
    obj,
    "application/apply-patch+yaml",
  );
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`server-side apply of ${objectPath} failed: HTTP ${res.status}: ${res.text.slice(0, 2000)}`);
  }
  return JSON.parse(res.text) as unknown;
}
