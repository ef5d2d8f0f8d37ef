// Lease leader election against the real API server: two electors in this process campaign for
// the same coordination.k8s.io/v1 Lease. Exactly one leads; a stopped leader releases the lease
// and the other takes over at its next attempt; a crashed leader (loop abandoned, lease not
// released) is replaced once the lease expires; a leader cut off from the API server steps down
// before anyone else takes over; an elector that cannot reach the API server never leads.
import * as net from "node:net";
import * as k8s from "@kubernetes/client-node";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { LeaderElector, type LeaderElectionOptions } from "../../src/controller/runtime/leader-election.ts";
import { createLogger } from "../../src/platform/logger.ts";
import "./support/context.ts";
import { adminKubeConfig, createNamespace, deleteNamespaceNoWait, rawRequest, uniqueName } from "./support/kube.ts";

const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const leases = admin.makeApiClient(k8s.CoordinationV1Api);
const namespace = uniqueName("e2e-leader");
const logger = createLogger({ level: "silent", name: "leader-election-e2e" });

/** Short timings so that the suite runs in seconds (lease 4 s, renew deadline 3 s, retry 0.5 s). */
const FAST = { leaseDurationSeconds: 4, renewDeadlineSeconds: 3, retryPeriodSeconds: 0.5 } as const;

interface Candidate {
  readonly identity: string;
  readonly elector: LeaderElector;
  readonly events: { at: number; event: "started" | "stopped" | `new:${string}` }[];
}

const running: Candidate[] = [];

function candidate(identity: string, leaseName: string, overrides: Partial<LeaderElectionOptions> = {}): Candidate {
  const events: Candidate["events"] = [];
  const elector = new LeaderElector({
    kubeConfig: admin,
    namespace,
    name: leaseName,
    identity,
    logger,
    ...FAST,
    onStartedLeading: () => events.push({ at: performance.now(), event: "started" }),
    onStoppedLeading: () => void events.push({ at: performance.now(), event: "stopped" }),
    onNewLeader: (holder) => events.push({ at: performance.now(), event: `new:${holder}` }),
    ...overrides,
  });
  const c = { identity, elector, events };
  running.push(c);
  elector.start();
  return c;
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  while (!predicate()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - t0;
}

const leaders = (cs: Candidate[]) => cs.filter((c) => c.elector.isLeader);

/** Samples the candidates for `ms` and fails if ever more or fewer than one leads. */
async function expectExactlyOneLeaderFor(cs: Candidate[], ms: number): Promise<Candidate> {
  const first = leaders(cs);
  expect(first).toHaveLength(1);
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    expect(leaders(cs).map((c) => c.identity)).toEqual([first[0]!.identity]);
    await new Promise((r) => setTimeout(r, 25));
  }
  return first[0]!;
}

function report(line: string): void {
  process.stderr.write(`[leader-election] ${line}\n`);
}

/** A TCP relay to the API server that the test can cut, to take a replica off the network. */
async function cuttableRelay(): Promise<{ server: string; cut(): void; close(): Promise<void> }> {
  const target = new URL(ctx.server);
  const sockets = new Set<net.Socket>();
  let cut = false;
  const relay = net.createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = net.connect({ host: target.hostname, port: Number(target.port || 443) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const port = (relay.address() as net.AddressInfo).port;
  return {
    server: `https://127.0.0.1:${port}`,
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise((resolve) => relay.close(() => resolve())),
  };
}

/** A copy of the admin kubeconfig that talks to `server` instead. */
function kubeConfigFor(server: string): k8s.KubeConfig {
  const cluster = admin.getCurrentCluster();
  const user = admin.getCurrentUser();
  if (!cluster || !user) throw new Error("the admin kubeconfig has no current cluster or user");
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ ...cluster, server }],
    users: [user],
    contexts: [{ name: "copy", cluster: cluster.name, user: user.name }],
    currentContext: "copy",
  });
  return kc;
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  await createNamespace(admin, namespace);
});

