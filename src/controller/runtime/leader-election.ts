// Leader election on a coordination.k8s.io/v1 Lease, with client-go's algorithm (there is no
// maintained leader-election library for Node). The decisions are pure functions at the top of this
// file; the LeaderElector below only reads and writes the Lease and keeps time around them.
import {
  ApiException,
  CoordinationV1Api,
  Observable,
  V1MicroTime,
  type ConfigurationOptions,
  type KubeConfig,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
  type V1Lease,
} from "@kubernetes/client-node";
import type { Logger } from "../../platform/logger.ts";
import { jitteredMs } from "./backoff.ts";

// ---------------------------------------------------------------------------------------------
// Pure decision logic

export interface LeaseTimings {
  /** How long non-leaders wait, after they last saw the lease change, before taking it over. */
  readonly leaseDurationSeconds: number;
  /** How long the leader keeps leading without a successful renewal. */
  readonly renewDeadlineSeconds: number;
  /** Pause between two attempts to acquire or renew. */
  readonly retryPeriodSeconds: number;
}

/** controller-runtime's defaults. */
export const DEFAULT_LEASE_TIMINGS: LeaseTimings = { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 };

/** Largest share of the retry period added at random to a candidate's pause (not the leader's). */
export const RETRY_JITTER_FACTOR = 0.1;

/** client-go's constraint on the renew deadline (its JitterFactor). */
const RENEW_DEADLINE_OVER_RETRY = 1.2;

