// End-to-end tests of the control-plane harness (scripts/cluster/harness.ts) and of the cluster
// it provides: CRDs, the order API through client-node and kubectl, RBAC for restricted tokens,
// and clean, independent start/stop of further harnesses.
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { REPO_ROOT, startControlPlane, type ControlPlane, type ControlPlaneState } from "../../scripts/cluster/harness.ts";
import "./support/context.ts";
import {
  adminKubeConfig,
  createNamespace,
  deleteNamespaceNoWait,
  eventually,
  expectHttpStatus,
  restrictedIdentities,
  statusOf,
  uniqueName,
} from "./support/kube.ts";
import { NOTHING_LEFT, waitNothingLeft } from "./support/procs.ts";

const execFileAsync = promisify(execFile);

const GROUP = "cloudkit.openshift.io";
const VERSION = "v1alpha1";
const PLURAL = "virtualmachines";
const ORDER_CRD = `${PLURAL}.${GROUP}`;

const ctx = inject("e2e");
const admin = adminKubeConfig(ctx);
const namespaces: string[] = [];

async function newNamespace(prefix: string): Promise<string> {
  const ns = uniqueName(prefix);
  await createNamespace(admin, ns);
  namespaces.push(ns);
  return ns;
}

function order(name: string, namespace: string, templateID = "cloudkit.templates.ocp_virt_vm") {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: "VirtualMachine",
    metadata: { name, namespace, annotations: { "cloudkit.openshift.io/tenant": "my-tenant" } },
    spec: { templateID, templateParameters: '{"cpu_cores":"4"}' },
  };
}

afterAll(async () => {
  for (const ns of namespaces) await deleteNamespaceNoWait(admin, ns);
});

describe("the cluster under test", () => {
  it(`serves the order CRD ${ORDER_CRD}, Established`, async () => {
    const ext = admin.makeApiClient(k8s.ApiextensionsV1Api);
    const crd = await ext.readCustomResourceDefinition({ name: ORDER_CRD });
    const established = crd.status?.conditions?.find((c) => c.type === "Established");
    expect(established?.status, `CRD ${ORDER_CRD} conditions: ${JSON.stringify(crd.status?.conditions)}`).toBe("True");
    expect(crd.spec.versions.map((v) => v.name)).toContain(VERSION);
  });

  it("has a default StorageClass", async () => {
    const storage = admin.makeApiClient(k8s.StorageV1Api);
    const list = await storage.listStorageClass();
    const defaults = list.items.filter(
      (sc) => sc.metadata?.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true",
    );
    expect(defaults.length, "StorageClasses annotated storageclass.kubernetes.io/is-default-class=true").toBeGreaterThanOrEqual(1);
    if (!ctx.external) {
      expect(defaults[0]?.volumeBindingMode).toBe("WaitForFirstConsumer");
    }
  });

  it("stores a valid order created through client-node, and kubectl lists it", async () => {
    const ns = await newNamespace("e2e-orders");
    const name = uniqueName("vm");
    const custom = admin.makeApiClient(k8s.CustomObjectsApi);
    await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, body: order(name, ns) });

    const got = (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, name })) as ReturnType<
      typeof order
    > & { metadata: { uid?: string } };
    expect(got.spec).toEqual({ templateID: "cloudkit.templates.ocp_virt_vm", templateParameters: '{"cpu_cores":"4"}' });
    expect(got.metadata.annotations["cloudkit.openshift.io/tenant"]).toBe("my-tenant");
    expect(got.metadata.uid).toBeTruthy();

    // a throw-away discovery cache: every harness has a new port, ~/.kube/cache would only grow
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-kubectl-"));
    let stdout: string;
    try {
      ({ stdout } = await execFileAsync("kubectl", ["--kubeconfig", ctx.kubeconfigPath, "--cache-dir", cacheDir, "get", ORDER_CRD, "-A"]));
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
    const line = stdout.split("\n").find((l) => l.includes(name));
    expect(line, `kubectl output:\n${stdout}`).toBeDefined();
    expect(line).toContain(ns);
    expect(line).toContain("cloudkit.templates.ocp_virt_vm");
  });

  it("rejects an order that violates the CRD schema", async () => {
    const ns = await newNamespace("e2e-orders-invalid");
    const custom = admin.makeApiClient(k8s.CustomObjectsApi);
    const bad = order(uniqueName("vm"), ns, "not a template id!");
    await expectHttpStatus(
      custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, body: bad }),
      422,
    );
  });

  it("denies restricted tokens without RBAC (403), and allows them after a RoleBinding", async () => {
    const ns = await newNamespace("e2e-rbac");
    const ids = await restrictedIdentities(ctx, admin, ns);
    if (!ctx.external) {
      // the harness provides token-file users; the ServiceAccount identity is always added
      expect(ids.filter((i) => i.kind === "token-file user").length).toBeGreaterThanOrEqual(2);
    }
    expect(ids.some((i) => i.kind === "ServiceAccount")).toBe(true);

    const list = (kc: k8s.KubeConfig, namespace: string) =>
      kc.makeApiClient(k8s.CustomObjectsApi).listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL });

    for (const id of ids) {
      await expectHttpStatus(list(id.kc, ns), 403);
    }

    const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: ns,
      body: {
        metadata: { name: "order-editor" },
        rules: [{ apiGroups: [GROUP], resources: [PLURAL], verbs: ["get", "list", "watch", "create"] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: "order-editor" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "order-editor" },
        subjects: ids.map((i) => i.subject),
      },
    });

    for (const id of ids) {
      const res = await eventually(() => list(id.kc, ns));
      expect(res, `${id.kind} ${id.name}`).toHaveProperty("items");
      const created = await id.kc
        .makeApiClient(k8s.CustomObjectsApi)
        .createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, body: order(uniqueName("vm"), ns) });
      expect(created).toHaveProperty("metadata.uid");
      // the Role grants nothing outside its namespace, and nothing beyond its verbs
      await expectHttpStatus(list(id.kc, "default"), 403);
      await expectHttpStatus(id.kc.makeApiClient(k8s.CoreV1Api).listNamespace(), 403);
    }
  });
});

