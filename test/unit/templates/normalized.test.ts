import { describe, expect, it } from "vitest";
import { checkParameterMap, normalizedParameters as normalizedWith, parameterSpecs, type VmParameters } from "../../../src/domain/templates/index.ts";

const normalizedParameters = (values: VmParameters) => normalizedWith(values, parameterSpecs());

const TEMPLATE = "cloudkit.templates.ocp_virt_vm";
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly user@example";

function valueOf(parameters: Record<string, unknown>): VmParameters {
  const checks = checkParameterMap(TEMPLATE, parameters, { fieldOf: (name) => name });
  expect(checks.errors).toEqual([]);
  return checks.value!;
}

describe("normalizedParameters", () => {
  it("GIVEN no parameters THEN every default, keyed by the parameters' own snake_case names, cloud-init redacted", () => {
    expect(normalizedParameters(valueOf({}))).toStrictEqual({
      cpu_cores: 2,
      memory: "2Gi",
      disk_size: "10Gi",
      image_source: "quay.io/containerdisks/fedora:latest",
      cloud_init_config: "<redacted, 20 chars>",
      exposed_ports: "22/tcp",
    });
  });

  it("GIVEN every parameter THEN each in its canonical form and own type; the secret never", () => {
    const secret = Buffer.from("#cloud-config\npassword: hunter2\n").toString("base64");
    const normalized = normalizedParameters(
      valueOf({
        cpu_cores: "4",
        memory: " 4Gi ",
        disk_size: "20Gi",
        image_source: "docker://quay.io/containerdisks/fedora:41",
        cloud_init_config: secret,
        ssh_public_key: `${KEY}, ${KEY} second\n`,
        exposed_ports: " 22/tcp , 80/tcp",
        storage_class: "fast-ssd",
      }),
    );
    expect(normalized).toStrictEqual({
      cpu_cores: 4,
      memory: "4Gi",
      disk_size: "20Gi",
      image_source: "quay.io/containerdisks/fedora:41",
      cloud_init_config: `<redacted, ${secret.length} chars>`,
      ssh_public_key: `${KEY}\n${KEY} second`,
      exposed_ports: "22/tcp,80/tcp",
      storage_class: "fast-ssd",
    });
    expect(JSON.stringify(normalized)).not.toContain(secret.slice(0, 12));
  });

  it("GIVEN the normalized parameters sent back (without the secret) THEN they mean the same VM", () => {
    const first = valueOf({ cpu_cores: "4", ssh_public_key: `${KEY},${KEY} b`, exposed_ports: "80/tcp, 22/udp", image_source: "docker://quay.io/x/y:1" });
    const { cloud_init_config: _secret, ...again } = normalizedParameters(first);
    const second = valueOf(again);
    expect(normalizedParameters(second)).toStrictEqual(normalizedParameters(first));
  });

  it("GIVEN specs that mark another parameter secret THEN that one is redacted too: the specs decide", () => {
    const specs = parameterSpecs().map((spec) => (spec.name === "memory" ? { ...spec, secret: true } : spec));
    expect(normalizedWith(valueOf({ memory: "4Gi" }), specs).memory).toBe("<redacted, 3 chars>");
  });
});
