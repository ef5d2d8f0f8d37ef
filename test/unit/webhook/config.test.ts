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

  it.each([
    ["certificate files (in a pod)", {}, "0.0.0.0"],
    ["--dev-tls (a workstation)", { "dev-tls": true }, "127.0.0.1"],
    ["--dev-tls and --bind-address", { "dev-tls": true, "bind-address": "0.0.0.0" }, "0.0.0.0"],
    ["certificate files and --bind-address", { "bind-address": "10.1.2.3" }, "10.1.2.3"],
  ])("GIVEN %s THEN the webhook binds to %s", (_case, flags, address) => {
    expect(parseWebhookConfig(flags, {}).data?.bindAddress).toBe(address);
  });

  it.each([
    ["quay.io/containerdisks/fedora:41", "quay.io/containerdisks/fedora:41"],
    ["docker://quay.io/containerdisks/fedora:41", "quay.io/containerdisks/fedora:41"],
    [`quay.io/containerdisks/fedora@sha256:${"a".repeat(64)}`, `quay.io/containerdisks/fedora@sha256:${"a".repeat(64)}`],
  ])("GIVEN OSAC_VM_DEFAULT_IMAGE_SOURCE=%s THEN new orders get %s", (given, image) => {
    expect(parseWebhookConfig({}, { OSAC_VM_DEFAULT_IMAGE_SOURCE: given }).data?.imageSourceDefault).toBe(image);
  });

  it("GIVEN no OSAC_VM_DEFAULT_IMAGE_SOURCE THEN none: orders keep the Ansible role's default", () => {
    expect(parseWebhookConfig({}, {}).data).not.toHaveProperty("imageSourceDefault");
  });

  it.each([
    ["quay.io/containerdisks/fedora:latest", "OSAC_VM_DEFAULT_IMAGE_SOURCE: must be pinned: a tag other than 'latest' or a digest"],
    ["quay.io/containerdisks/fedora", "OSAC_VM_DEFAULT_IMAGE_SOURCE: must be pinned"],
    ["Quay.io/Fedora:41", "OSAC_VM_DEFAULT_IMAGE_SOURCE: repository path must be lowercase"],
  ])("GIVEN OSAC_VM_DEFAULT_IMAGE_SOURCE=%s THEN it is refused, saying why", (given, message) => {
    const result = parseWebhookConfig({}, { OSAC_VM_DEFAULT_IMAGE_SOURCE: given });
    expect(result.success).toBe(false);
    expect(describeConfigErrors(result.error!).join("\n")).toContain(message);
  });
});

describe("parseWebhookConfig: the template catalog", () => {
  it("GIVEN nothing THEN namespace openshift and a catalog URN derived from it, the same every time", () => {
    const first = parseWebhookConfig({}, {});
    expect(first.data).toMatchObject({ templateNamespace: "openshift", ssvirtCatalogId: expect.stringMatching(/^urn:vcloud:catalog:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) });
    expect(parseWebhookConfig({}, {}).data!.ssvirtCatalogId).toBe(first.data!.ssvirtCatalogId);
    expect(parseWebhookConfig({}, { OSAC_VM_TEMPLATE_NAMESPACE: "templates" }).data!.ssvirtCatalogId).not.toBe(first.data!.ssvirtCatalogId);
  });

  it("GIVEN --templates, --template-namespace and a catalog URN THEN they are taken; bad ones are named", () => {
    const urn = "urn:vcloud:catalog:3f1c9a52-8d0e-4b7a-9c61-2e5d4f8a7b10";
    expect(parseWebhookConfig({ templates: ["a", "b"], "template-namespace": "vm-templates" }, { OSAC_VM_SSVIRT_CATALOG_ID: urn }).data).toMatchObject({
      templateFiles: ["a", "b"],
      templateNamespace: "vm-templates",
      ssvirtCatalogId: urn,
    });
    const bad = parseWebhookConfig({ "template-namespace": "Bad_NS" }, { OSAC_VM_SSVIRT_CATALOG_ID: "catalog-1" });
    expect(describeConfigErrors(bad.error!)).toEqual([
      "--template-namespace / OSAC_VM_TEMPLATE_NAMESPACE: must be a namespace name (a DNS-1123 label)",
      "OSAC_VM_SSVIRT_CATALOG_ID: must be an SSVirt catalog URN, urn:vcloud:catalog:<uuid> (lower-case)",
    ]);
  });
});
