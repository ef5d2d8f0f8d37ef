import { writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { readHubFile } from "../../../src/hubs/hub-file.ts";
import { runCli, temporaryDirectory } from "../../support/cli.ts";

const EXAMPLE = join(import.meta.dirname, "../../../examples/hubs/hubs.yaml");
const TOKEN = "hub-token-QWERTYUIOPasdfghjkl0987654321";

describe("osac-vm hubs (offline)", () => {
  it("GIVEN the example registry file THEN list prints the table", async () => {
    const run = await runCli(["hubs", "list", "--file", EXAMPLE]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^NAME +TYPE +REACHABLE +REASON +CORDONED +VMS +VCPUS +MEMORY +LAST PROBE +AGE$/);
    expect(lines.slice(1, 4).map((line) => line.split(/ +/)[0])).toEqual(["hub-clusters", "hub-eu-1", "hub-us-1"]);
    expect(lines[2]).toMatch(/^hub-eu-1 +vmaas +Unknown +<none> +false +0\/200 +0\/800 +0\/3Ti /);
  });

  it("GIVEN -o yaml THEN a HubList that reads back as the same registry", async () => {
    const run = await runCli(["hubs", "list", "--file", EXAMPLE, "-o", "yaml"]);
    expect(run.code).toBe(0);
    expect((yaml.load(run.stdout) as { kind: string }).kind).toBe("HubList");
    expect(readHubFile(run.stdout, "out.yaml").hubs.map((hub) => hub.metadata.name)).toEqual(["hub-clusters", "hub-eu-1", "hub-us-1"]);
  });

  it("GIVEN a registry file with errors THEN each is printed and the exit code is 2", async () => {
    const file = join(temporaryDirectory(), "hubs.yaml");
    writeFileSync(file, "apiVersion: gitops.cloudkit.openshift.io/v1alpha1\nkind: Hub\nmetadata: {name: a}\nspec: {capabilities: [gpus], kubeconfigSecretRef: {name: a}}\n");
    const run = await runCli(["hubs", "list", "--file", file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(`${file}:1: spec.capabilities[0]:`);
  });

  it("GIVEN add with a kubeconfig that runs a program THEN it is refused before any cluster is contacted, quoting nothing", async () => {
    const file = join(temporaryDirectory(), "hub.kubeconfig");
    writeFileSync(
      file,
      yaml.dump({
        clusters: [{ name: "h", cluster: { server: "https://hub.example:6443" } }],
        users: [{ name: "u", user: { exec: { command: "get-token", args: [TOKEN] } } }],
        contexts: [{ name: "h", context: { cluster: "h", user: "u" } }],
        "current-context": "h",
      }),
    );
    const run = await runCli(["hubs", "add", "hub-a", "--hub-kubeconfig", file, "--vcpus", "64", "--label", "region=eu"], { env: { KUBECONFIG: "/nonexistent/kubeconfig" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("osac-vm hubs add: --hub-kubeconfig: the file uses 'exec', which would run a program in the controller");
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect(run.stdout + run.stderr).not.toContain("hub.example");
  });

  it("GIVEN add with bad options THEN every problem is listed and the exit code is 2", async () => {
    const file = join(temporaryDirectory(), "hub.kubeconfig");
    writeFileSync(file, "not: [a kubeconfig");
    const run = await runCli(["hubs", "add", "Hub_A", "--hub-kubeconfig", file, "--capability", "gpus", "--vms", "many", "--label", "novalue", "--memory", "lots"]);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain("spec.capabilities");
    for (const expected of [
      "--capability: 'gpus' is not one of clusters, virtualmachines",
      "--vms: 'many' is not a whole number ≥ 0",
      "--label: 'novalue' is not key=value",
      'metadata.name: must be a DNS-1123 label',
      'spec.capacity.memory: must be a quantity such as "512Gi" or "4Ti" (got "lots")',
      "--hub-kubeconfig: the file is not valid YAML (line",
    ]) {
      expect(run.stderr).toContain(expected);
    }
  });

  it.each([
    [["hubs"], "a subcommand is required"],
    [["hubs", "evict", "a"], "unknown subcommand 'evict'"],
    [["hubs", "add", "a"], "--hub-kubeconfig is required"],
    [["hubs", "cordon"], "cordon takes one hub name"],
    [["hubs", "list", "-o", "table2"], "-o: 'table2' is not an output format"],
  ])("GIVEN %j THEN a usage error (exit 2)", async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("GIVEN cordon without a management cluster THEN it fails (exit 1) and says what it needs", async () => {
    const run = await runCli(["hubs", "cordon", "hub-a"], { env: { HOME: "/nonexistent" } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("osac-vm hubs: needs the management cluster: set --kubeconfig or KUBECONFIG");
  });
});
