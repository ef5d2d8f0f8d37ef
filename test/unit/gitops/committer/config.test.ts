import { describe, expect, it } from "vitest";
import { describeCommitterConfigErrors, parseCommitterConfig, parseDurationMs } from "../../../../src/gitops/committer/config.ts";

const errorsOf = (flags: Parameters<typeof parseCommitterConfig>[0]) => {
  const parsed = parseCommitterConfig(flags, {});
  return parsed.success ? [] : describeCommitterConfigErrors(parsed.error);
};

describe("parseCommitterConfig", () => {
  it("GIVEN only a repository THEN the documented defaults apply", () => {
    const parsed = parseCommitterConfig({ repository: "https://git.example.com/org/fleet.git" }, { POD_NAME: "committer-0", POD_NAMESPACE: "osac" });
    expect(parsed.success && parsed.data).toMatchObject({
      branch: "main",
      path: "rendered",
      dataDir: ".data/committer",
      batchWindowMs: 1_000,
      removal: { maxRemovedOrders: 10, maxRemovedPercent: 50, allowMassRemoval: false },
      argoCd: { refresh: "normal" },
      author: { name: "osac-vm committer", email: "osac-vm-committer@osac.invalid" },
      leaderElection: { enabled: true, namespace: "osac", name: "osac-vm-committer", identity: "committer-0" },
    });
  });

  it("GIVEN '.' or a trailing slash THEN the path is the repository's root or the directory", () => {
    const root = parseCommitterConfig({ repository: "https://h/r.git", path: "." }, {});
    const nested = parseCommitterConfig({ repository: "https://h/r.git", path: "hubs/east/" }, {});
    expect([root.success && root.data.path, nested.success && nested.data.path]).toEqual(["", "hubs/east"]);
  });

  it("GIVEN --order-namespaces THEN orders are watched in those namespaces only; a bad name is named", () => {
    const scoped = parseCommitterConfig({ repository: "https://h/r.git", "order-namespaces": "orders-a, orders-b" }, {});
    const wide = parseCommitterConfig({ repository: "https://h/r.git" }, {});
    expect([scoped.success && scoped.data.orderNamespaces, wide.success && wide.data.orderNamespaces]).toEqual([["orders-a", "orders-b"], undefined]);
    expect(errorsOf({ repository: "https://h/r.git", "order-namespaces": "Orders_A" })).toEqual(["--order-namespaces: must be a namespace name (DNS-1123 label)"]);
    expect(errorsOf({ repository: "https://h/r.git", "order-namespaces": " , " })).toEqual(["--order-namespaces: must name at least one namespace"]);
  });

  it("GIVEN bad settings THEN every error names its flag", () => {
    expect(
      errorsOf({ repository: "https://bot:token@h/r.git", branch: "a..b", path: "../up", "batch-window": "soon", "commit-author": "nobody", "argocd-refresh": "now", "sealing-certificate-file": "cert.pem" }),
    ).toEqual([
      "--repository: carries a user name or password; give the repository URL without them and the credentials as files",
      "--branch: must be a valid branch name (e.g. main)",
      "--path: must be a relative directory in the repository without '..' (e.g. rendered), or '' for its root",
      "--commit-author: must be 'Name <email>'",
      "--sealing-key-file: --sealing-certificate-file and --sealing-key-file go together: give both, or neither (no sealing)",
      "--batch-window: must be a duration such as 1s or 500ms",
      expect.stringMatching(/^--argocd-refresh: /),
    ]);
  });

  it("GIVEN --hubs THEN --sealing-key-file alone is the hubs' value key; without --hubs it needs the certificate, and --argocd-repo-url needs --hubs", () => {
    const hubs = parseCommitterConfig({ repository: "https://h/r.git", hubs: true, "sealing-key-file": "seal.key", "argocd-repo-url": "https://argo.example/r.git" }, {});
    expect(hubs.success && { hubs: hubs.data.hubs, sealing: hubs.data.sealing, argoCd: hubs.data.argoCd }).toEqual({
      hubs: true,
      sealing: { keyFile: "seal.key", reseal: false },
      argoCd: { refresh: "normal", repoUrl: "https://argo.example/r.git" },
    });
    const single = parseCommitterConfig({ repository: "https://h/r.git" }, {});
    expect(single.success && single.data.hubs).toBe(false);
    expect(errorsOf({ repository: "https://h/r.git", "sealing-key-file": "seal.key", "argocd-repo-url": "https://argo.example/r.git" })).toEqual([
      "--sealing-certificate-file: --sealing-certificate-file and --sealing-key-file go together: give both, or neither (no sealing)",
      "--argocd-repo-url: needs --hubs (the Argo CD objects are generated for per-hub output)",
    ]);
  });

  it("GIVEN no repository THEN it is required", () => {
    expect(errorsOf({})).toEqual(["--repository: is required: the URL of the Git repository to commit to (https://…, ssh://… or git@host:…)"]);
  });

  it("GIVEN a CA file for an SSH repository THEN it is refused", () => {
    expect(errorsOf({ repository: "git@h:org/r.git", "git-ca-file": "ca.pem" })).toEqual(["--git-ca-file: applies to https:// repositories, not to SSH"]);
  });
});

describe("parseDurationMs", () => {
  it.each([
    ["1s", 1_000],
    ["500ms", 500],
    ["1.5s", 1_500],
    ["2m", 120_000],
    ["0s", 0],
    ["1", undefined],
    ["-1s", undefined],
    ["1h", undefined],
  ])("GIVEN %s THEN %s", (text, ms) => expect(parseDurationMs(text)).toBe(ms));
});
