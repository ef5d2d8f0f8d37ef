import { describe, expect, it } from "vitest";
import { describeControllerConfigErrors, parseControllerConfig } from "../../../src/controller/config.ts";
import { describeConfigErrors, parseWebhookConfig } from "../../../src/webhook/config.ts";

describe("OSAC_VM_HUB_REGISTRY", () => {
  it("GIVEN nothing set THEN hub placement and probing are off (single-cluster mode)", () => {
    const webhook = parseWebhookConfig({ "dev-tls": true }, {});
    const controller = parseControllerConfig({}, {});
    expect(webhook.success && webhook.data.hubPlacement).toBe(false);
    expect(controller.success && controller.data.hubs).toEqual({ enabled: false, secretsNamespace: "osac-vm-gitops", probeIntervalMs: 30_000 });
  });

  it("GIVEN on THEN the webhook places orders and the controller probes hubs, Secrets in POD_NAMESPACE unless told otherwise", () => {
    const webhook = parseWebhookConfig({ "dev-tls": true }, { OSAC_VM_HUB_REGISTRY: "on" });
    expect(webhook.success && webhook.data.hubPlacement).toBe(true);
    const inPod = parseControllerConfig({ "hub-probe-interval-seconds": "5" }, { OSAC_VM_HUB_REGISTRY: "on", POD_NAMESPACE: "osac" });
    expect(inPod.success && inPod.data.hubs).toEqual({ enabled: true, secretsNamespace: "osac", probeIntervalMs: 5_000 });
    const explicit = parseControllerConfig({ "hub-secrets-namespace": "hubs" }, { OSAC_VM_HUB_REGISTRY: "on", POD_NAMESPACE: "osac", OSAC_VM_HUB_SECRETS_NAMESPACE: "other" });
    expect(explicit.success && explicit.data.hubs.secretsNamespace).toBe("hubs");
  });

  it("GIVEN bad values THEN each names its setting", () => {
    const webhook = parseWebhookConfig({ "dev-tls": true }, { OSAC_VM_HUB_REGISTRY: "yes" });
    expect(!webhook.success && describeConfigErrors(webhook.error)).toEqual(["OSAC_VM_HUB_REGISTRY: must be on or off"]);
    const controller = parseControllerConfig({ "hub-probe-interval-seconds": "0.2", "hub-secrets-namespace": "Bad_NS" }, { OSAC_VM_HUB_REGISTRY: "maybe" });
    expect(!controller.success && describeControllerConfigErrors(controller.error).sort()).toEqual([
      "--hub-probe-interval-seconds: must be at least 1 second",
      "--hub-secrets-namespace / OSAC_VM_HUB_SECRETS_NAMESPACE: must be a namespace name",
      "OSAC_VM_HUB_REGISTRY: must be on or off",
    ]);
  });
});
