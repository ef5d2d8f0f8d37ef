// examples/ci: the GitHub Actions workflow and the Tekton Task run `render --check` with options
// the CLI accepts, at this package's version, and that command passes on a current tree and
// fails on an edited one.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { runCli, temporaryDirectory } from "../../support/cli.ts";

const REPO_ROOT = join(import.meta.dirname, "../../..");
const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");
const { version } = JSON.parse(read("package.json")) as { version: string };

interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: { run?: string }[] }>;
}
interface TektonTask {
  kind: string;
  spec: { params: { name: string; default: string }[]; steps: { command: string[]; args: string[] }[] };
}

/** The render arguments of the workflow's `npx … render` step. */
function workflowRenderArgs(): string[] {
  const workflow = yaml.load(read("examples/ci/github-actions.yaml")) as Workflow;
  expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
  const command = Object.values(workflow.jobs).flatMap((job) => job.steps).find((step) => step.run?.includes(" render "))!.run!;
  const words = command.trim().split(/\s+/);
  expect(words.slice(0, 3)).toEqual(["npx", "--yes", `osac-vm-gitops@${version}`]);
  return words.slice(3);
}

/** The Task's step arguments with its parameters' defaults substituted. */
function tektonRenderArgs(): string[] {
  const [task, pipelineRun] = yaml.loadAll(read("examples/ci/tekton.yaml")) as [TektonTask, { metadata: { annotations: Record<string, string> } }];
  expect(task.kind).toBe("Task");
  expect(pipelineRun.metadata.annotations["pipelinesascode.tekton.dev/on-event"]).toBe("[pull_request]");
  const defaults = Object.fromEntries(task.spec.params.map((param) => [param.name, param.default]));
  expect(defaults.image).toBe(`quay.io/osac/osac-vm-gitops:${version}`);
  const [step] = task.spec.steps;
  expect(step!.command).toEqual(["osac-vm"]);
  return step!.args.map((arg) => arg.replace(/\$\(params\.(\w+)\)/g, (_, name: string) => defaults[name]!));
}

describe("the CI examples", () => {
  for (const [name, renderArgs] of [["GitHub Actions", workflowRenderArgs], ["Tekton", tektonRenderArgs]] as const) {
    it(`GIVEN the ${name} example THEN its command is render --check of orders into rendered, which passes on a current tree and fails on an edit`, async () => {
      const args = renderArgs();
      expect(args).toEqual(["render", "--in", "orders", "--out", "rendered", "--check"]);
      const repository = temporaryDirectory();
      cpSync(join(REPO_ROOT, "examples/orders"), join(repository, "orders"), { recursive: true });
      const inRepository = (list: string[]) => list.map((arg) => (arg === "orders" || arg === "rendered" ? join(repository, arg) : arg));
      expect((await runCli(inRepository(args.filter((arg) => arg !== "--check")))).code).toBe(0);
      expect((await runCli(inRepository(args))).code).toBe(0);
      const file = join(repository, "rendered/cloudkit-vm-orders-ntfv23cm4rd2e/vm-x7k2q.yaml");
      writeFileSync(file, `${readFileSync(file, "utf8")}# edited\n`);
      expect((await runCli(inRepository(args))).code).toBe(1);
    });
  }
});
