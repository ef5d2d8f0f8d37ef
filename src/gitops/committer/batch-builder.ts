import { validateOrder } from "../../domain/order.ts";
import { splitHubPath } from "../../render/hubs/hub-layout.ts";
import type { FileRenderer } from "./file-renderer.ts";
import type { CommitLoopDeps, CommittedTarget } from "./loop-deps.ts";
import { commitMessage, type OrderChange } from "./commit-message.ts";
import { notCommitted } from "./committed-condition.ts";
import { hubIntentOf } from "./hub-intent.ts";
import { intentOf, type OrderIntent } from "./order-intent.ts";
import type { OwnedFiles } from "./owned-files.ts";
import { batchTenants, ordersAfterBatch, planArgoCdFiles } from "./plan-argocd.ts";
import { planBatch, type PlannedRemoval } from "./plan-batch.ts";
import { describeHold, guardRemovals } from "./removal-hold.ts";
import { renderWrites, type RenderedWrite } from "./render-writes.ts";

/** A commit built for a batch, not pushed yet. */
export interface BuiltBatch {
  readonly commit: string;
  /** Repository paths it changes. */
  readonly paths: string[];
  readonly rendered: RenderedWrite[];
  readonly removals: PlannedRemoval[];
  readonly orders: OrderChange[];
  readonly intents: ReadonlyMap<string, OrderIntent>;
  /** Conditions for the orders of the batch that this commit does not carry (kept, failed, held back, current). */
  readonly targets: Map<string, CommittedTarget>;
}

export interface BatchOutcome {
  /** undefined when the batch changes nothing in the tree (never an empty commit). */
  readonly built?: BuiltBatch;
  readonly targets: Map<string, CommittedTarget>;
  /** Orders whose removal the mass-removal guard holds back. */
  readonly heldBack: string[];
}

/** The loop's state a batch is built against. */
export interface BatchState {
  readonly owned: OwnedFiles;
  readonly base: string | undefined;
  /** Paths another commit changed since we last wrote them. */
  readonly suspect: ReadonlySet<string>;
  readonly now: () => number;
  /** The term's first batch (per-hub output): look at the Argo CD objects of every tenant the tree names. */
  readonly sweepArgoCd?: boolean;
}

/**
 * One batch: each order's intent (order-intent.ts), the files to write and remove
 * (plan-batch.ts), the mass-removal guard (removal-hold.ts), rendering (render-writes.ts), the
 * commit message and one `git fast-import` commit on the base. Conditions for the orders the
 * commit does not carry are returned beside it.
 */
