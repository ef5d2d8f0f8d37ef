/**
 * `npm run bench:image [-- <archive.oci.tar>] [--rounds 5]`: the image's figures. Its layers
 * (compressed, as a registry stores them, and unpacked), and the webhook's cold start to ready:
 * from `podman run` to the first `/healthz` and `/readyz` answers, next to the same command run
 * as a plain process on this machine in the same rounds (what the container itself costs).
 * Default archive: dist/image/osac-vm-gitops-<version>.oci.tar (`npm run image` writes it).
 * Needs root and podman + runc (test/image/support/podman.ts says why these flags).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as https from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { Podman, runArgs } from "../test/image/support/podman.ts";
import { DEV_TLS_WEBHOOK_ARGS, awaitDevTlsWebhook } from "../test/image/support/webhook-container.ts";
import { median } from "./support/measure.ts";

const REPO_ROOT = resolve(import.meta.dirname, "..");
const { values, positionals } = parseArgs({ options: { rounds: { type: "string", default: "5" } }, allowPositionals: true });
const version = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
const archive = resolve(positionals[0] ?? join(REPO_ROOT, `dist/image/osac-vm-gitops-${version}.oci.tar`));
if (!existsSync(archive)) {
  process.stderr.write(`bench:image: ${archive} does not exist: run 'npm run image' first, or name an archive\n`);
  process.exit(2);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const blobOf = (name: string) => spawnSync("tar", ["-xOf", archive, name], { maxBuffer: 1 << 30 }).stdout as Buffer;

function printLayers(): void {
  const index = JSON.parse(blobOf("./index.json").toString()) as { manifests: { digest: string }[] };
  const path = (digest: string) => `./blobs/${digest.replace(":", "/")}`;
  const manifest = JSON.parse(blobOf(path(index.manifests[0]!.digest)).toString()) as { config: { digest: string }; layers: { digest: string; size: number }[] };
  const config = JSON.parse(blobOf(path(manifest.config.digest)).toString()) as { history: { created_by?: string; empty_layer?: boolean }[] };
  const makers = config.history.filter((entry) => !entry.empty_layer).map((entry) => entry.created_by ?? "?");
  console.log(`Image ${archive} (${index.manifests[0]!.digest})\n`);
  console.log("| layer | made by | compressed | unpacked |\n|---|---|---|---|");
  let compressed = 0;
  let unpacked = 0;
  manifest.layers.forEach((layer, i) => {
    const size = gunzipSync(blobOf(path(layer.digest))).length;
    compressed += layer.size;
    unpacked += size;
    console.log(`| ${i + 1} | ${makers[i]} | ${mb(layer.size)} | ${mb(size)} |`);
  });
  console.log(`| | total (${manifest.layers.length} layers) | ${mb(compressed)} | ${mb(unpacked)} |\n`);
}

/** ms from `start()` to the first 200 of GET path, polling every 10 ms. */
async function firstOk(port: number, caPem: string, path: string, started: number): Promise<number> {
  for (;;) {
    const status = await new Promise<number>((done) => {
      https.get({ host: "127.0.0.1", port, path, ca: caPem, agent: false }, (res) => (res.resume(), done(res.statusCode ?? 0))).on("error", () => done(0));
    });
    if (status === 200) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function coldStart(start: () => ChildProcess, stop: (child: ChildProcess) => void): Promise<{ listening: number; healthz: number; readyz: number }> {
  const started = performance.now();
  const child = start();
  const exited = new Promise((done) => child.once("exit", done));
  const { port, caPem } = await awaitDevTlsWebhook(child, "the webhook");
  const listening = performance.now() - started;
  const healthz = await firstOk(port, caPem, "/healthz", started);
  const readyz = await firstOk(port, caPem, "/readyz", started);
  stop(child);
  await exited;
  return { listening, healthz, readyz };
}

const storageDir = mkdtempSync(join(tmpdir(), "osac-vm-bench-image-"));
const podman = new Podman(storageDir);
try {
  printLayers();
  podman.check(["pull", "--quiet", `oci-archive:${archive}`]);
  const image = podman.check(["images", "--quiet", "--no-trunc"]).trim().split("\n")[0]!;
  const env = { CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS: "standard" };
  const variants = {
    "container (podman run, --read-only)": () =>
      coldStart(
        () => podman.start([...runArgs({ network: "host" }), "--name", "osac-vm-bench-webhook", "--env", `CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS=standard`, image, ...DEV_TLS_WEBHOOK_ARGS]),
        () => podman.run(["stop", "--time", "15", "osac-vm-bench-webhook"]),
      ),
    "process (node bin/osac-vm.js, compiled)": () =>
      coldStart(
        () => spawn(process.execPath, [join(REPO_ROOT, "bin/osac-vm.js"), ...DEV_TLS_WEBHOOK_ARGS], { env: { PATH: process.env.PATH ?? "", OSAC_VM_RUNTIME: "build", ...env }, stdio: ["ignore", "pipe", "pipe"] }),
        (child) => child.kill("SIGTERM"),
      ),
  };
  const results = new Map<string, { listening: number; healthz: number; readyz: number }[]>();
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const [name, run] of Object.entries(variants)) results.set(name, [...(results.get(name) ?? []), await run()]);
  }
  const cell = (samples: number[]) => `${Math.round(median(samples))} ms (${Math.round(Math.min(...samples))}–${Math.round(Math.max(...samples))})`;
  console.log(`Webhook cold start, --dev-tls, median (range) of ${values.rounds} rounds; load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}\n`);
  console.log("| started as | port printed | /healthz 200 | /readyz 200 |\n|---|---|---|---|");
  for (const [name, samples] of results) {
    console.log(`| ${name} | ${cell(samples.map((s) => s.listening))} | ${cell(samples.map((s) => s.healthz))} | ${cell(samples.map((s) => s.readyz))} |`);
  }
} finally {
  podman.run(["rmi", "--all", "--force"]);
  rmSync(storageDir, { recursive: true, force: true });
}
