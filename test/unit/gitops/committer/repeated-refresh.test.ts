import { describe, expect, it } from "vitest";
import type { RawObject } from "../../../../src/controller/cache/raw-object.ts";
import { REFRESH_ANNOTATION, repeatedRefreshNeeded } from "../../../../src/gitops/committer/argocd-refresher.ts";

const PUSHED = "b".repeat(40);
const application = (refresh: string | undefined, revision: string | undefined) =>
  ({ metadata: { name: "fleet", namespace: "argocd", ...(refresh ? { annotations: { [REFRESH_ANNOTATION]: refresh } } : {}) }, ...(revision ? { status: { sync: { revision } } } : {}) }) as unknown as RawObject;

describe("repeatedRefreshNeeded (argoproj/argo-cd#28392: a refresh arriving during a reconcile is dropped)", () => {
  it("GIVEN the refresh consumed and another revision compared THEN ask again", () => {
    expect(repeatedRefreshNeeded(application(undefined, "a".repeat(40)), PUSHED)).toBe(true);
  });

  it("GIVEN the refresh still pending, the pushed commit compared, or no comparison yet THEN do not", () => {
    expect(repeatedRefreshNeeded(application("normal", "a".repeat(40)), PUSHED)).toBe(false);
    expect(repeatedRefreshNeeded(application(undefined, PUSHED), PUSHED)).toBe(false);
    expect(repeatedRefreshNeeded(application(undefined, undefined), PUSHED)).toBe(false);
  });
});
