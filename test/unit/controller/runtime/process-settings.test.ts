import { describe, expect, it } from "vitest";
import { parseControllerConfig } from "../../../../src/controller/config.ts";
import { parseCommitterConfig } from "../../../../src/gitops/committer/config.ts";
import { parseSsvirtControllerConfig } from "../../../../src/ssvirt/controller/config.ts";

const env = { POD_NAMESPACE: "osac", POD_NAME: "pod-1", LOG_LEVEL: "debug" };
const parsers = {
  controller: (flags: Record<string, string | boolean>) => parseControllerConfig(flags, env),
  committer: (flags: Record<string, string | boolean>) => parseCommitterConfig({ repository: "https://git.example.com/orders.git", ...flags }, env),
  ssvirt: (flags: Record<string, string | boolean>) => parseSsvirtControllerConfig(flags, env),
};
const leases = { controller: "osac-vm-controller", committer: "osac-vm-committer", ssvirt: "osac-vm-ssvirt" };

describe("the settings the three Lease-holding processes share", () => {
  for (const [name, parse] of Object.entries(parsers)) {
    it(`${name}: takes the Lease's namespace and identity and the log level from the environment`, () => {
      const parsed = parse({});
      expect(parsed.success).toBe(true);
      expect(parsed.data?.leaderElection).toEqual({ enabled: true, namespace: "osac", name: leases[name as keyof typeof leases], identity: "pod-1" });
      expect(parsed.data?.logLevel).toBe("debug");
      expect(parsed.data?.bindAddress).toBe("0.0.0.0");
    });

    it(`${name}: flags win over the environment`, () => {
      const parsed = parse({ "leader-elect": false, "leader-election-namespace": "other", "log-level": "warn", "bind-address": "127.0.0.1", "metrics-port": "0" });
      expect(parsed.data?.leaderElection.enabled).toBe(false);
      expect(parsed.data?.leaderElection.namespace).toBe("other");
      expect(parsed.data?.logLevel).toBe("warn");
      expect(parsed.data?.metricsPort).toBe(0);
    });

    it(`${name}: refuses a metrics port out of range with the same message`, () => {
      const parsed = parse({ "metrics-port": "70000" });
      expect(parsed.success).toBe(false);
      const issue = parsed.error?.issues.find((candidate) => candidate.path[0] === "metricsPort");
      expect(issue?.message).toMatch(/65535/);
    });
  }
});
