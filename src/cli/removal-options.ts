import {
  DEFAULT_REMOVAL_POLICY,
  describeLimit,
  describeRefusal,
  type RemovalLimit,
  type RemovalPolicy,
  type RemovalRefusal,
  type RemovalVerdict,
} from "../render/tree/removal-guard.ts";
import { UsageError } from "./arguments.ts";

/** The removal guard's options (docs/adr/0014-render-safety.md). */
export const REMOVAL_OPTIONS = {
  "allow-mass-removal": { type: "boolean" },
  "max-removals": { type: "string" },
  "max-removal-percent": { type: "string" },
} as const;

export const REMOVAL_USAGE = `  --max-removals <n>        refuse a render that would remove more than n orders (default ${DEFAULT_REMOVAL_POLICY.maxRemovedOrders})
  --max-removal-percent <p> refuse a render that would remove more than p % of the orders in --out
                            (default ${DEFAULT_REMOVAL_POLICY.maxRemovedPercent}); input with no orders never empties a tree
  --allow-mass-removal      remove whatever the input no longer holds, past both limits
`;

export interface RemovalValues {
  readonly "allow-mass-removal"?: boolean | undefined;
  readonly "max-removals"?: string | undefined;
  readonly "max-removal-percent"?: string | undefined;
}

export function toRemovalPolicy(values: RemovalValues): RemovalPolicy {
  return {
    maxRemovedOrders: wholeNumber("--max-removals", values["max-removals"], DEFAULT_REMOVAL_POLICY.maxRemovedOrders, Number.MAX_SAFE_INTEGER),
    maxRemovedPercent: wholeNumber("--max-removal-percent", values["max-removal-percent"], DEFAULT_REMOVAL_POLICY.maxRemovedPercent, 100),
    allowMassRemoval: values["allow-mass-removal"] ?? false,
  };
}

function wholeNumber(flag: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value <= max)) throw new UsageError(`${flag} '${text}' is not a whole number from 0 to ${max === 100 ? 100 : "2^53"}`);
  return value;
}

const FLAG_OF: Record<RemovalLimit["kind"], string> = {
  "no-orders": "--allow-mass-removal",
  count: "--max-removals",
  percent: "--max-removal-percent",
};

/** The refusal as the CLI prints it: what would go, why, and the flags that change the verdict. */
export function refusalMessage(command: string, refusal: RemovalRefusal, outDir: string): string {
  const [first, ...rest] = describeRefusal(refusal, outDir);
  const flags = [...new Set(refusal.exceeded.map((limit) => FLAG_OF[limit.kind]))].filter((flag) => flag !== "--allow-mass-removal");
  const raise = flags.length > 0 ? ` (or raise ${flags.join(" / ")})` : "";
  return [
    `${command}: ${first}`,
    ...rest,
    `Nothing was written. If these orders are meant to go, re-run with --allow-mass-removal${raise}.`,
  ].join("\n");
}

/** The notice printed when --allow-mass-removal let a removal past the limits (for the log of a CI job). */
export function waivedMessage(command: string, verdict: RemovalVerdict, outDir: string): string {
  const reasons = verdict.allowed ? verdict.waived.map((limit) => describeLimit(limit, verdict)) : [];
  return `${command}: --allow-mass-removal: removing ${verdict.removedOrders.length} of the ${verdict.ordersInTree} order(s) in ${outDir}, although ${reasons.join("; ")}`;
}
