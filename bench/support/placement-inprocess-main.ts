/**
 * Parts 1–3 of bench/placement.ts, run as their own process from an esbuild bundle (as the
 * webhook runs from build/: no tsx loader, no keepNames wrapper around every closure). Prints one
 * JSON object. Argument: "quick" for the smaller sizes.
 */
import { readFileSync } from "node:fs";
import { measureDecisionCost, measureMovedOrders, measurePlacementCost } from "./placement-inprocess.ts";

const quick = process.argv.includes("quick");
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

const cost = measurePlacementCost(quick ? 20_000 : 100_000, quick ? 5_000 : 20_000);
const costLoad = loadavg();
const decision = measureDecisionCost(quick ? 3 : 5, quick ? 5_000 : 20_000);
const decisionLoad = loadavg();
const moved = measureMovedOrders();
process.stdout.write(`${JSON.stringify({ cost, costLoad, decision, decisionLoad, moved })}\n`);
