// Global setup of the image suite: builds the image with `npm run image` (scripts/image/build.sh)
// into a temporary archive — or takes OSAC_VM_IMAGE_ARCHIVE=<file.oci.tar> — and loads it into
// podman storage of its own (support/podman.ts), removed in teardown. A missing tool fails the
// suite with the command that installs it.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { INSTALL_HINT, Podman, missingImageTools } from "./support/podman.ts";

declare module "vitest" {
  export interface ProvidedContext {
    image: { storageDir: string; reference: string; archive: string; builtFromCheckout: boolean };
  }
}

const REPO_ROOT = resolve(import.meta.dirname, "../..");
const REFERENCE = "localhost/osac-vm-gitops:under-test";
const log = (line: string) => process.stderr.write(`[image] ${line}\n`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const missing = missingImageTools();
  if (missing.length > 0) throw new Error(`the image tests need ${missing.join(", ")}: ${INSTALL_HINT} (as root)`);
  if (process.getuid?.() !== 0) throw new Error("the image tests run podman as root (rootful, vfs storage): run them as root");
  const storageDir = mkdtempSync(join(tmpdir(), "osac-vm-image-test-"));
  const given = process.env.OSAC_VM_IMAGE_ARCHIVE;
  let archive: string;
  if (given) {
    archive = resolve(given);
    if (!existsSync(archive)) throw new Error(`OSAC_VM_IMAGE_ARCHIVE=${given}: no such file`);
    log(`testing ${archive}`);
  } else {
    archive = join(storageDir, "osac-vm-gitops.oci.tar");
    log("building the image: npm run image (about 3 minutes)");
    const build = spawnSync("bash", ["scripts/image/build.sh", "--output", archive], { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit"] });
    if (build.status !== 0) throw new Error(`npm run image failed (exit ${build.status}); its output is above`);
  }
  const podman = new Podman(storageDir);
  podman.check(["pull", "--quiet", `oci-archive:${archive}`]);
  const id = podman.check(["images", "--quiet", "--no-trunc"]).trim().split("\n")[0]!;
  podman.check(["tag", id, REFERENCE]);
  project.provide("image", { storageDir, reference: REFERENCE, archive, builtFromCheckout: !given });
  return async () => {
    podman.run(["rmi", "--all", "--force"]);
    rmSync(storageDir, { recursive: true, force: true });
  };
}
