import type { KubeRestClient } from "../../platform/kube/rest-client.ts";

export interface RequestCount {
  /** `LIST`, `GET`, ... */
  readonly verb: string;
  /** The resource's plural, e.g. `secrets`. */
  readonly resource: string;
  readonly count: number;
}

type Requester = Pick<KubeRestClient, "request">;

/**
 * A REST client that counts what it sends, by verb and resource (a GET of a collection is a
 * LIST, as the API server's metrics count it): the numbers `diff --live --stats` and the
 * benchmark report.
 */
export class CountingClient implements Requester {
  private readonly counts = new Map<string, number>();

  constructor(private readonly inner: Requester) {}

  request: Requester["request"] = (method, path, options) => {
    const key = describe(method, path);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    return this.inner.request(method, path, options);
  };

  snapshot(): RequestCount[] {
    return [...this.counts].map(([key, count]) => {
      const [verb = "", resource = ""] = key.split(" ");
      return { verb, resource, count };
    });
  }

  get total(): number {
    return [...this.counts.values()].reduce((sum, count) => sum + count, 0);
  }
}

/**
 * `GET /api/v1/namespaces/x/secrets?limit=500` → `LIST secrets`; `GET /api/v1/namespaces/x` →
 * `GET namespaces`. Collection paths have an odd number of segments after the group/version
 * (`secrets`, `namespaces/x/secrets`), object paths an even one.
 */
function describe(method: string, path: string): string {
  const segments = path.split("?")[0]!.split("/").filter(Boolean);
  const rest = segments[0] === "api" ? segments.slice(2) : segments.slice(3);
  const collection = rest.length % 2 === 1;
  const resource = collection ? rest[rest.length - 1]! : (rest[rest.length - 2] ?? "");
  const verb = method === "GET" && collection ? "LIST" : method;
  return `${verb} ${resource}`;
}
