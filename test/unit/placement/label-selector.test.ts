import { describe, expect, it } from "vitest";
import { formatLabelSelector, parseLabelSelector, selectorMatches, type LabelSelector } from "../../../src/domain/placement/label-selector.ts";

function parse(text: string): LabelSelector {
  const result = parseLabelSelector(text);
  if ("error" in result) throw new Error(result.error);
  return result.selector;
}

describe("parseLabelSelector", () => {
  it.each([
    ["", []],
    ["region=eu", [{ key: "region", operator: "in", values: ["eu"] }]],
    ["region==eu", [{ key: "region", operator: "in", values: ["eu"] }]],
    ["region!=eu", [{ key: "region", operator: "notin", values: ["eu"] }]],
    ["zone in (a, b)", [{ key: "zone", operator: "in", values: ["a", "b"] }]],
    ["zone notin (a,b),gpu", [{ key: "zone", operator: "notin", values: ["a", "b"] }, { key: "gpu", operator: "exists" }]],
    ["!gpu", [{ key: "gpu", operator: "doesnotexist" }]],
    ["topology.kubernetes.io/region=eu-1", [{ key: "topology.kubernetes.io/region", operator: "in", values: ["eu-1"] }]],
  ])("GIVEN %j THEN it parses into requirements", (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it.each([
    ["region=eu,,zone=a", "an empty requirement"],
    ["zone in ()", "must not be empty"],
    ["Bad Key=x", "is not a label key"],
    ["region=eu rope", "is not a label key"],
    ["region=-eu", "is not a label value"],
  ])("GIVEN %j THEN it is refused with a message naming the problem", (text, message) => {
    const result = parseLabelSelector(text);
    expect("error" in result && result.error).toContain(message);
  });
});

describe("selectorMatches", () => {
  const labels = { region: "eu", zone: "a" };
  it.each([
    ["", true],
    ["region=eu", true],
    ["region=us", false],
    ["region!=us", true],
    ["gpu!=yes", true],
    ["zone in (a,b)", true],
    ["zone notin (a,b)", false],
    ["gpu", false],
    ["!gpu", true],
    ["region=eu,zone=b", false],
  ])("GIVEN labels region=eu,zone=a WHEN the selector is %j THEN it matches: %s", (text, expected) => {
    expect(selectorMatches(parse(text), labels)).toBe(expected);
  });

  it("writes a selector back in canonical form", () => {
    expect(formatLabelSelector(parse("region==eu, zone in (a,b),!gpu"))).toBe("region=eu,zone in (a,b),!gpu");
  });
});
