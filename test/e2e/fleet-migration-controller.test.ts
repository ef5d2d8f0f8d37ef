// Zero restarts with the order controller running (issue 17, ADR 0032): an AAP-era fleet whose
// VMs carry random firmware UUIDs (KubeVirt ≥ 1.6's webhook, played by withKubeVirtDefaults) is
// adopted to `controller` by the real `osac-vm migrate controller`; Adopt pins each order's
// firmware UUID to its live VM's. Then the real `osac-vm controller` reconciles the adopted orders
// (it applies the gitops profile): every VM's `spec.template.spec`, firmware UUID included, is
// unchanged and no VMI is replaced, so nothing asks for a restart.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Annotations, Labels } from "../../src/api/well-known.ts";
import { FIELD_MANAGER } from "../../src/controller/order-reconciler.ts";
import { tenantNamespace } from "../../src/domain/tenant.ts";
import type { FleetMigration } from "../../src/migration/fleet/types.ts";
import type { LiveObject } from "../../src/migration/live-object.ts";
import { KubeRestClient } from "../../src/platform/kube/rest-client.ts";
import { createRoleOrder, inParallel, type RoleOrder } from "../support/role-fleet.ts";
import "./support/context.ts";
import { startControllerProcess, type ControllerProcess } from "./support/controller-process.ts";
import { adminKubeConfig, createNamespace, deleteNamespaceNoWait, uniqueName } from "./support/kube.ts";
import { startMigrationProcess, type MigrationProcess } from "./support/migration-process.ts";

const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const rest = new KubeRestClient(admin, 30_000);
const TENANT = "fmc-tenant";
const MIGRATIONS = "/apis/gitops.cloudkit.openshift.io/v1alpha1";
const ns = uniqueName("e2e-fmc");
const tenantNs = tenantNamespace(ns, TENANT);
const names = Array.from({ length: 6 }, (_, index) => `vm-${index}`);
const FLEET: RoleOrder[] = names.map((name) => ({ name, parameters: { storage_class: "standard" }, running: true, labels: { fleet: "fmc" } }));
const migrations: MigrationProcess[] = [];
/** The suite's webhook serves conversion only: no admission webhook is registered here (fleet-migration-health.test.ts probes one). */
const NO_ADMISSION = ["--no-webhook-check"];
let controller: ControllerProcess | undefined;
/** Each VM's `spec.template.spec` and its VMI's uid before the migration. */
const templates = new Map<string, unknown>();
const vmiUids = new Map<string, string>();

type Json = Record<string, any>;

async function get<T = Json>(path: string): Promise<T> {
  return (await rest.request<T>("GET", path)).body;
}
const orderPath = (name: string) => `/apis/cloudkit.openshift.io/v1alpha1/namespaces/${ns}/virtualmachines/${name}`;
const vmPath = (name: string) => `/apis/kubevirt.io/v1/namespaces/${tenantNs}/virtualmachines/${name}`;
const vmiPath = (name: string) => `/apis/kubevirt.io/v1/namespaces/${tenantNs}/virtualmachineinstances/${name}`;

async function waitUntil<T>(what: string, read: () => Promise<T>, ready: (value: T) => boolean, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ready(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} not reached in ${timeoutMs / 1000} s; last: ${JSON.stringify(last, null, 1).slice(0, 3000)}`);
}

beforeAll(async () => {
  await createNamespace(admin, ns);
  await createNamespace(admin, tenantNs);
  await inParallel(FLEET, 3, async (order) => {
    await createRoleOrder(rest, ns, TENANT, order);
  });
  for (const name of names) {
    templates.set(name, (await get(vmPath(name))).spec.template.spec);
    vmiUids.set(name, (await get<LiveObject>(vmiPath(name))).metadata.uid ?? "");
  }
  migrations.push(await startMigrationProcess(ctx.kubeconfigPath, ["--watch-namespace", ns, "--step-interval-ms", "100", ...NO_ADMISSION]));
}, 300_000);

afterAll(async () => {
  await controller?.stop();
  for (const process of migrations) await process.stop();
  await deleteNamespaceNoWait(admin, ns);
  await deleteNamespaceNoWait(admin, tenantNs);
  rest.close();
});

describe("FleetMigration to controller, then the order controller: zero restarts", () => {
  it("the fleet's VMs carry KubeVirt's random firmware UUIDs, none of them ours", () => {
    const uuids = names.map((name) => (templates.get(name) as Json).domain.firmware.uuid as string);
    expect(new Set(uuids).size).toBe(names.length);
    for (const uuid of uuids) expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("Adopt pins every order's firmware UUID to its live VM's and hands it to the controller", async () => {
    const name = "to-controller";
    await rest.request("POST", `${MIGRATIONS}/namespaces/${ns}/fleetmigrations`, {
      body: {
        apiVersion: "gitops.cloudkit.openshift.io/v1alpha1",
        kind: "FleetMigration",
        metadata: { name, namespace: ns },
        spec: { orderSelector: { matchLabels: { fleet: "fmc" } }, targetMode: "controller", batchSize: 3, approvalMode: "Automatic" },
      },
      discardBody: true,
    });
    const done = await waitUntil("FleetMigration Succeeded", () => get<FleetMigration>(`${MIGRATIONS}/namespaces/${ns}/fleetmigrations/${name}`), (m) => m.status?.phase === "Succeeded" || m.status?.phase === "Failed");
    expect(done.status).toMatchObject({ phase: "Succeeded", adopted: names.length });
    for (const order of names) {
      const annotations = (await get<LiveObject>(orderPath(order))).metadata.annotations ?? {};
      expect(annotations[Annotations.managedBy], order).toBe("controller");
      expect(annotations[Annotations.firmwareUuid], order).toBe((templates.get(order) as Json).domain.firmware.uuid);
    }
  });

  it("the order controller reconciles every adopted order: spec.template.spec unchanged, firmware UUID kept, no VMI replaced", async () => {
    controller = await startControllerProcess({
      kubeconfigPath: ctx.kubeconfigPath,
      leaseNamespace: ns,
      identity: `${ns}-controller`,
      extraArgs: [`--order-namespaces=${ns}`, `--tenant-namespaces=${tenantNs}`],
    });
    for (const order of names) {
      const reconciled = await waitUntil(
        `order ${order} reconciled`,
        () => get(orderPath(order)),
        (o) => typeof o.status?.desiredConfigVersion === "string" && o.status?.reconciledConfigVersion === o.status.desiredConfigVersion,
      );
      const vm = await get(vmPath(order));
      // The controller applied the VM (its gitops profile stamps the config version) …
      expect(vm.metadata.annotations?.[Annotations.configVersion], order).toBe(reconciled.status.desiredConfigVersion);
      expect(vm.metadata.managedFields.some((entry: Json) => entry.manager === FIELD_MANAGER), order).toBe(true);
      expect(vm.metadata.labels?.[Labels.order], order).toBe(order);
      // … and nothing under spec.template.spec changed: nothing for KubeVirt to restart.
      expect(vm.spec.template.spec, order).toEqual(templates.get(order));
      expect((await get<LiveObject>(vmiPath(order))).metadata.uid, order).toBe(vmiUids.get(order));
      expect((vm.status?.conditions ?? []).filter((condition: Json) => condition.type === "RestartRequired"), order).toEqual([]);
    }
  });
});
