// The Containerfile and `npm run image` (scripts/image/) build the same image: the same pinned
// inputs, the same three scripts for the layers, the same configuration; and the chart points at
// where the image puts the application.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";

const REPO_ROOT = join(import.meta.dirname, "../../..");
const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");
const containerfile = read("Containerfile");
const buildScript = read("scripts/image/build.sh");
const settings = Object.fromEntries(
  read("scripts/image/image.env")
    .split("\n")
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
) as Record<string, string>;
const argDefault = (name: string) => new RegExp(`^ARG ${name}=(.+)$`, "m").exec(containerfile)?.[1];

describe("the image definition", () => {
  it("GIVEN the Containerfile THEN its pinned inputs equal scripts/image/image.env and package.json", () => {
    expect(argDefault("NODE_VERSION")).toBe(settings.NODE_VERSION);
    expect(argDefault("NODE_INTEGRITY")).toBe(settings.NODE_INTEGRITY);
    expect(argDefault("NODE_BUILD_IMAGE")).toBe(`docker.io/library/node:${settings.NODE_VERSION}-${settings.DEBIAN_SUITE}-slim`);
    expect(argDefault("DEBIAN_IMAGE")).toBe(`docker.io/library/debian:${settings.DEBIAN_SUITE}-slim`);
    expect(containerfile).toContain(`DEBIAN_SUITE=${settings.DEBIAN_SUITE} sh /usr/local/bin/base-rootfs.sh`);
    expect(argDefault("VERSION")).toBe((JSON.parse(read("package.json")) as { version: string }).version);
  });

  it("GIVEN both builds THEN each makes its three layers with the same scripts, in the same order", () => {
    const order = (text: string) => ["base-rootfs.sh", "stage-node.sh", "stage-app.sh"].map((script) => text.indexOf(script));
    for (const text of [containerfile, buildScript]) {
      const positions = order(text);
      expect(positions.every((position) => position >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }
    expect(containerfile.match(/^COPY --from=/gm)).toHaveLength(3);
  });

  it("GIVEN both builds THEN user, working directory, entrypoint, command, environment and label names agree", () => {
    expect(containerfile).toContain(`USER ${settings.IMAGE_USER}\n`);
    expect(containerfile).toContain(`WORKDIR ${settings.APP_DIR}\n`);
    expect(containerfile).toContain(`ENTRYPOINT ["osac-vm"]\nCMD ["--help"]\n`);
    expect(containerfile).toContain("ENV PATH=/usr/local/bin:/usr/bin:/bin NODE_ENV=production\n");
    expect(buildScript).toContain('--config.env "PATH=/usr/local/bin:/usr/bin:/bin" --config.env "NODE_ENV=production"');
    expect(buildScript).toContain("--config.entrypoint osac-vm --config.cmd --help");
    expect(buildScript).toContain('--config.user "$IMAGE_USER" --config.workingdir "$APP_DIR"');
    const labels = (text: string) => new Set(text.match(/org\.opencontainers\.image\.[a-z]+/g));
    const fromScript = labels(buildScript);
    fromScript.delete("org.opencontainers.image.created"); // the Containerfile's builder sets the image's creation time
    expect(labels(containerfile)).toEqual(fromScript);
    expect(containerfile).toContain(`org.opencontainers.image.source="${settings.IMAGE_SOURCE}"`);
  });

  it("GIVEN the chart THEN its default image is this one and its appDir is where the image installs the package", () => {
    const values = yaml.load(read("charts/osac-vm-gitops/values.yaml")) as { image: { repository: string; appDir: string } };
    expect(values.image.repository).toBe(`quay.io/osac/${settings.IMAGE_NAME}`);
    expect(values.image.appDir).toBe(settings.APP_DIR);
    expect(read("scripts/image/stage-app.sh")).toContain(`app="$target${settings.APP_DIR}"`);
  });
});