describe("harness lifecycle", () => {
  // A marker in the shared cluster, to prove that other harnesses do not see it.
  let marker = "";
  beforeAll(async () => {
    marker = await newNamespace("e2e-marker");
  });

  async function useAndStop(cp: ControlPlane): Promise<void> {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const own = uniqueName("e2e-own");
    await core.createNamespace({ body: { metadata: { name: own } } });
    const names = (await core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).toContain(own);
    expect(names).not.toContain(marker);
    // the CRDs of the repo are installed there as well
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: own, plural: PLURAL, body: order("vm-1", own) });

    // and the shared cluster does not see this one's namespace
    const shared = (await admin.makeApiClient(k8s.CoreV1Api).listNamespace()).items.map((n) => n.metadata?.name);
    expect(shared).not.toContain(own);

    await cp.stop();
    await cp.stop(); // idempotent
    expect(await waitNothingLeft(cp)).toEqual(NOTHING_LEFT);
  }

  it("runs two more harnesses one after the other, each leaving no processes, ports or dirs behind", async () => {
    const seen: ControlPlane[] = [];
    for (let i = 0; i < 2; i++) {
      const t = Date.now();
      const cp = await startControlPlane({});
      const startMs = Date.now() - t;
      process.stderr.write(`[e2e] extra harness ${i + 1}: ${cp.server} ready in ${startMs} ms (processes ${cp.timings.processesReadyMs} ms)\n`);
      if (!ctx.external) expect(cp.server).not.toBe(ctx.server);
      for (const prev of seen) {
        expect(cp.dir).not.toBe(prev.dir);
      }
      seen.push(cp);
      await useAndStop(cp);
    }
    // the shared cluster is still healthy
    const names = (await admin.makeApiClient(k8s.CoreV1Api).listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).toContain(marker);
  });

  it("cleans up after a failed start (invalid CRD)", async () => {
    const tmpBase = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-failing-"));
    const crdDir = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-badcrd-"));
    try {
      fs.writeFileSync(
        path.join(crdDir, "bad.yaml"),
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: bads.example.com\nspec:\n  group: example.com\n",
      );
      await expect(startControlPlane({ tmpBase, crdDirs: [crdDir] })).rejects.toThrow(/bads\.example\.com/);
      expect(fs.readdirSync(tmpBase)).toEqual([]);
      expect((await import("./support/procs.ts")).processesMentioning(tmpBase)).toEqual([]);
    } finally {
      fs.rmSync(tmpBase, { recursive: true, force: true });
      fs.rmSync(crdDir, { recursive: true, force: true });
    }
  });

  for (const signal of ["SIGTERM", "SIGINT", "SIGKILL"] as const) {
    it(`tears down when its owning process gets ${signal}`, async () => {
      const tmpBase = fs.mkdtempSync(path.join(os.tmpdir(), "osac-e2e-owner-"));
      try {
        // one Node process (no tsx CLI wrapper in between), so that the signal hits the owner itself
        const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "test/e2e/support/owner.ts"), tmpBase], {
          cwd: REPO_ROOT,
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        const state = await new Promise<ControlPlaneState>((resolve, reject) => {
          child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            const nl = out.indexOf("\n");
            if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as ControlPlaneState);
          });
          child.once("exit", (code) => reject(new Error(`owner exited (${code}) before ready: ${err}`)));
        });
        expect(state.dir.startsWith(tmpBase)).toBe(true);
        const exited = new Promise((r) => child.once("exit", r));
        child.kill(signal);
        await exited;
        expect(await waitNothingLeft(state)).toEqual(NOTHING_LEFT);
        expect(fs.readdirSync(tmpBase)).toEqual([]);
      } finally {
        fs.rmSync(tmpBase, { recursive: true, force: true });
      }
    });
  }
});

describe("error reporting", () => {
  it("statusOf reads the HTTP status of a client-node error", async () => {
    const core = admin.makeApiClient(k8s.CoreV1Api);
    try {
      await core.readNamespace({ name: uniqueName("does-not-exist") });
      expect.unreachable();
    } catch (e) {
      expect(statusOf(e)).toBe(404);
    }
  });
});
