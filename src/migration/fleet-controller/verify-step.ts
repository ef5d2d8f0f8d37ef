import type { KubeRestClient } from "../../platform/kube/rest-client.ts";
import type { LiveObject } from "../live-object.ts";
import { verifyOrder } from "../fleet/verify.ts";
import type { FleetMigration } from "../fleet/types.ts";
import { readOrderStates } from "./batch-reads.ts";
import { readBackup } from "./rollback-step.ts";

/**
 * Verify: every order of the batch against its backup (VMI uid, launcher image, RestartRequired,
 * config version). Returns the problems and the live orders read (the status database check
 * compares their rows with them).
 */
export async function runVerify(rest: KubeRestClient, migration: FleetMigration, orders: readonly string[], secret: string): Promise<{ problems: string[]; orders: LiveObject[] }> {
  const backup = await readBackup(rest, migration.metadata.namespace, secret);
  const states = new Map((await readOrderStates(rest, migration, orders)).map((state) => [state.name, state]));
  const problems = orders.flatMap((name) => {
    const saved = backup.orders.find((entry) => entry.order === name) ?? { order: name, objects: [] };
    const state = states.get(name);
    const vm = state?.children.find((child) => child.kind === "VirtualMachine" && child.metadata.name === name);
    return verifyOrder(saved, { ...(state?.order ? { order: state.order } : {}), ...(vm ? { vm } : {}), ...(state?.instance ? { instance: state.instance } : {}) }, migration.spec.targetMode);
  });
  return { problems, orders: [...states.values()].flatMap((state) => (state.order ? [state.order] : [])) };
}
