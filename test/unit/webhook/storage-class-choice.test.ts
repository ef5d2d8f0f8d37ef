import { describe, expect, it } from "vitest";
import { chooseDefaultStorageClass, summarizeStorageClass } from "../../../src/webhook/storage-class-choice.ts";

function sc(name: string, created: string, isDefault: boolean | "beta") {
  const annotations: Record<string, string> =
    isDefault === "beta"
      ? { "storageclass.beta.kubernetes.io/is-default-class": "true" }
      : { "storageclass.kubernetes.io/is-default-class": isDefault ? "true" : "false" };
  return { metadata: { name, creationTimestamp: created, annotations } };
}

describe("chooseDefaultStorageClass", () => {
  it("GIVEN no default THEN there is none", () => {
    expect(chooseDefaultStorageClass([sc("a", "2025-01-01T00:00:00Z", false)].map(summarizeStorageClass))).toBeUndefined();
  });

  it("GIVEN one default THEN it is chosen without warnings", () => {
    expect(chooseDefaultStorageClass([sc("a", "2025-01-01T00:00:00Z", false), sc("b", "2024-01-01T00:00:00Z", true)].map(summarizeStorageClass))).toEqual({
      name: "b",
      warnings: [],
    });
  });

  it("GIVEN several defaults THEN the newest wins, as Kubernetes does, with a warning", () => {
    const choice = chooseDefaultStorageClass(
      [sc("old", "2024-01-01T00:00:00Z", true), sc("newest", "2025-06-01T00:00:00Z", true), sc("mid", "2025-01-01T00:00:00Z", "beta")].map(summarizeStorageClass),
    );
    expect(choice?.name).toBe("newest");
    expect(choice?.warnings).toEqual(["3 StorageClasses are marked default; using the newest, 'newest'"]);
  });

  it("GIVEN a Date creationTimestamp (as client-node returns it) THEN it is compared like the string form", () => {
    const summary = summarizeStorageClass({ metadata: { name: "x", creationTimestamp: new Date("2025-01-01T00:00:00Z"), annotations: {} } });
    expect(summary.creationTimestamp).toBe("2025-01-01T00:00:00.000Z");
  });
});
