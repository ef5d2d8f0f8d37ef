import { describe, expect, it } from "vitest";
import { COLOUR, PLAIN, styleFor, table } from "../../../src/migration/report/style.ts";
import { toYaml, unifiedDiff } from "../../../src/migration/report/unified-diff.ts";

describe("unifiedDiff", () => {
  it("GIVEN equal texts THEN nothing", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n", "x", "y")).toBe("");
  });

  it("GIVEN one changed line THEN one hunk with three lines of context, removal first", () => {
    const before = ["1", "2", "3", "4", "5", "6", "7", "8", "9"].join("\n");
    const after = ["1", "2", "3", "4", "five", "6", "7", "8", "9"].join("\n");
    expect(unifiedDiff(before, after, "live/a", "rendered/a")).toBe(["--- live/a", "+++ rendered/a", "@@ -2,7 +2,7 @@", " 2", " 3", " 4", "-5", "+five", " 6", " 7", " 8", ""].join("\n"));
  });

  it("GIVEN changes far apart THEN two hunks; close ones merge", () => {
    const lines = Array.from({ length: 20 }, (_, index) => String(index));
    const far = [...lines];
    far[1] = "x";
    far[18] = "y";
    expect(unifiedDiff(lines.join("\n"), far.join("\n"), "a", "b").match(/^@@/gm)).toHaveLength(2);
    const near = [...lines];
    near[5] = "x";
    near[9] = "y";
    expect(unifiedDiff(lines.join("\n"), near.join("\n"), "a", "b").match(/^@@/gm)).toHaveLength(1);
  });

  it("GIVEN an absent side THEN every line is added or removed (diff -N)", () => {
    expect(unifiedDiff("", "a\nb\n", "live", "rendered")).toBe("--- live\n+++ rendered\n@@ -0,0 +1,2 @@\n+a\n+b\n");
    expect(unifiedDiff("a\n", "", "live", "rendered")).toBe("--- live\n+++ rendered\n@@ -1,1 +0,0 @@\n-a\n");
  });

  it("prints YAML with sorted keys, so both sides line up", () => {
    expect(toYaml({ spec: { b: 1, a: 2 }, kind: "X" })).toBe("kind: X\nspec:\n  a: 2\n  b: 1\n");
    expect(toYaml(undefined)).toBe("");
  });
});

describe("style", () => {
  it("colours only on a terminal without NO_COLOR", () => {
    expect(styleFor(true, {})).toBe(COLOUR);
    expect(styleFor(false, {})).toBe(PLAIN);
    expect(styleFor(undefined, {})).toBe(PLAIN);
    expect(styleFor(true, { NO_COLOR: "1" })).toBe(PLAIN);
    expect(COLOUR.red("x")).toBe("\u001b[31mx\u001b[39m");
  });

  it("aligns table columns", () => {
    expect(table(["A", "BB"], [["xyz", "1"], ["x", "22"]])).toEqual(["A    BB", "xyz  1", "x    22"]);
  });
});
