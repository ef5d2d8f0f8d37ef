// The embedded default, end to end: no SSVIRT_DATABASE_URL, SSVirt's schema bootstrapped by this
// project in an embedded PGlite. `osac-vm ssvirt add-vdc` adds a VDC, the controller (a real
// process on the harness) applies its namespace and writes VM status into the embedded tables,
// and `osac-vm ssvirt render` reads the same database. PGlite is one process per directory, so the
// test reads the tables only after the controller has stopped; meanwhile the controller's Events
// show each write.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, inject, it } from "vitest";
import { REPO_ROOT } from "../../scripts/cluster/harness.ts";
import { openSsvirtDatabase } from "../../src/ssvirt/database/open-database.ts";
import { createVApp, createVm } from "../support/ssvirt-rows.ts";
import "./support/context.ts";
import type { ControllerProcess } from "./support/controller-process.ts";
import { adminKubeConfig, createNamespace, eventually } from "./support/kube.ts";
import { api, eventsFor, kubevirtVm, setPrintableStatus, startSsvirtController } from "./support/ssvirt-env.ts";

const execFileAsync = promisify(execFile);
const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const kube = api(admin);
const CLI = path.join(REPO_ROOT, "bin/osac-vm.js");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "osac-ssvirt-embedded-"));
const dataDir = path.join(work, "db");
const suffix = randomBytes(3).toString("hex");
let controller: ControllerProcess | undefined;

function cli(args: string[]) {
  const env = { ...process.env };
  delete env.SSVIRT_DATABASE_URL;
  return execFileAsync(process.execPath, [CLI, "ssvirt", ...args], { cwd: REPO_ROOT, env });
}

afterAll(async () => {
  await controller?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("SSVirt on the embedded default database", () => {
  it("GIVEN a VDC added to the embedded database THEN the controller applies its namespace and writes VM status into the embedded tables, and render reads them too", async () => {
    const added = await cli(["add-vdc", "--organization", `Local ${suffix}`, "--name", "Dev", "--cpu-limit", "2", "--cpu-units", "cores", "--memory-limit", "4096", "--data-dir", dataDir]);
    const namespace = added.stdout.trim();
    expect(namespace).toBe(`vdc-local${suffix}-dev`);
    const seed = await openSsvirtDatabase({ dataDir });
    const sql = async <Row extends object>(text: string, params: unknown[] = []) => seed.query<Row>(text, params);
    const [vdc] = await sql<{ id: string }>("SELECT id FROM vdcs WHERE namespace = $1", [namespace]);
    const vappId = await createVApp(sql, vdc!.id, "app");
    await createVm(sql, { vappId, vmName: "app-1", namespace });
    await seed.close();

    const leaseNamespace = `ssvirt-embedded-lease-${suffix}`;
    await createNamespace(admin, leaseNamespace);
    controller = await startSsvirtController(ctx.kubeconfigPath, { identity: `ssvirt-embedded-${suffix}`, leaseNamespace, extraArgs: ["--data-dir", dataDir] });
    await eventually(async () => expect((await kube.get(`/api/v1/namespaces/${namespace}/resourcequotas/vdc-quota`))?.spec.hard).toMatchObject({ "requests.cpu": "2", "requests.memory": "4Gi" }), 30_000);
    await kube.send("POST", `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachines`, kubevirtVm(namespace, "app-1", { labels: { "vapp.ssvirt.io/vapp-id": vappId.split(":")[3]! }, cores: 2, memory: "2Gi" }));
    await setPrintableStatus(kube, namespace, "app-1", "Running");
    await kube.send("POST", `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachines`, kubevirtVm(namespace, "app-2", { labels: { "vapp.ssvirt": "app" } }));
    await setPrintableStatus(kube, namespace, "app-2", "Stopped");
    await eventually(async () => {
      expect((await eventsFor(kube, namespace, "app-1")).map((event) => event.message)).toContain("VM status updated to POWERED_ON");
      expect((await eventsFor(kube, namespace, "app-2")).map((event) => event.reason)).toContain("VMRecordCreated");
    }, 30_000);
    expect(controller.log()).toMatch(/"backend":"pglite"/);
    await controller.stop();

    const check = await openSsvirtDatabase({ dataDir });
    try {
      const rows = await check.query<{ vm_name: string; status: string; cpu_count: string; memory_mb: string }>("SELECT vm_name, status, cpu_count::text, memory_mb::text FROM vms WHERE namespace = $1 ORDER BY vm_name", [namespace]);
      expect(rows).toEqual([
        { vm_name: "app-1", status: "POWERED_ON", cpu_count: "2", memory_mb: "2048" },
        { vm_name: "app-2", status: "POWERED_OFF", cpu_count: "1", memory_mb: "1024" },
      ]);
      expect((await check.query<{ status: string }>("SELECT status FROM v_apps WHERE id = $1", [vappId]))[0]?.status).toBe("DEPLOYED");
    } finally {
      await check.close();
    }
    const out = path.join(work, "tree");
    const rendered = await cli(["render", "--out", out, "--data-dir", dataDir]);
    expect(rendered.stderr).toMatch(/1 written/);
    expect(fs.readFileSync(path.join(out, namespace, "_vdc.yaml"), "utf8")).toContain("requests.memory: 4Gi");
  });
});
