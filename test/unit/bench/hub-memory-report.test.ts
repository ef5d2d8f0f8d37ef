// The figures bench:hub-memory derives from its runs (bench/support/hub-memory-report.ts): which
// run is the floor of which, and the arithmetic of the per-hub and per-order costs. No measurement.
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../../bench/support/hub-memory-measure.ts";
import { report, slope } from "../../../bench/support/hub-memory-report.ts";

function run(label: string, hubs: number, orders: number, hubOrders: number, registry: boolean, rssAfterGcMb: number, heapUsedMb: number): RunResult {
  return {
    label,
    hubs,
    orders,
    hubOrders,
    registry,
    readyS: 1,
    convergedS: 2,
    rssIdleMb: rssAfterGcMb + 5,
    rssAfterGcMb,
    heapUsedMb,
    externalMb: 3,
    hwmMb: rssAfterGcMb + 10,
    samples: [
      { rssAfterGcMb: rssAfterGcMb - 1, heapUsedMb },
      { rssAfterGcMb, heapUsedMb },
      { rssAfterGcMb: rssAfterGcMb + 2, heapUsedMb },
    ],
  };
}

const runs = [
  run("single-cluster, no orders", 0, 0, 0, false, 120, 40),
  run("single-cluster", 0, 1000, 0, false, 170, 60),
  run("single-cluster, hub registry on", 0, 1000, 0, true, 175, 61),
  run("1 empty hub", 1, 1000, 0, true, 177, 61.5),
  run("3 empty hubs", 3, 1000, 0, true, 181, 62.5),
  run("5 empty hubs", 5, 1000, 0, true, 185, 63.5),
  run("5 hubs, no orders", 5, 0, 0, true, 140, 44),
  run("1000 orders spread over 5 hubs", 5, 1000, 1000, true, 200, 70),
];
const text = report({ machine: "m", controller: "c", loadStart: "1", loadEnd: "2", orders: 1000, hubs: 5, runs, loads: runs.map(() => "1.0"), creation: [], repeat: 3, wallS: 10 });

describe("bench:hub-memory report", () => {
  it("GIVEN points on a line THEN slope is its gradient; fewer than two points or one x give NaN", () => {
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 3, y: 7 }])).toBeCloseTo(2);
    expect(slope([{ x: 1, y: 1 }])).toBeNaN();
    expect(slope([{ x: 2, y: 1 }, { x: 2, y: 5 }])).toBeNaN();
  });

  it("GIVEN the runs THEN the issue's figure is (spread − 0 hubs with the registry on) / hubs, and against the registry-off floor too", () => {
    expect(text).toContain("(5 hubs − 0 hubs, registry on) / 5 = **+5.0 MiB RSS, +1.8 MiB heap**");
    expect(text).toContain("against single-cluster mode with the registry off: +6.0 MiB RSS, +2.0 MiB heap");
  });

  it("GIVEN the empty-hub series THEN the fixed cost per hub is the slope over the registry-on runs only", () => {
    expect(text).toContain("least-squares slope over 0, 1, 3, 5 hubs");
    expect(text).toContain("+2.0 MiB RSS, +0.5 MiB heap.");
  });

  it("GIVEN runs with and without orders THEN per-order costs are in KiB and the registry's own cost is shown", () => {
    expect(text).toContain("per order, single-cluster mode: 51.2 KiB RSS, 20.5 KiB heap");
    expect(text).toContain("per order, spread over 5 hubs: 61.4 KiB RSS, 26.6 KiB heap");
    expect(text).toContain("the hub registry itself (Hub and Secret caches, prober; no hub): +5.0 MiB RSS, +1.0 MiB heap.");
  });

  it("GIVEN a row THEN its per-hub delta is against the 0-hub run with the same orders, and the range of the repetitions is shown", () => {
    const row = text.split("\n").find((line) => line.startsWith("| 3 empty hubs |"))!;
    expect(row).toContain("| 181 (180–183) | 62.5 (62.5–62.5) |");
    expect(row).toContain("| +2.0 / +0.5 |");
    const empty = text.split("\n").find((line) => line.startsWith("| 5 hubs, no orders |"))!;
    expect(empty).toContain("| +4.0 / +0.8 |");
  });
});
