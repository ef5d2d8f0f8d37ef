// The container image (npm run image) run with podman: its configuration, `osac-vm --version`, the
// webhook with --dev-tls answering probes and real AdmissionReviews, a render into a mounted
// directory, and what is not in it (TypeScript, tsx, the sources). Every container runs with a
// read-only root filesystem, /tmp a tmpfs, as the image's user (65532): as the chart runs it.
import * as https from "node:https";
import { chownSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { gitRevision } from "../../src/platform/build-info.ts";
import { temporaryDirectory } from "../support/cli.ts";
import { orderCreateReview, request } from "../support/webhook-server.ts";
import type { RunningWebhook } from "../../src/webhook/server.ts";
import { Podman, runArgs } from "./support/podman.ts";
import { startWebhookContainer, type WebhookContainer } from "./support/webhook-container.ts";

const REPO_ROOT = resolve(import.meta.dirname, "../..");
const image = inject("image");
const podman = new Podman(image.storageDir);
const packageVersion = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;

interface ImageConfig {
  Config: { User: string; Entrypoint: string[]; Cmd: string[]; WorkingDir: string; Env: string[]; Labels: Record<string, string> };
  RootFS: { Layers: string[] };
}
const config = (): ImageConfig => (JSON.parse(podman.check(["image", "inspect", image.reference])) as ImageConfig[])[0]!;

/** A container's output; the image's entrypoint unless `entrypoint` is given. */
function runImage(args: string[], options: { entrypoint?: string; volumes?: string[] } = {}) {
  const extra = [...(options.entrypoint ? ["--entrypoint", options.entrypoint] : []), ...(options.volumes ?? []).flatMap((volume) => ["--volume", volume])];
  return podman.run([...runArgs(), ...extra, image.reference, ...args]);
}

describe("the image's configuration", () => {
  it("GIVEN the image THEN it runs as 65532 with entrypoint osac-vm from /opt/osac-vm-gitops, in three layers, with OCI labels", () => {
    const { Config, RootFS } = config();
    expect(Config.User).toBe("65532:65532");
    expect(Config.Entrypoint).toEqual(["osac-vm"]);
    expect(Config.Cmd).toEqual(["--help"]);
    expect(Config.WorkingDir).toBe("/opt/osac-vm-gitops");
    expect(Config.Env).toContain("PATH=/usr/local/bin:/usr/bin:/bin");
    expect(RootFS.Layers).toHaveLength(3);
    expect(Config.Labels["org.opencontainers.image.version"]).toBe(packageVersion);
    expect(Config.Labels["org.opencontainers.image.source"]).toBe("https://github.com/osac-project/osac-vm-gitops");
    expect(Config.Labels["org.opencontainers.image.revision"]).toMatch(/^([0-9a-f]{40}(-dirty)?|unknown)$/);
    if (image.builtFromCheckout) expect(Config.Labels["org.opencontainers.image.revision"]).toBe(gitRevision(REPO_ROOT));
  });

  it("GIVEN the archive THEN the digest build.sh printed is its manifest's, and skopeo copies it with --preserve-digests unchanged", () => {
    const printed = existsSync(`${image.archive}.digest`) ? readFileSync(`${image.archive}.digest`, "utf8").trim() : undefined;
    const inspected = JSON.parse(podman.runTool("skopeo", ["inspect", `oci-archive:${image.archive}`])) as { Digest: string };
    if (printed !== undefined) expect(inspected.Digest).toBe(printed);
    const copy = join(temporaryDirectory(), "copy");
    podman.runTool("skopeo", ["copy", "--quiet", "--preserve-digests", `oci-archive:${image.archive}`, `oci:${copy}:pinned`]);
    const index = JSON.parse(readFileSync(join(copy, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    expect(index.manifests[0]!.digest).toBe(inspected.Digest);
  });
});

describe("osac-vm in the image", () => {
  it("GIVEN --version THEN it prints the package version and the revision of the label", () => {
    const run = runImage(["--version"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`osac-vm ${packageVersion} (revision ${config().Config.Labels["org.opencontainers.image.revision"]})\n`);
  });

  it("GIVEN the chart's command (node bin/osac-vm.js in the working directory) THEN it runs the same program", () => {
    const run = runImage(["bin/osac-vm.js", "--version"], { entrypoint: "node" });
    expect(run.stdout).toMatch(new RegExp(`^osac-vm ${packageVersion.replaceAll(".", "\\.")} \\(revision `));
    expect(run.status).toBe(0);
  });

  it("GIVEN the image THEN it holds compiled JavaScript only: no sources, no tsx, TypeScript or esbuild, and the root filesystem is read-only", () => {
    const probe = `
      const fs = require("node:fs");
      const resolvable = (name) => { try { require.resolve(name, { paths: ["/opt/osac-vm-gitops"] }); return true; } catch { return false; } };
      let writable = true;
      try { fs.writeFileSync("/opt/osac-vm-gitops/probe", "x"); } catch (error) { writable = error.code; }
      console.log(JSON.stringify({
        uid: process.getuid(), node: process.version,
        sources: fs.existsSync("/opt/osac-vm-gitops/src"), compiled: fs.existsSync("/opt/osac-vm-gitops/dist/js/cli.js"),
        tsx: resolvable("tsx"), typescript: resolvable("typescript"), esbuild: resolvable("esbuild"), writable,
      }));`;
    const run = runImage(["-e", probe], { entrypoint: "node" });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      uid: 65532,
      node: expect.stringMatching(/^v20\./),
      sources: false,
      compiled: true,
      tsx: false,
      typescript: false,
      esbuild: false,
      writable: "EROFS",
    });
  });

  it("GIVEN orders mounted read-only and an output directory THEN render writes the tree there and --check finds it current", () => {
    const base = temporaryDirectory();
    const orders = join(base, "orders");
    const rendered = join(base, "rendered");
    cpSync(join(REPO_ROOT, "examples/orders"), orders, { recursive: true });
    mkdirSync(rendered);
    chownSync(rendered, 65532, 65532);
    const volumes = [`${orders}:/work/orders:ro`, `${rendered}:/work/rendered`];
    const render = runImage(["render", "--in", "/work/orders", "--out", "/work/rendered"], { volumes });
    expect(render.stderr).toContain("Rendered 4 order(s) into /work/rendered");
    expect(render.status).toBe(0);
    const written = join(rendered, "cloudkit-vm-orders-ntfv23cm4rd2e/vm-x7k2q.yaml");
    expect(readFileSync(written, "utf8")).toContain("kind: VirtualMachine");
    expect(statSync(written).uid).toBe(65532);
    const check = runImage(["render", "--in", "/work/orders", "--out", "/work/rendered", "--check"], { volumes });
    expect(check.status).toBe(0);
    writeFileSync(written, "edited\n");
    const stale = runImage(["render", "--in", "/work/orders", "--out", "/work/rendered", "--check"], { volumes });
    expect(stale.status).toBe(1);
    expect(`${stale.stdout}${stale.stderr}`).toContain("cloudkit-vm-orders-ntfv23cm4rd2e/vm-x7k2q.yaml");
    expect(readdirSync(rendered).sort()).toEqual(["cloudkit-vm-orders-ntfv23cm4rd2e", "cloudkit-vm-orders-wizjjwmljfwte", "team-b-orders-32ike4l5cjisg"]);
  });
});

describe("the webhook in the image (--dev-tls)", () => {
  let webhook: WebhookContainer;
  let agent: https.Agent;
  beforeAll(async () => {
    webhook = await startWebhookContainer(podman, image.reference, { CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS: "standard" });
    agent = new https.Agent({ ca: webhook.caPem });
  });
  afterAll(async () => {
    agent?.destroy();
    await webhook?.stop();
  });
  // The shared request helper needs only the port of a running webhook.
  const server = () => ({ port: webhook.port }) as RunningWebhook;

  it("GIVEN the container THEN /healthz answers over TLS signed by the CA it printed", async () => {
    const health = await request(server(), agent, "GET", "/healthz");
    expect(health.status).toBe(200);
  });

  it("GIVEN an AdmissionReview for a new order THEN the mutating webhook answers with the managed-by and storage-class patch", async () => {
    const response = await request(server(), agent, "POST", "/mutate/virtualmachines", JSON.stringify(orderCreateReview()));
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: "b6c2d9a6-0f6d-4f1e-9a7e-3c1d2e4f5a6b", allowed: true, patchType: "JSONPatch" } });
    const patch = JSON.parse(Buffer.from(response.json.response.patch, "base64").toString()) as unknown[];
    expect(patch).toEqual(
      expect.arrayContaining([
        { op: "add", path: "/metadata/annotations/cloudkit.openshift.io~1managed-by", value: "aap" },
        { op: "replace", path: "/spec/templateParameters", value: '{"cpu_cores":"4","memory":"4Gi","storage_class":"standard"}' },
      ]),
    );
  });

  it("GIVEN an AdmissionReview for an invalid order THEN the validating webhook denies it naming the fields", async () => {
    const response = await request(server(), agent, "POST", "/validate/virtualmachines", JSON.stringify(orderCreateReview({ cpu_cores: "0", memory: "lots" })));
    expect(response.json.response.allowed).toBe(false);
    expect(response.json.response.status.message).toMatch(/cpu_cores.*memory|memory.*cpu_cores/s);
  });

  it("GIVEN SIGTERM THEN the container stops cleanly (exit 0)", async () => {
    expect(await webhook.stop()).toBe(0);
  });
});
