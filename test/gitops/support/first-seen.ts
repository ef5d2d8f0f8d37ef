// Records when each object first appears in the API (polled every 100 ms): enough to order Argo CD's
// sync waves, which are at least ARGOCD_SYNC_WAVE_DELAY (2 s by default) apart.
import type * as k8s from "@kubernetes/client-node";
import { rawRequest } from "../../e2e/support/kube.ts";

export const objectKey = (kind: string, namespace: string | undefined, name: string) => `${kind} ${namespace ?? ""}/${name}`;

const LISTS: { kind: string; path: (ns: string) => string }[] = [
  { kind: "Secret", path: (ns) => `/api/v1/namespaces/${ns}/secrets` },
  { kind: "Service", path: (ns) => `/api/v1/namespaces/${ns}/services` },
  { kind: "DataVolume", path: (ns) => `/apis/cdi.kubevirt.io/v1beta1/namespaces/${ns}/datavolumes` },
  { kind: "VirtualMachine", path: (ns) => `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines` },
];

export class FirstSeen {
  private readonly seen = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly kc: k8s.KubeConfig) {}

  /** Starts polling the tenant namespaces themselves and the rendered kinds in them. */
  start(namespaces: readonly string[]): void {
    const poll = async () => {
      if (this.busy) return;
      this.busy = true;
      try {
        const now = Date.now();
        const requests = namespaces.flatMap((ns) => [
          rawRequest(this.kc, "GET", `/api/v1/namespaces/${ns}`).then((res) => (res.status === 200 ? [objectKey("Namespace", undefined, ns)] : [])),
          ...LISTS.map(({ kind, path }) =>
            rawRequest(this.kc, "GET", path(ns)).then((res) =>
              res.status === 200 ? (JSON.parse(res.body) as { items: { metadata: { name: string } }[] }).items.map((item) => objectKey(kind, ns, item.metadata.name)) : [],
            ),
          ),
        ]);
        for (const key of (await Promise.all(requests)).flat()) if (!this.seen.has(key)) this.seen.set(key, now);
      } catch {
        /* the next poll tries again */
      } finally {
        this.busy = false;
      }
    };
    this.timer = setInterval(() => void poll(), 100);
  }

  times(): Map<string, number> {
    return new Map(this.seen);
  }

  async waitFor(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.seen.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
