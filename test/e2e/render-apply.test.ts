// The rendered GitOps output is accepted by a real API server: every object of both profiles is
// server-side applied (fieldValidation=Strict, field manager osac-vm-e2e, force) and accepted, and
// applying the same object again changes nothing (resourceVersion unchanged).
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import yaml from "js-yaml";
import { afterAll, describe, expect, inject, it } from "vitest";
import { REPO_ROOT } from "../../scripts/cluster/harness.ts";
import "./support/context.ts";
import { ResourceMapper, adminKubeConfig, serverSideApply, type KubeObject } from "./support/kube.ts";

const execFileAsync = promisify(execFile);
const FIELD_MANAGER = "osac-vm-e2e";
const CLI = path.join(REPO_ROOT, "bin/osac-vm.js");
const PROFILES = ["gitops", "aap-parity"] as const;

const ctx = inject("e2e");
const kc = adminKubeConfig(ctx);
const tmpDirs: string[] = [];

afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

async function render(profile: string): Promise<{ file: string; obj: KubeObject }[]> {
  if (!fs.existsSync(CLI)) {
    throw new Error(`${path.relative(REPO_ROOT, CLI)} does not exist: the render CLI (osac-vm render) is needed for this test`);
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `osac-e2e-render-${profile}-`));
  tmpDirs.push(out);
  try {
    await execFileAsync(process.execPath, [CLI, "render", "--in", "examples/orders", "--out", out, "--profile", profile, "--allow-plain-secrets"], {
      cwd: REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    const x = e as Error & { stderr?: string; stdout?: string };
    throw new Error(`osac-vm render --profile ${profile} failed: ${x.message}\n${x.stderr ?? ""}`);
  }
  const objects: { file: string; obj: KubeObject }[] = [];
  for (const file of yamlFiles(out)) {
    for (const doc of yaml.loadAll(fs.readFileSync(file, "utf8"))) {
      if (doc === null || doc === undefined) continue;
      objects.push({ file: path.relative(out, file), obj: doc as KubeObject });
    }
  }
  return objects;
}

describe.each(PROFILES)("rendered objects, profile %s", (profile) => {
  it("are all accepted by server-side apply (Strict), and re-applying is a no-op", async () => {
    const objects = await render(profile);
    expect(objects.length, `osac-vm render --profile ${profile} produced no objects`).toBeGreaterThan(0);

    for (const { file, obj } of objects) {
      expect(obj.apiVersion, `${file}: apiVersion`).toBeTruthy();
      expect(obj.kind, `${file}: kind`).toBeTruthy();
      expect(obj.metadata?.name, `${file}: metadata.name`).toBeTruthy();
      if (obj.kind !== "Namespace") expect(obj.metadata.namespace, `${file}: ${obj.kind} ${obj.metadata.name} metadata.namespace`).toBeTruthy();
    }

    const mapper = new ResourceMapper(kc);
    const rendered = objects.map((o) => o.obj);
    const nsObjects = rendered.filter((o) => o.kind === "Namespace");
    const others = rendered.filter((o) => o.kind !== "Namespace");
    if (profile === "gitops") {
      expect(nsObjects.length, "the gitops profile renders its Namespace objects").toBeGreaterThan(0);
    }
    // Namespaces first: the rendered ones, then (aap-parity renders none) every namespace used.
    const neededNs = [...new Set(others.map((o) => o.metadata.namespace!))].filter((n) => !nsObjects.some((o) => o.metadata.name === n));
    for (const ns of nsObjects) await serverSideApply(kc, mapper, ns, FIELD_MANAGER);
    for (const name of neededNs) {
      await serverSideApply(kc, mapper, { apiVersion: "v1", kind: "Namespace", metadata: { name } }, FIELD_MANAGER);
    }

    const ordered = [...nsObjects, ...others];
    const first = new Map<KubeObject, string>();
    for (const obj of ordered) {
      const applied = await serverSideApply(kc, mapper, obj, FIELD_MANAGER);
      expect(applied.metadata.resourceVersion).toBeTruthy();
      first.set(obj, applied.metadata.resourceVersion!);
    }

    const changed: string[] = [];
    for (const obj of ordered) {
      const again = await serverSideApply(kc, mapper, obj, FIELD_MANAGER);
      if (again.metadata.resourceVersion !== first.get(obj)) {
        changed.push(`${obj.kind} ${obj.metadata.namespace ?? ""}/${obj.metadata.name}`);
      }
    }
    expect(changed, "objects whose resourceVersion changed on a second identical apply").toEqual([]);
  });
});
