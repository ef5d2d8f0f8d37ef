import { describe, expect, it } from "vitest";
import { applicationCovers, normalizeRepositoryUrl, sourcesOf } from "../../../../src/gitops/committer/application-match.ts";

describe("normalizeRepositoryUrl", () => {
  it.each([
    ["https://Git.Example.com/org/fleet.git", "https://git.example.com/org/fleet"],
    ["https://git.example.com/org/fleet/", "https://git.example.com/org/fleet"],
    ["https://user@git.example.com/org/fleet", "https://git.example.com/org/fleet"],
    ["git@git.example.com:org/fleet.git", "ssh://git.example.com/org/fleet"],
    ["ssh://git@git.example.com/org/fleet.git", "ssh://git.example.com/org/fleet"],
  ])("GIVEN %s THEN %s", (url, normal) => expect(normalizeRepositoryUrl(url)).toBe(normal));
});

describe("applicationCovers", () => {
  const target = { url: "https://git.example.com/org/fleet.git", branch: "main", paths: ["rendered/orders-x/vm-a.yaml"] };

  it.each([
    ["the rendered directory on main", { repoURL: "https://git.example.com/org/fleet", path: "rendered", targetRevision: "main" }, true],
    ["the repository's root at HEAD", { repoURL: "https://git.example.com/org/fleet.git", path: ".", targetRevision: "HEAD" }, true],
    ["the tenant's directory", { repoURL: "https://git.example.com/org/fleet.git", path: "rendered/orders-x/", targetRevision: "refs/heads/main" }, true],
    ["another directory", { repoURL: "https://git.example.com/org/fleet.git", path: "orders", targetRevision: "main" }, false],
    ["a sibling with a common prefix", { repoURL: "https://git.example.com/org/fleet.git", path: "render", targetRevision: "main" }, false],
    ["another branch", { repoURL: "https://git.example.com/org/fleet.git", path: "rendered", targetRevision: "staging" }, false],
    ["another repository", { repoURL: "https://git.example.com/org/other.git", path: "rendered" }, false],
  ])("GIVEN an Application on %s THEN covered is %s", (_what, source, covered) => {
    expect(applicationCovers([source], target)).toBe(covered);
  });

  it("GIVEN a multi-source Application THEN any matching source counts", () => {
    const sources = sourcesOf({ spec: { sources: [{ repoURL: "https://charts.example.com", path: "x" }, { repoURL: "https://git.example.com/org/fleet", path: "rendered" }] } });
    expect(applicationCovers(sources, target)).toBe(true);
  });
});
