// What the e2e global setup hands to the test files (vitest provide/inject).
export interface E2EContext {
  /** Kubeconfig of the cluster under test (admin). */
  kubeconfigPath: string;
  /** API server URL. */
  server: string;
  /** true when E2E_KUBECONFIG pointed at an existing cluster (no harness started). */
  external: boolean;
  /** Cluster CA file (harness only). */
  caPath?: string;
  /** Admin bearer token (harness only). */
  adminToken?: string;
  /** Token-file users without any RBAC binding (harness only; [] for E2E_KUBECONFIG). */
  restrictedUsers: { name: string; token: string }[];
  /** Harness start-up timings in ms (harness only). */
  timings?: { binariesMs: number; processesReadyMs: number; crdsMs: number; totalMs: number };
  /**
   * The project's webhook process serving conversion for the suite (harness only): its URL, the
   * CA of its serving certificate, and the directory of its certificate files (tls.crt, tls.key,
   * ca.crt, ca.key) so tests can rotate them.
   */
  webhook?: { url: string; port: number; caPem: string; certDirectory: string; logFile: string };
  /** Kubernetes version of the harness' kube-apiserver (harness only). */
  kubeVersion?: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    e2e: E2EContext;
  }
}