export async function buildBatch(deps: CommitLoopDeps, state: BatchState, keys: ReadonlySet<string>): Promise<BatchOutcome> {
  const { hubs } = deps;
  const treePath = (path: string | undefined) => (path === undefined || !deps.prefix ? path : path.slice(deps.prefix.length + 1));
  const intents = new Map<string, OrderIntent>();
  for (const key of keys) {
    const raw = deps.orders.get(key);
    intents.set(key, hubs ? hubIntentOf(raw, treePath(state.owned.orderFile(key)?.path), hubs, deps.renderer.options) : intentOf(raw, deps.renderer.options));
  }
  const plan = planBatch({ intents, owned: state.owned, prefix: deps.prefix, planOrder: (order, renderer) => (renderer ?? deps.renderer).planOrder(order), suspect: state.suspect });
  const guarded = guardRemovals(plan, state.owned, deps.prefix, deps.removalPolicy, hubs !== undefined);
  const targets = new Map<string, CommittedTarget>();
  deps.metrics.removalsHeldBack.set(guarded.heldBack.length);
  for (const hold of guarded.holds) {
    const why = describeHold(hold.refusal, hold.tree);
    deps.metrics.removalHolds.inc();
    deps.logger.warn({ orders: hold.orderKeys.length, inTree: hold.refusal.ordersInTree, limits: hold.refusal.exceeded.map((limit) => limit.kind), ...(hold.tree ? { tree: hold.tree } : {}) }, why);
    const message = `${why}. They are removed once the removal is within the limits (--max-removals, --max-removal-percent) or --allow-mass-removal is set`;
    for (const key of hold.orderKeys) if (deps.orders.get(key)) targets.set(key, { kind: "value", value: notCommitted("HeldBack", message) });
  }

  for (const key of plan.kept) {
    const intent = intents.get(key)!;
    if (intent.kind === "keep") targets.set(key, { kind: "value", value: notCommitted(intent.reason, intent.message) });
  }
  for (const { orderKey, path } of plan.occupied) {
    targets.set(orderKey, { kind: "value", value: notCommitted("PathOccupied", `The path ${path} holds a file the committer did not write; it is never overwritten. Move that file away`) });
  }
  const rendered = await renderWrites(guarded.plan.writes, { renderer: deps.renderer, owned: state.owned, blobs: deps.blobs });
  for (const failure of rendered.failures) {
    deps.metrics.renderFailures.inc({ reason: failure.reason });
    targets.set(failure.orderKey, { kind: "value", value: notCommitted(failure.reason, failure.message) });
  }
  // Per-hub output: the Argo CD objects of the tenants the batch touches, as the tree will hold their orders.
  let argoCdRemovals: PlannedRemoval[] = [];
  let argoCdWritten: string[] = [];
  if (hubs) {
    const failed = new Set(rendered.failures.map((failure) => failure.orderKey));
    const argoCd = planArgoCdFiles({
      tenants: batchTenants(intents, state.owned, deps.prefix, state.sweepArgoCd ?? false),
      owned: state.owned,
      prefix: deps.prefix,
      ordersAfter: ordersAfterBatch(guarded.plan, state.owned, failed),
      hub: (name) => hubs.hub(name),
      hubNames: hubs.names(),
      settings: hubs.argoCd,
      suspect: state.suspect,
    });
    if (argoCd.held.length > 0) deps.logger.info({ tenants: argoCd.held }, "Kept the Argo CD files of tenants with orders on a hub that is not a known Hub");
    const renderedArgoCd = await renderWrites(argoCd.writes, { renderer: deps.renderer, owned: state.owned, blobs: deps.blobs });
    rendered.changed.push(...renderedArgoCd.changed);
    argoCdWritten = renderedArgoCd.changed.map((write) => write.write.path);
    argoCdRemovals = argoCd.removals;
  }
  const removals = [...guarded.plan.removals, ...argoCdRemovals];
  const changedKeys = new Set(rendered.changed.flatMap((write) => (write.write.orderKey ? [write.write.orderKey] : [])));
  const removedPaths = new Map(guarded.plan.removals.flatMap((removal) => (removal.orderKey ? [[removal.orderKey, removal.path] as const] : [])));
  for (const key of [...plan.current, ...rendered.identical]) {
    const intent = intents.get(key);
    if (intent?.kind === "write" && state.base && !changedKeys.has(key)) targets.set(key, { kind: "current", commit: state.base, configVersion: intent.order.desiredConfigVersion });
  }
  if (rendered.changed.length === 0 && removals.length === 0) return { targets, heldBack: guarded.heldBack };
  const orders: OrderChange[] = [];
  for (const write of rendered.changed) {
    if (!write.write.orderKey || write.write.file.source.kind !== "order") continue;
    orders.push({ orderKey: write.write.orderKey, change: write.write.exists ? "changed" : "created", configVersion: (write.write.renderer ?? deps.renderer).stampedConfigVersion(write.write.file.source.order) });
  }
  for (const [key, path] of removedPaths) {
    if (changedKeys.has(key)) continue;
    const last = validateOrder(deps.orders.get(key)).value;
    const renderer = rendererOfFile(deps, path);
    orders.push({ orderKey: key, change: "deleted", ...(last && renderer ? { configVersion: renderer.stampedConfigVersion(last) } : {}) });
  }
  const argoCdPaths = new Set([...argoCdWritten, ...argoCdRemovals.map((removal) => removal.path)]);
  const namespaceFiles = {
    written: rendered.changed.filter((write) => !write.write.orderKey && !argoCdPaths.has(write.write.path)).map((write) => write.write.path),
    removed: guarded.plan.removals.filter((removal) => !removal.orderKey).map((removal) => removal.path),
  };
  const argoCdFiles = { written: argoCdWritten, removed: argoCdRemovals.map((removal) => removal.path) };
  const changes = [...rendered.changed.map((write) => ({ path: write.write.path, content: write.content })), ...removals.map((removal) => ({ path: removal.path, content: undefined }))];
  // Our files another commit changed since we wrote them, which this commit puts back.
  const overridden = changes.map((change) => change.path).filter((path) => state.suspect.has(path));
  const message = commitMessage({ orders, namespaceFiles, ...(hubs ? { argoCdFiles } : {}), overridden, committer: deps.replica });
  const startedAt = performance.now();
  const { commit } = await deps.repository.commit({ parent: state.base, changes, message, identity: deps.identity, time: new Date(state.now()) });
  deps.metrics.commitBuildDuration.observe((performance.now() - startedAt) / 1000);
  return {
    built: { commit, paths: changes.map((change) => change.path), rendered: rendered.changed, removals, orders, intents, targets },
    targets,
    heldBack: guarded.heldBack,
  };
}

/**
 * The renderer that wrote an order file: its hub's under `hubs/<hub>/`, else the committer's own.
 * Undefined for a hub that is gone or cannot seal: its config version is then left out of the
 * message rather than risk an unkeyed one for a sealed order.
 */
function rendererOfFile(deps: CommitLoopDeps, path: string): FileRenderer | undefined {
  const hubs = deps.hubs;
  const split = hubs ? splitHubPath(deps.prefix ? path.slice(deps.prefix.length + 1) : path) : undefined;
  if (!hubs || !split) return deps.renderer;
  const hub = hubs.hub(split.hub);
  const outcome = hub && hubs.rendererFor(hub);
  return outcome && "renderer" in outcome ? outcome.renderer : undefined;
}