/** Throws when the timings cannot keep a single leader (the checks of client-go's NewLeaderElector). */
export function validateLeaseTimings(t: LeaseTimings): void {
  for (const [name, value] of Object.entries(t)) {
    if (!(typeof value === "number" && Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  }
  if (!(t.leaseDurationSeconds > t.renewDeadlineSeconds)) {
    throw new RangeError(`leaseDurationSeconds (${t.leaseDurationSeconds}) must be greater than renewDeadlineSeconds (${t.renewDeadlineSeconds})`);
  }
  if (!(t.renewDeadlineSeconds > RENEW_DEADLINE_OVER_RETRY * t.retryPeriodSeconds)) {
    throw new RangeError(
      `renewDeadlineSeconds (${t.renewDeadlineSeconds}) must be greater than ${RENEW_DEADLINE_OVER_RETRY} × retryPeriodSeconds (${t.retryPeriodSeconds})`,
    );
  }
}

/** The parts of a Lease that the election reads. Times are wall-clock epoch milliseconds. */
export interface LeaseSnapshot {
  /** "" when nobody holds the lease (never set, or released). */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number | undefined;
  readonly leaseTransitions: number;
  readonly acquireTimeMs: number | undefined;
  readonly renewTimeMs: number | undefined;
  readonly resourceVersion: string;
}

/**
 * When this elector last saw the lease change, on its own monotonic clock. Expiry is measured
 * from here, never by comparing the lease's renewTime with the local wall clock: replicas' clocks
 * may disagree, and client-go does the same.
 */
export interface Observation {
  readonly fingerprint: string;
  readonly holderIdentity: string;
  readonly observedAtMs: number;
}

export type Decision =
  | { readonly action: "create" }
  | { readonly action: "acquire"; readonly reason: "unheld" | "expired" }
  | { readonly action: "renew" }
  | { readonly action: "wait"; readonly holder: string; readonly expiresInMs: number };

/** The spec fields the elector writes; times are wall-clock epoch milliseconds. */
export interface LeaseSpecFields {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly leaseTransitions: number;
  readonly acquireTimeMs: number;
  readonly renewTimeMs: number;
}

function timeMs(value: unknown): number | undefined {
  // client-node 1.x types MicroTime as a Date but hands back the JSON string (its serializer does
  // not know the V1MicroTime type); accept both.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === "string") {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

export function snapshotOf(lease: V1Lease): LeaseSnapshot {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? "",
    leaseDurationSeconds: spec.leaseDurationSeconds,
    leaseTransitions: spec.leaseTransitions ?? 0,
    acquireTimeMs: timeMs(spec.acquireTime),
    renewTimeMs: timeMs(spec.renewTime),
    resourceVersion: lease.metadata?.resourceVersion ?? "",
  };
}

/** Records the lease as seen now; the observation time moves only when the lease changed. */
export function observe(previous: Observation | undefined, lease: LeaseSnapshot, nowMs: number): Observation {
  const fingerprint = JSON.stringify([lease.resourceVersion, lease.holderIdentity, lease.renewTimeMs ?? null, lease.leaseTransitions]);
  if (previous && previous.fingerprint === fingerprint) return previous;
  return { fingerprint, holderIdentity: lease.holderIdentity, observedAtMs: nowMs };
}

/**
 * What to do with the lease as last read (`undefined`: it does not exist). `observation` must be
 * the result of `observe` for that same lease.
 */
export function decide(
  lease: LeaseSnapshot | undefined,
  observation: Observation | undefined,
  nowMs: number,
  options: { readonly identity: string; readonly leaseDurationSeconds: number },
): Decision {
  if (!lease) return { action: "create" };
  if (lease.holderIdentity === options.identity) return { action: "renew" };
  if (lease.holderIdentity === "") return { action: "acquire", reason: "unheld" };
  // The holder's own promise counts (client-go reads the record's duration); ours is the fallback.
  const durationSeconds = lease.leaseDurationSeconds && lease.leaseDurationSeconds > 0 ? lease.leaseDurationSeconds : options.leaseDurationSeconds;
  const observedAtMs = observation?.observedAtMs ?? nowMs;
  const expiresInMs = observedAtMs + durationSeconds * 1_000 - nowMs;
  if (expiresInMs > 0) return { action: "wait", holder: lease.holderIdentity, expiresInMs };
  return { action: "acquire", reason: "expired" };
}

/** The spec to write for a create, acquire or renew decided at wall-clock time `nowMs`. */
export function nextLeaseSpec(
  action: "create" | "acquire" | "renew",
  lease: LeaseSnapshot | undefined,
  nowMs: number,
  options: { readonly identity: string; readonly leaseDurationSeconds: number },
): LeaseSpecFields {
  const base = { holderIdentity: options.identity, leaseDurationSeconds: options.leaseDurationSeconds, renewTimeMs: nowMs };
  if (action === "renew" && lease) {
    return { ...base, acquireTimeMs: lease.acquireTimeMs ?? nowMs, leaseTransitions: lease.leaseTransitions };
  }
  const leaseTransitions = action === "create" || !lease ? 0 : lease.leaseTransitions + 1;
  return { ...base, acquireTimeMs: nowMs, leaseTransitions };
}

/**
 * What client-go's ReleaseOnCancel writes: no holder and a 1 s duration, so that candidates take
 * the lease at their next attempt instead of waiting for it to expire.
 */
export function releasedLeaseSpec(lease: LeaseSnapshot, nowMs: number): LeaseSpecFields {
  return { holderIdentity: "", leaseDurationSeconds: 1, leaseTransitions: lease.leaseTransitions, acquireTimeMs: nowMs, renewTimeMs: nowMs };
}

/**
 * Whether the leader must step down: its last successful renewal was *sent* at `lastRenewSentAtMs`
 * (local monotonic clock), so the server wrote it later and candidates saw it later still; stepping
 * down `renewDeadlineSeconds` after the send leaves them `leaseDuration - renewDeadline` of margin.
 */
export function renewDeadlinePassed(lastRenewSentAtMs: number, nowMs: number, renewDeadlineSeconds: number): boolean {
  return nowMs - lastRenewSentAtMs >= renewDeadlineSeconds * 1_000;
}

// ---------------------------------------------------------------------------------------------
// The elector: I/O and timers around the decisions above

export interface LeaderElectionOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  /** Name of the Lease object. */
  readonly name: string;
  /** Unique per replica (e.g. the pod name plus a random suffix). */
  readonly identity: string;
  /** @default 15 */
  readonly leaseDurationSeconds?: number;
  /** @default 10 */
  readonly renewDeadlineSeconds?: number;
  /** @default 2 */
  readonly retryPeriodSeconds?: number;
  readonly logger: Logger;
  /** This replica now holds the lease: start the guarded work. */
  onStartedLeading(): void;
  /**
   * This replica no longer leads (renew deadline passed, another holder, or stop()): stop the
   * guarded work. On stop() the lease is released only after a returned promise settles.
   */
  onStoppedLeading(): void | Promise<void>;
  /** The lease's holder changed (also to this replica); not called for an unheld lease. */
  onNewLeader?(identity: string): void;
}

const CONFLICT = Symbol("conflict");
type WriteResult = V1Lease | typeof CONFLICT;

function statusCode(error: unknown): number | undefined {
  return error instanceof ApiException && typeof error.code === "number" ? error.code : undefined;
}

function describe(error: unknown): string {
  if (error instanceof ApiException) {
    const body = error.body as { message?: unknown } | undefined;
    return `HTTP ${error.code}${typeof body?.message === "string" ? `: ${body.message}` : ""}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Per-call options that tie a client-node request to an AbortSignal (client-node 1.x has no timeout). */
function abortableBy(signal: AbortSignal): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (context: RequestContext) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: "append" };
}

function toLeaseSpec(fields: LeaseSpecFields) {
  return {
    holderIdentity: fields.holderIdentity,
    leaseDurationSeconds: fields.leaseDurationSeconds,
    leaseTransitions: fields.leaseTransitions,
    // V1MicroTime serialises with six fractional digits, as the API server's MicroTime expects.
    acquireTime: new V1MicroTime(fields.acquireTimeMs),
    renewTime: new V1MicroTime(fields.renewTimeMs),
  };
}

/**
 * Campaigns for a Lease and keeps it renewed (client-go's LeaderElector with ReleaseOnCancel):
 * - every retry period (plus up to 10 % jitter while not leading) it reads the lease and creates,
 *   takes over or renews it with optimistic concurrency (resourceVersion; a 409 means another
 *   replica won); the leader first tries to renew the version it wrote last without reading;
 * - a lease held by another replica is taken over once it has not changed for its
 *   leaseDurationSeconds on this replica's monotonic clock;
 * - the leader steps down (onStoppedLeading) when no renewal sent within the last
 *   renewDeadlineSeconds has succeeded, or when it finds another holder; it then keeps
 *   campaigning, so it may lead again later (callers that prefer controller-runtime's "exit on
 *   lost leadership" exit in onStoppedLeading);
 * - stop() ends the campaign, awaits onStoppedLeading, then releases the lease.
 */
export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private readonly timings: LeaseTimings;
  private readonly logger: Logger;
  private running = false;
  private abandoned = false;
  private leading = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private inFlight: AbortController | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  /** The latest version of the lease read or written. */
  private lease: V1Lease | undefined;
  private observation: Observation | undefined;
  private reportedLeader = "";

  constructor(private readonly options: LeaderElectionOptions) {
    this.timings = {
      leaseDurationSeconds: options.leaseDurationSeconds ?? DEFAULT_LEASE_TIMINGS.leaseDurationSeconds,
      renewDeadlineSeconds: options.renewDeadlineSeconds ?? DEFAULT_LEASE_TIMINGS.renewDeadlineSeconds,
      retryPeriodSeconds: options.retryPeriodSeconds ?? DEFAULT_LEASE_TIMINGS.retryPeriodSeconds,
    };
    validateLeaseTimings(this.timings);
    if (!options.identity) throw new RangeError("identity must not be empty");
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.logger = options.logger.child({ lease: `${options.namespace}/${options.name}`, identity: options.identity });
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    if (this.running) return;
    if (this.loop) throw new Error("a stopped LeaderElector cannot start again; create a new one");
    this.running = true;
    this.loop = this.run();
  }

  /** Ends the campaign; if this replica leads, awaits onStoppedLeading and releases the lease. */
  async stop(): Promise<void> {
    if (!this.running) {
      await this.loop;
      return;
    }
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    this.clearDeadline();
    if (this.leading) {
      this.leading = false;
      this.logger.info({}, "Stopped leading");
      try {
        await this.options.onStoppedLeading();
      } catch (error) {
        this.logger.error({ err: describe(error) }, "Callback onStoppedLeading failed");
      }
    }
    await this.release();
  }

  /**
   * Test-only: ends the campaign the way a crash would — no callback, no release, the lease is
   * left to expire.
   * @internal
   */
  async abandon(): Promise<void> {
    this.running = false;
    this.abandoned = true;
    this.wakeUp?.();
    this.inFlight?.abort();
    this.clearDeadline();
    await this.loop;
    this.leading = false;
  }

  private get retryMs(): number {
    return this.timings.retryPeriodSeconds * 1_000;
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.tryAcquireOrRenew();
      if (!this.running) return;
      await this.sleep(this.leading ? this.retryMs : jitteredMs(this.retryMs, RETRY_JITTER_FACTOR));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async tryAcquireOrRenew(): Promise<void> {
    const sentAtMs = performance.now();
    const controller = new AbortController();
    this.inFlight = controller;
    // A candidate's calls time out after the renew deadline; the leader's are also aborted by the
    // deadline timer when it steps down.
    const timeout = setTimeout(() => controller.abort(new Error("the request timed out")), this.timings.renewDeadlineSeconds * 1_000);
    const call = abortableBy(controller.signal);
    try {
      if (this.leading && this.lease) {
        // Fast path (client-go): renew the version written last without reading it first.
        const written = await this.replace(this.lease, nextLeaseSpec("renew", snapshotOf(this.lease), Date.now(), this.identityAndDuration()), call);
        if (written !== CONFLICT) return this.written(written, sentAtMs);
        this.logger.debug({}, "Lease changed since the last renewal; reading it");
      }
      const current = await this.read(call);
      if (this.abandoned) return;
      const nowMs = performance.now();
      const snapshot = current ? snapshotOf(current) : undefined;
      this.lease = current;
      if (snapshot) {
        this.observation = observe(this.observation, snapshot, nowMs);
        this.reportLeader(snapshot.holderIdentity);
      }
      const decision = decide(snapshot, this.observation, nowMs, this.identityAndDuration());
      if (decision.action === "wait") {
        this.stepDown(`the lease is held by ${decision.holder}`);
        this.logger.debug({ holder: decision.holder, expiresInMs: Math.round(decision.expiresInMs) }, "Lease is held by another replica");
        return;
      }
      if (!this.running) return; // stopping: take nothing new
      const spec = nextLeaseSpec(decision.action, snapshot, Date.now(), this.identityAndDuration());
      const written = current ? await this.replace(current, spec, call) : await this.create(spec, call);
      if (written === CONFLICT) {
        this.logger.debug({ action: decision.action }, "Lost the race for the lease");
        return;
      }
      this.written(written, sentAtMs);
    } catch (error) {
      if (this.abandoned) return;
      this.logger.warn({ err: describe(error), leading: this.leading }, "Lease acquire or renew failed");
    } finally {
      clearTimeout(timeout);
      this.inFlight = undefined;
    }
  }

  /** A create or update sent at `sentAtMs` succeeded: this replica holds the lease. */
  private written(lease: V1Lease, sentAtMs: number): void {
    this.lease = lease;
    const snapshot = snapshotOf(lease);
    this.observation = observe(this.observation, snapshot, performance.now());
    if (this.abandoned || !this.running) return; // stop() releases it
    this.reportLeader(snapshot.holderIdentity);
    const nowMs = performance.now();
    if (renewDeadlinePassed(sentAtMs, nowMs, this.timings.renewDeadlineSeconds)) {
      this.stepDown("the renewal succeeded only after the renew deadline");
      return;
    }
    this.clearDeadline();
    this.deadlineTimer = setTimeout(() => {
      this.inFlight?.abort(new Error("the renew deadline passed"));
      this.stepDown(`no renewal succeeded within ${this.timings.renewDeadlineSeconds} s`);
    }, sentAtMs + this.timings.renewDeadlineSeconds * 1_000 - nowMs);
    if (this.leading) {
      this.logger.debug({}, "Renewed lease");
      return;
    }
    this.leading = true;
    this.logger.info({ leaseTransitions: snapshot.leaseTransitions }, "Acquired lease; started leading");
    try {
      this.options.onStartedLeading();
    } catch (error) {
      this.logger.error({ err: describe(error) }, "Callback onStartedLeading failed");
    }
  }

  private stepDown(reason: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.clearDeadline();
    this.logger.warn({ reason }, "Lost leadership; stopped leading");
    void Promise.resolve()
      .then(() => this.options.onStoppedLeading())
      .catch((error: unknown) => this.logger.error({ err: describe(error) }, "Callback onStoppedLeading failed"));
  }

  private clearDeadline(): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }

  private reportLeader(holder: string): void {
    if (holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    if (!holder) return;
    this.logger.info({ holder }, "Observed a new leader");
    try {
      this.options.onNewLeader?.(holder);
    } catch (error) {
      this.logger.error({ err: describe(error) }, "Callback onNewLeader failed");
    }
  }

  private identityAndDuration() {
    return { identity: this.options.identity, leaseDurationSeconds: this.timings.leaseDurationSeconds };
  }

  /** Writes "no holder" if this replica's last known version of the lease names it. */
  private async release(): Promise<void> {
    let lease = this.lease;
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(new Error("the request timed out")), this.timings.renewDeadlineSeconds * 1_000);
    const call = abortableBy(controller.signal);
    try {
      for (let attempt = 1; lease && lease.spec?.holderIdentity === this.options.identity; attempt++) {
        const written = await this.replace(lease, releasedLeaseSpec(snapshotOf(lease), Date.now()), call);
        if (written !== CONFLICT) {
          this.lease = written;
          this.logger.info({}, "Released lease");
          return;
        }
        if (attempt === 2) break;
        lease = await this.read(call); // an abandoned renewal may have moved the version on
      }
      if (lease?.spec?.holderIdentity === this.options.identity) {
        this.logger.warn({}, "Could not release the lease (it kept changing); it expires on its own");
      }
    } catch (error) {
      this.logger.warn({ err: describe(error) }, "Lease release failed; other replicas take over when it expires");
    } finally {
      clearTimeout(timeout);
    }
  }

  private async read(call: ConfigurationOptions): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({ name: this.options.name, namespace: this.options.namespace }, call);
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw error;
    }
  }

  private async create(spec: LeaseSpecFields, call: ConfigurationOptions): Promise<WriteResult> {
    const body: V1Lease = {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: this.options.name, namespace: this.options.namespace },
      spec: toLeaseSpec(spec),
    };
    try {
      return await this.api.createNamespacedLease({ namespace: this.options.namespace, body }, call);
    } catch (error) {
      if (statusCode(error) === 409) return CONFLICT;
      throw error;
    }
  }

  private async replace(current: V1Lease, spec: LeaseSpecFields, call: ConfigurationOptions): Promise<WriteResult> {
    // metadata carries resourceVersion: the update fails with 409 if anyone wrote in between.
    const body: V1Lease = {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: current.metadata,
      spec: { ...current.spec, ...toLeaseSpec(spec) },
    };
    try {
      return await this.api.replaceNamespacedLease({ name: this.options.name, namespace: this.options.namespace, body }, call);
    } catch (error) {
      if (statusCode(error) === 409) return CONFLICT;
      throw error;
    }
  }
}
