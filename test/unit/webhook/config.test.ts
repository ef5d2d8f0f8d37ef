import { describe, expect, it } from "vitest";
import { describeConfigErrors, parseWebhookConfig } from "../../../src/webhook/config.ts";

describe("parseWebhookConfig", () => {
  it("GIVEN nothing THEN the defaults: port 8443, cert-manager style cert paths, managed-by aap", () => {
    const result = parseWebhookConfig({}, {});
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({
      port: 8443,
      tls: { mode: "files", certFile: "/tmp/k8s-webhook-server/serving-certs/tls.crt", keyFile: "/tmp/k8s-webhook-server/serving-certs/tls.key" },
      managedByDefault: "aap",
      maxBodyBytes: 8 * 1024 * 1024,
      maxConversionBodyBytes: 64 * 1024 * 1024,
    });
  });

  it("GIVEN a rollout and a storage class THEN they are parsed", () => {
    const result = parseWebhookConfig({ "dev-tls": true, port: "9443" }, { OSAC_VM_MANAGED_BY_ROLLOUT: "gitops:25", CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS: "nfs-client" });
    expect(result.data).toMatchObject({ port: 9443, tls: { mode: "dev" }, rollout: { mode: "gitops", percent: 25 }, envStorageClass: "nfs-client" });
  });

  it("GIVEN bad settings THEN every one is named with what is accepted", () => {
    const result = parseWebhookConfig(
      { port: "70000", "log-level": "loud" },
      { OSAC_VM_MANAGED_BY_DEFAULT: "ansible", OSAC_VM_MANAGED_BY_ROLLOUT: "argo:150", CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS: "Bad_Class" },
    );
    expect(result.success).toBe(false);
    const lines = describeConfigErrors(result.error!);
    expect(lines.some((line) => line.startsWith("--port:"))).toBe(true);
    expect(lines.some((line) => line.startsWith("--log-level / LOG_LEVEL:"))).toBe(true);
    expect(lines.some((line) => line.startsWith("OSAC_VM_MANAGED_BY_DEFAULT:"))).toBe(true);
    expect(lines.some((line) => line.startsWith("OSAC_VM_MANAGED_BY_ROLLOUT"))).toBe(true);
    expect(lines.some((line) => line.startsWith("CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS: must be a DNS-1123 subdomain"))).toBe(true);
  });
});
