/**
 * SSVirt benchmark (npm run bench:ssvirt): `osac-vm ssvirt controller` as a real process against a
 * real etcd + kube-apiserver (scripts/cluster/harness.ts) and a PostgreSQL 15 holding the schema
 * SSVirt's GORM creates (read from ../shared at run time). Markdown tables on stdout, progress on
 * stderr, /proc/loadavg beside the figures (the machine is shared).
 *
 *  1. VDC row → namespace objects (controller mode): `--vdc-changes` (50) new VDC rows are inserted
 *     one every `--vdc-pace-ms` (250), as SSVirt inserts them; watches in this process record when
 *     the Namespace, ResourceQuota, LimitRange and NetworkPolicy are first seen; per VDC: the last
 *     of the four − the moment the INSERT committed. Then the same VDCs are disabled one by one:
 *     until the quota shows `count/virtualmachines.kubevirt.io: 0`. Target p99 ≤ 5 s.
 *  2. VM status → `vms` row: `--vms` (1,000) KubeVirt VMs across `--vdcs` (50) VDC namespaces, rows
 *     seeded as SSVirt's (half found by the vApp label, half by name). `--changes` (1,000) status
 *     changes are written through the status subresource, (a) paced at `--rate` (50/s), (b) as a
 *     burst `--in-flight` (50) at a time. A trigger in the benchmark's database records when each
 *     row's status changed (database clock); per change: that moment − the moment the PATCH was
 *     sent. Target p99 ≤ 1 s. Also: statements, transactions and rows written per change
 *     (controller metrics and PostgreSQL's pg_stat_user_tables).
 *  3. A resync pass over every VM: statements sent and rows written (should be 0).
 *  4. The change check itself: the fingerprint query's time on the benchmark's VDC rows and with
 *     5,000 more.
 * Options: --vdcs N, --vms N, --changes N, --rate N/s, --in-flight N, --vdc-changes N,
 * --vdc-pace-ms N, --poll-interval-ms N (the controller's), --keep (keep the controller's log).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import pg from "pg";
import { startControlPlane } from "../scripts/cluster/harness.ts";
import { KubeRestClient } from "../src/platform/kube/rest-client.ts";
import { VDC_FINGERPRINT } from "../src/ssvirt/database/vdc-queries.ts";
import { connectionUrl, createPostgresServer, destroyServerSync } from "../test/db/support/postgres-server.ts";
import { startControllerProcess } from "../test/e2e/support/controller-process.ts";
import { referenceSchemaSql } from "../test/support/ssvirt-reference.ts";
import { createVdc, updateVdc } from "../test/support/ssvirt-rows.ts";
import { onCleanup, runCleanups, sleep, waitFor } from "./support/controller-env.ts";
import { percentile, pool } from "./support/controller-orders.ts";
import { CollectionWatch } from "./support/controller-watch.ts";
import { installStatusStopwatch, rowUpdates, seedVdcs, seedVms, type SeededVm } from "./support/ssvirt-seed.ts";
import { diff, scrapeTotals, timeQuery } from "./support/ssvirt-metrics.ts";

const { values: flags } = parseArgs({
  options: {
    vdcs: { type: "string", default: "50" },
    vms: { type: "string", default: "1000" },
    changes: { type: "string", default: "1000" },
    rate: { type: "string", default: "50" },
    "in-flight": { type: "string", default: "50" },
    "vdc-changes": { type: "string", default: "50" },
    "vdc-pace-ms": { type: "string", default: "250" },
    "poll-interval-ms": { type: "string", default: "1000" },
    keep: { type: "boolean", default: false },
  },
});
const int = (name: keyof typeof flags) => {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${flags[name]}`);
  return value;
};
const VDCS = int("vdcs");
const VMS = int("vms");
const CHANGES = int("changes");
const RATE = int("rate");
const IN_FLIGHT = int("in-flight");
const VDC_CHANGES = int("vdc-changes");
const VDC_PACE_MS = int("vdc-pace-ms");
const POLL_MS = int("poll-interval-ms");
const TARGETS = { statusP99Ms: 1_000, vdcP99Ms: 5_000 };
const PER_VAPP = 5;
if (VMS % VDCS !== 0) throw new Error(`--vms (${VMS}) must be a multiple of --vdcs (${VDCS})`);

const log = (message: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const load = () => loadavg().map((value) => value.toFixed(2)).join(" ");
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : "—");
const wallNow = () => performance.timeOrigin + performance.now();
const summary = (values: number[]) => ({ count: values.length, p50: percentile(values, 50), p90: percentile(values, 90), p99: percentile(values, 99), max: values.length ? Math.max(...values) : NaN });

async function main(): Promise<void> {
  const startLoad = load();
  log(`load ${startLoad}; starting a control plane and PostgreSQL 15`);
  const cp = await startControlPlane({ log: (line) => log(`cluster: ${line}`) });
  onCleanup("control plane", () => cp.stop(), () => {});
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const rest = new KubeRestClient(kc, 60_000);
  onCleanup("rest client", async () => rest.close(), () => rest.close());
  const server = await createPostgresServer();
  onCleanup("PostgreSQL", async () => destroyServerSync(server), () => destroyServerSync(server));
  const admin = new pg.Client({ connectionString: connectionUrl(server) });
  await admin.connect();
  await admin.query("CREATE DATABASE ssvirt_bench");
  await admin.end();
  const databaseUrl = connectionUrl(server, "ssvirt_bench");
  const db = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  db.on("error", () => undefined);
  onCleanup("database pool", () => db.end(), () => {});
  const sql = async <Row extends object>(text: string, params: unknown[] = []) => (await db.query<Row & pg.QueryResultRow>(text, params)).rows;
  await db.query(referenceSchemaSql());

  log(`seeding ${VDCS} VDCs and ${VMS} VM rows`);
  const { organization, vdcs } = await seedVdcs(sql, VDCS, randomUUID().slice(0, 6));
  const vms = await seedVms(sql, vdcs, VMS / VDCS, PER_VAPP);
  await installStatusStopwatch(db);

  const seen = { Namespace: new Map<string, number>(), ResourceQuota: new Map<string, number>(), LimitRange: new Map<string, number>(), NetworkPolicy: new Map<string, number>() };
  const closed = new Map<string, number>();
  const watches = [
    new CollectionWatch(kc, "/api/v1/namespaces", "app.kubernetes.io/component=vdc", (type, object, at) => type === "ADDED" && !seen.Namespace.has(object.metadata.name) && seen.Namespace.set(object.metadata.name, at)),
    new CollectionWatch(kc, "/api/v1/resourcequotas", "app.kubernetes.io/managed-by=ssvirt", (type, object, at) => {
      const namespace = object.metadata.namespace!;
      if (type === "ADDED" && !seen.ResourceQuota.has(namespace)) seen.ResourceQuota.set(namespace, at);
      if ((object as any).spec?.hard?.["count/virtualmachines.kubevirt.io"] === "0" && !closed.has(namespace)) closed.set(namespace, at);
    }),
    new CollectionWatch(kc, "/api/v1/limitranges", "app.kubernetes.io/managed-by=ssvirt", (type, object, at) => type === "ADDED" && !seen.LimitRange.has(object.metadata.namespace!) && seen.LimitRange.set(object.metadata.namespace!, at)),
    new CollectionWatch(kc, "/apis/networking.k8s.io/v1/networkpolicies", "app.kubernetes.io/managed-by=ssvirt", (type, object, at) => type === "ADDED" && !seen.NetworkPolicy.has(object.metadata.namespace!) && seen.NetworkPolicy.set(object.metadata.namespace!, at)),
  ];
  await Promise.all(watches.map((watch) => watch.start()));
  onCleanup("watches", async () => watches.forEach((watch) => watch.stop()), () => watches.forEach((watch) => watch.stop()));
  const allSeenAt = (namespace: string) => {
    const times = Object.values(seen).map((map) => map.get(namespace));
    return times.every((time) => time !== undefined) ? Math.max(...(times as number[])) : undefined;
  };

  await rest.request("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "ssvirt-bench-lease" } } });
  const logDir = mkdtempSync(join(tmpdir(), "osac-ssvirt-bench-"));
  onCleanup("log directory", async () => void (flags.keep ? log(`kept ${logDir}`) : rmSync(logDir, { recursive: true, force: true })), () => {});
  const controller = await startControllerProcess({
    kubeconfigPath: cp.kubeconfigPath,
    leaseNamespace: "ssvirt-bench-lease",
    identity: "ssvirt-bench",
    command: ["ssvirt", "controller"],
    databaseEnv: "SSVIRT_DATABASE_URL",
    databaseUrl,
    logLevel: "info",
    extraArgs: ["--poll-interval-ms", String(POLL_MS), "--resync-interval-ms", "3600000"],
  });
  onCleanup("controller", () => controller.stop(30_000, flags.keep), () => controller.child.kill("SIGKILL"));
  const t0 = performance.now();
  await waitFor(`the ${VDCS} seeded VDC namespaces are present`, () => vdcs.every((vdc) => allSeenAt(vdc.namespace) !== undefined), 120_000);
  log(`controller up; ${VDCS} seeded VDC namespaces present ${ms(performance.now() - t0)} ms after its start`);

  // 1. VDC row changes
  const vdcLoad = load();
  const created: { namespace: string; at: number; id: string }[] = [];
  for (let index = 0; index < VDC_CHANGES; index++) {
    const vdc = await createVdc(sql, organization, { name: `new ${index}`, cpuLimit: 8, cpuUnits: "cores", memoryLimit: 16384 });
    created.push({ namespace: vdc.namespace, at: performance.now(), id: vdc.id });
    await sleep(VDC_PACE_MS);
  }
  await waitFor("every new VDC's objects are present", () => created.every((entry) => allSeenAt(entry.namespace) !== undefined), 120_000);
  const createLatencies = created.map((entry) => allSeenAt(entry.namespace)! - entry.at);
  const disabled: { namespace: string; at: number }[] = [];
  for (const entry of created) {
    await updateVdc(sql, entry.id, { is_enabled: false });
    disabled.push({ namespace: entry.namespace, at: performance.now() });
    await sleep(VDC_PACE_MS);
  }
  await waitFor("every disabled VDC's quota is closed", () => disabled.every((entry) => closed.has(entry.namespace)), 120_000);
  const disableLatencies = disabled.map((entry) => closed.get(entry.namespace)! - entry.at);

  // 2. VM status
  log(`creating ${VMS} KubeVirt VMs`);
  const vmBody = (vm: SeededVm) => ({
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: { name: vm.name, namespace: vm.namespace, labels: vm.vappUuid ? { "vapp.ssvirt.io/vapp-id": vm.vappUuid } : {} },
    spec: { runStrategy: "Always", template: { spec: { domain: { cpu: { cores: 2 }, memory: { guest: "2Gi" }, devices: {} } } } },
  });
  const createStart = performance.now();
  await pool(vms, 20, async (vm) => {
    await rest.request("POST", `/apis/kubevirt.io/v1/namespaces/${vm.namespace}/virtualmachines`, { body: vmBody(vm), discardBody: true });
  });
  const createMs = performance.now() - createStart;
  await waitFor("every VM's row says STARTING", async () => Number((await sql<{ count: string }>("SELECT count(*)::text AS count FROM vms WHERE status = 'STARTING'"))[0]!.count) === VMS, 120_000, 250);
  const firstRowsMs = performance.now() - createStart;
  log(`${VMS} VMs created in ${ms(createMs)} ms; every row written ${ms(firstRowsMs)} ms after the first POST`);

  const current = new Map(vms.map((vm) => [vm.id, "STARTING"]));
  type Sent = { id: string; status: string; sentAt: number; answeredAt: number };
  const phase = async (name: string, run: (change: (index: number) => Promise<Sent>) => Promise<Sent[]>) => {
    const phaseLoad = load();
    const before = { metrics: await scrapeTotals(controller), rows: await rowUpdates(db) };
    const since = wallNow();
    const change = async (index: number) => {
      const vm = vms[index % vms.length]!;
      const next = current.get(vm.id) === "POWERED_ON" ? "Stopped" : "Running";
      const status = next === "Running" ? "POWERED_ON" : "POWERED_OFF";
      current.set(vm.id, status);
      const sentAt = wallNow();
      await rest.request("PATCH", `/apis/kubevirt.io/v1/namespaces/${vm.namespace}/virtualmachines/${vm.name}/status`, { body: { status: { printableStatus: next } }, contentType: "application/merge-patch+json", discardBody: true });
      return { id: vm.id, status, sentAt, answeredAt: wallNow() };
    };
    const sendStart = performance.now();
    const sent = await run(change);
    const sendMs = performance.now() - sendStart;
    await waitFor(`${name}: every change landed`, async () => Number((await sql<{ count: string }>("SELECT count(*)::text AS count FROM bench_status_changes WHERE at >= to_timestamp($1 / 1000.0)", [since]))[0]!.count) >= sent.length, 120_000, 250);
    const records = await sql<{ vm_id: string; status: string; at_ms: number }>("SELECT vm_id, status, extract(epoch FROM at) * 1000 AS at_ms FROM bench_status_changes WHERE at >= to_timestamp($1 / 1000.0) ORDER BY at", [since]);
    const byVm = new Map<string, { status: string; at: number }[]>();
    for (const record of records) (byVm.get(record.vm_id) ?? byVm.set(record.vm_id, []).get(record.vm_id)!).push({ status: record.status, at: Number(record.at_ms) });
    const landedAt = (entry: Sent) => byVm.get(entry.id)?.find((record) => record.status === entry.status && record.at >= entry.sentAt)?.at;
    const latencies = sent.flatMap((entry) => {
      const at = landedAt(entry);
      return at === undefined ? [] : [at - entry.answeredAt];
    });
    const fromSent = sent.flatMap((entry) => {
      const at = landedAt(entry);
      return at === undefined ? [] : [at - entry.sentAt];
    });
    const after = { metrics: await scrapeTotals(controller), rows: await rowUpdates(db) };
    return { name, load: phaseLoad, latencies, fromSent, sendMs, sent: sent.length, metrics: diff(after.metrics, before.metrics), rows: { vms: after.rows.vms - before.rows.vms, vapps: after.rows.vapps - before.rows.vapps } };
  };
  const paced = await phase(`paced ${RATE}/s`, async (change) => {
    const sent: Sent[] = [];
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let index = 0; index < CHANGES; index++) {
      const due = started + (index * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      inFlight.push(change(index).then((entry) => void sent.push(entry)));
    }
    await Promise.all(inFlight);
    return sent;
  });
  const burst = await phase(`burst, ${IN_FLIGHT} in flight`, async (change) => {
    const sent: Sent[] = [];
    await pool(Array.from({ length: CHANGES }, (_, index) => index), IN_FLIGHT, async (index) => void sent.push(await change(index)));
    return sent;
  });

  // 3. A resync pass
  const resyncBefore = { metrics: await scrapeTotals(controller), rows: await rowUpdates(db) };
  await controller.stop(30_000, flags.keep);
  const resynced = await startControllerProcess({
    kubeconfigPath: cp.kubeconfigPath,
    leaseNamespace: "ssvirt-bench-lease",
    identity: "ssvirt-bench-2",
    command: ["ssvirt", "controller"],
    databaseEnv: "SSVIRT_DATABASE_URL",
    databaseUrl,
    logLevel: "info",
    extraArgs: ["--poll-interval-ms", String(POLL_MS), "--resync-interval-ms", "3600000"],
  });
  onCleanup("second controller", () => resynced.stop(30_000, flags.keep), () => resynced.child.kill("SIGKILL"));
  const resyncStart = performance.now();
  await waitFor("the new leader wrote every VM once", async () => ((await scrapeTotals(resynced)).get("writes") ?? 0) >= VMS, 180_000, 250);
  const resyncMs = performance.now() - resyncStart;
  const resyncMetrics = await scrapeTotals(resynced);
  const resyncRows = await rowUpdates(db);
  await resynced.stop(30_000, flags.keep);

  // 4. The change check's own cost
  const queryLoad = load();
  const COUNT_AND_MAX_ONLY = "SELECT (SELECT concat_ws('/', count(*), max(updated_at), max(deleted_at)) FROM vdcs) || '|' || (SELECT concat_ws('/', count(*), max(updated_at), max(deleted_at)) FROM organizations)";
  const fingerprintSmall = await timeQuery(db, VDC_FINGERPRINT, 200);
  const countMaxSmall = await timeQuery(db, COUNT_AND_MAX_ONLY, 200);
  await sql(
    "INSERT INTO vdcs (id, name, description, organization_id, allocation_model, namespace, created_at, updated_at) SELECT 'urn:vcloud:vdc:' || gen_random_uuid(), 'bulk ' || n, '', $1, 'Flex', 'bulk-' || n, now(), now() FROM generate_series(1, 5000) AS n",
    [organization.id],
  );
  const fingerprintLarge = await timeQuery(db, VDC_FINGERPRINT, 200);
  const countMaxLarge = await timeQuery(db, COUNT_AND_MAX_ONLY, 200);

  // Tables
  const create = summary(createLatencies);
  const disable = summary(disableLatencies);
  console.log(`## SSVirt benchmark\n\nload at start: ${startLoad}; at the end: ${load()} (1/5/15 min, /proc/loadavg; 2 cores shared with other work)\n`);
  console.log(`### VDC row → namespace objects (controller mode, poll every ${POLL_MS} ms)\n`);
  console.log("| change | VDCs | p50 ms | p90 ms | p99 ms | max ms | target p99 | met | load (1/5/15) |\n|---|---|---|---|---|---|---|---|---|");
  console.log(`| new VDC row → Namespace, ResourceQuota, LimitRange, NetworkPolicy | ${create.count} | ${ms(create.p50)} | ${ms(create.p90)} | ${ms(create.p99)} | ${ms(create.max)} | ≤ ${TARGETS.vdcP99Ms} | ${create.p99 <= TARGETS.vdcP99Ms ? "yes" : "**no**"} | ${vdcLoad} |`);
  console.log(`| VDC disabled → quota closed to new VMs | ${disable.count} | ${ms(disable.p50)} | ${ms(disable.p90)} | ${ms(disable.p99)} | ${ms(disable.max)} | ≤ ${TARGETS.vdcP99Ms} | ${disable.p99 <= TARGETS.vdcP99Ms ? "yes" : "**no**"} | ${vdcLoad} |`);
  console.log(`\n### VM status change → \`vms\` row (${VMS} VMs in ${VDCS} VDC namespaces, PostgreSQL 15)\n`);
  console.log("Latency: from the API server's answer to the status PATCH (the change is committed; the watch event follows) until the trigger saw the row change; the last column from the moment the PATCH was sent.\n");
  console.log("| phase | changes | sent in s | landed | p50 ms | p90 ms | p99 ms | max ms | target p99 | met | p99 from PATCH sent ms | transactions / change | statements / change | vms rows / change | v_apps rows / change | load (1/5/15) |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const result of [paced, burst]) {
    const s = summary(result.latencies);
    const per = (value: number | undefined) => ((value ?? 0) / result.sent).toFixed(2);
    console.log(
      `| ${result.name} | ${result.sent} | ${(result.sendMs / 1000).toFixed(1)} | ${s.count} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} | ≤ ${TARGETS.statusP99Ms} | ${s.p99 <= TARGETS.statusP99Ms && s.count === result.sent ? "yes" : "**no**"} | ${ms(percentile(result.fromSent, 99))} | ${per(result.metrics.get("writes"))} | ${per(result.metrics.get("statements"))} | ${per(result.rows.vms)} | ${per(result.rows.vapps)} | ${result.load} |`,
    );
  }
  console.log(`\nThe first status of each of the ${VMS} VMs (row '' → STARTING, vApps INSTANTIATING → DEPLOYED) was in the database ${ms(firstRowsMs)} ms after the first of ${VMS} VM POSTs (the POSTs took ${ms(createMs)} ms).\n`);
  console.log(`### A new leader's first pass over every VM (a resync)\n`);
  console.log("| VMs | took ms | transactions | statements | vms rows written | v_apps rows written |\n|---|---|---|---|---|---|");
  console.log(`| ${VMS} | ${ms(resyncMs)} | ${resyncMetrics.get("writes") ?? 0} | ${resyncMetrics.get("statements") ?? 0} | ${resyncRows.vms - resyncBefore.rows.vms} | ${resyncRows.vapps - resyncBefore.rows.vapps} |`);
  console.log(`\n### The change check (\`VDC_FINGERPRINT\`, run ${fingerprintSmall.runs} times by this process)\n`);
  console.log("| vdcs rows | fingerprint mean ms | fingerprint p99 ms | count and max only: mean ms | p99 ms | load (1/5/15) |\n|---|---|---|---|---|---|");
  console.log(`| ${VDCS + VDC_CHANGES} | ${fingerprintSmall.mean.toFixed(3)} | ${fingerprintSmall.p99.toFixed(3)} | ${countMaxSmall.mean.toFixed(3)} | ${countMaxSmall.p99.toFixed(3)} | ${queryLoad} |`);
  console.log(`| ${VDCS + VDC_CHANGES + 5000} | ${fingerprintLarge.mean.toFixed(3)} | ${fingerprintLarge.p99.toFixed(3)} | ${countMaxLarge.mean.toFixed(3)} | ${countMaxLarge.p99.toFixed(3)} | ${queryLoad} |`);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench:ssvirt failed: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(() => runCleanups());