afterEach(async () => {
  for (const c of running.splice(0)) await c.elector.abandon();
});

afterAll(async () => {
  await deleteNamespaceNoWait(admin, namespace);
});

describe("LeaderElector on a real API server", () => {
  it("elects exactly one of two candidates, records it in the Lease with MicroTime timestamps, and hands over at once on stop()", async () => {
    const lease = uniqueName("lease");
    const a = candidate("replica-a", lease);
    const b = candidate("replica-b", lease);
    await waitFor("one candidate leads", () => leaders([a, b]).length > 0, 10_000);
    const leader = await expectExactlyOneLeaderFor([a, b], 2 * 1_000); // four retry periods of renewals
    const other = leader === a ? b : a;

    const stored = await leases.readNamespacedLease({ name: lease, namespace });
    expect(stored.spec).toMatchObject({ holderIdentity: leader.identity, leaseDurationSeconds: 4, leaseTransitions: 0 });
    // The wire format is MicroTime (six fractional digits), which the API server insists on.
    const raw = await rawRequest(admin, "GET", `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${lease}`);
    const rawSpec = (JSON.parse(raw.body) as { spec: Record<string, string> }).spec;
    expect(rawSpec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(rawSpec.acquireTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(leader.events.filter((e) => e.event === "started")).toHaveLength(1);
    expect(other.events.map((e) => e.event)).toEqual([`new:${leader.identity}`]);

    const t0 = performance.now();
    await leader.elector.stop();
    const stopMs = performance.now() - t0;
    expect(leader.elector.isLeader).toBe(false);
    const takeoverMs = (await waitFor("the other candidate leads", () => other.elector.isLeader, 5_000)) + stopMs;
    report(`release on stop(): stop() took ${stopMs.toFixed(0)} ms, takeover ${takeoverMs.toFixed(0)} ms after stop() began (retry period 500 ms)`);
    expect(takeoverMs).toBeLessThan(FAST.retryPeriodSeconds * 1_000 * 1.1 + 700);
    // The old leader stopped its work before the lease was released.
    const stoppedAt = leader.events.find((e) => e.event === "stopped")!.at;
    expect(stoppedAt).toBeLessThan(other.events.find((e) => e.event === "started")!.at);

    const after = await leases.readNamespacedLease({ name: lease, namespace });
    expect(after.spec).toMatchObject({ holderIdentity: other.identity, leaseTransitions: 1 });
    expect(other.events.map((e) => e.event)).toEqual([`new:${leader.identity}`, `new:${other.identity}`, "started"]);
  });

  it("replaces a crashed leader (lease not released) once the lease expires", async () => {
    const lease = uniqueName("lease");
    const a = candidate("replica-a", lease);
    await waitFor("replica-a leads", () => a.elector.isLeader, 10_000);
    const b = candidate("replica-b", lease);
    await expectExactlyOneLeaderFor([a, b], 1_500);
    expect(a.elector.isLeader).toBe(true);

    const t0 = performance.now();
    await a.elector.abandon();
    await waitFor("replica-b leads", () => b.elector.isLeader, 10_000);
    const takeoverMs = performance.now() - t0;
    report(`crash (lease 4 s, retry 0.5 s): replica-b led ${takeoverMs.toFixed(0)} ms after replica-a stopped renewing`);
    // Not before the lease expired (its last renewal was about one retry period before the crash
    // at most), and within the lease duration plus two jittered retry periods (replica-b sees the
    // last renewal at its next poll and takes over at the first poll after expiry) plus slack.
    expect(takeoverMs).toBeGreaterThan((FAST.leaseDurationSeconds - 2 * FAST.retryPeriodSeconds) * 1_000);
    expect(takeoverMs).toBeLessThan((FAST.leaseDurationSeconds + 2 * FAST.retryPeriodSeconds * 1.1) * 1_000 + 500);
    expect(a.events.some((e) => e.event === "stopped")).toBe(false); // a crash calls nothing

    const stored = await leases.readNamespacedLease({ name: lease, namespace });
    expect(stored.spec).toMatchObject({ holderIdentity: "replica-b", leaseTransitions: 1 });
  });

  it("with the default timings (15 s / 10 s / 2 s) replaces a crashed leader in under 20 s", { timeout: 90_000 }, async () => {
    const lease = uniqueName("lease");
    const defaults = { leaseDurationSeconds: undefined, renewDeadlineSeconds: undefined, retryPeriodSeconds: undefined };
    const a = candidate("replica-a", lease, defaults);
    await waitFor("replica-a leads", () => a.elector.isLeader, 10_000);
    const b = candidate("replica-b", lease, defaults);
    await expectExactlyOneLeaderFor([a, b], 5_000); // two renewals seen by replica-b
    expect((await leases.readNamespacedLease({ name: lease, namespace })).spec?.leaseDurationSeconds).toBe(15);

    const t0 = performance.now();
    await a.elector.abandon();
    await waitFor("replica-b leads", () => b.elector.isLeader, 30_000);
    const takeoverMs = performance.now() - t0;
    report(`crash (defaults 15 s / 10 s / 2 s): replica-b led ${takeoverMs.toFixed(0)} ms after replica-a stopped renewing`);
    expect(takeoverMs).toBeGreaterThan(12_000); // 15 s minus one retry period, minus slack
    expect(takeoverMs).toBeLessThan(20_000);
    const stored = await leases.readNamespacedLease({ name: lease, namespace });
    expect(stored.spec).toMatchObject({ holderIdentity: "replica-b", leaseTransitions: 1 });
  });

  it("steps a leader down within the renew deadline when it loses the API server, before the other candidate takes over", async () => {
    const lease = uniqueName("lease");
    const relay = await cuttableRelay();
    try {
      const a = candidate("replica-a", lease, { kubeConfig: kubeConfigFor(relay.server) });
      await waitFor("replica-a leads", () => a.elector.isLeader, 10_000);
      const b = candidate("replica-b", lease);
      await expectExactlyOneLeaderFor([a, b], 1_500);

      relay.cut();
      const stepDownMs = await waitFor("replica-a steps down", () => !a.elector.isLeader, 10_000);
      const takeoverMs = (await waitFor("replica-b leads", () => b.elector.isLeader, 10_000)) + stepDownMs;
      report(
        `partition (lease 4 s, renew deadline 3 s): replica-a stepped down after ${stepDownMs.toFixed(0)} ms, replica-b led after ${takeoverMs.toFixed(0)} ms`,
      );
      // The deadline counts from the last successful renewal's send, at most one retry before the cut.
      expect(stepDownMs).toBeLessThanOrEqual(FAST.renewDeadlineSeconds * 1_000 + 100);
      expect(stepDownMs).toBeGreaterThan((FAST.renewDeadlineSeconds - 2 * FAST.retryPeriodSeconds) * 1_000);
      const stopped = a.events.find((e) => e.event === "stopped")!.at;
      const started = b.events.find((e) => e.event === "started")!.at;
      expect(started - stopped).toBeGreaterThan(500); // never two leaders; here about a second apart
    } finally {
      await relay.close();
    }
  });

  it("never lets an elector that cannot reach the API server claim leadership", async () => {
    const lease = uniqueName("lease");
    const offline = candidate("replica-offline", lease, { kubeConfig: kubeConfigFor(`https://127.0.0.1:${await closedPort()}`) });
    const t0 = performance.now();
    while (performance.now() - t0 < 3_000) {
      expect(offline.elector.isLeader).toBe(false);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(offline.events).toEqual([]);
    await expect(leases.readNamespacedLease({ name: lease, namespace })).rejects.toMatchObject({ code: 404 });

    // A reachable candidate is unaffected and creates the lease.
    const online = candidate("replica-online", lease);
    await waitFor("replica-online leads", () => online.elector.isLeader, 5_000);
    expect(offline.elector.isLeader).toBe(false);
  });
});
