// values.schema.json checks every resource quantity (CPU, memory, volume sizes) against the
// Kubernetes quantity grammar: a bad value fails `helm lint` and `helm template` with the schema's
// message and the value's path, before anything reaches a cluster.
import { describe, expect, it } from "vitest";
import { CHART_DIR, find, helm, render } from "../e2e/support/chart-helm.ts";

const setArgs = (set: Record<string, string | number>) => Object.entries(set).flatMap(([key, value]) => ["--set", `${key}=${value}`]);

describe("values.schema.json: Kubernetes quantities", () => {
  it.each([
    ["controller.resources.requests.memory", "lots"],
    ["controller.resources.limits.memory", "1.5GB"],
    ["controller.resources.requests.cpu", "fast"],
    ["webhook.resources.limits.cpu", "-500m"],
    ["webhook.resources.requests.memory", "512 Mi"],
    ["webhook.resources.limits.memory", "Gi"],
    ["controller.database.embedded.sizeLimit", "big"],
    ["controller.database.embedded.persistentVolumeClaim.size", "10gb"],
  ])("GIVEN %s=%s THEN helm template fails with the schema's pattern message and the value's path", async (key, value) => {
    const result = await helm(["template", "x", CHART_DIR, ...setArgs({ [key]: value })]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("values don't meet the specifications of the schema");
    expect(result.stderr).toContain(`/${key.replaceAll(".", "/")}`);
    expect(result.stderr).toMatch(/does not match pattern/);
  });

  it("GIVEN memory: lots THEN helm lint fails too, with the same message", async () => {
    const result = await helm(["lint", CHART_DIR, "--strict", ...setArgs({ "controller.resources.requests.memory": "lots" })]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain("/controller/resources/requests/memory");
    expect(result.stdout + result.stderr).toMatch(/does not match pattern/);
  });

  it("GIVEN valid quantities in every spelling (integer, decimal, milli, binary and decimal suffixes, exponent) THEN they render as given", async () => {
    const docs = await render({
      set: {
        "controller.resources.requests.cpu": "250m",
        "controller.resources.limits.cpu": 2,
        "controller.resources.requests.memory": "0.5Gi",
        "controller.resources.limits.memory": "1e9",
        "webhook.resources.requests.cpu": "0.1",
        "webhook.resources.limits.memory": "512M",
        "controller.database.embedded.sizeLimit": "1500Mi",
      },
    });
    const controller = find(docs, "Deployment", "-controller").spec.template.spec;
    expect(controller.containers[0].resources).toEqual({ requests: { cpu: "250m", memory: "0.5Gi" }, limits: { cpu: 2, memory: "1e9" } });
    expect(controller.volumes.find((v: { name: string }) => v.name === "data").emptyDir.sizeLimit).toBe("1500Mi");
    expect(find(docs, "Deployment", "-webhook").spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: "0.1", memory: "192Mi" }, limits: { cpu: "1", memory: "512M" } });
  });
});
