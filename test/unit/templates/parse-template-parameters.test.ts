import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatFieldError } from "../../../src/domain/field-error.ts";
import { KNOWN_TEMPLATE_IDS, parseTemplateParameters, type VmParameters } from "../../../src/domain/templates/index.ts";

const TEMPLATE = "cloudkit.templates.ocp_virt_vm";
const EXAMPLE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly user@example";
const VALID_NAMES =
  "'cloud_init_config', 'cpu_cores', 'disk_size', 'exposed_ports', 'image_source', 'memory', 'ssh_public_key' and 'storage_class'";

const DEFAULTS: VmParameters = {
  cpuCores: 2,
  memory: "2Gi",
  diskSize: "10Gi",
  imageSource: "quay.io/containerdisks/fedora:latest",
  cloudInitConfig: "I2Nsb3VkLWNvbmZpZw==",
  sshPublicKeys: [],
  exposedPorts: [{ port: 22, protocol: "tcp" }],
};

function parse(parameters: Record<string, unknown>) {
  return parseTemplateParameters(TEMPLATE, JSON.stringify(parameters));
}

/** The value of one accepted parameter, for table tests. */
function accepted(parameters: Record<string, unknown>): VmParameters {
  const result = parse(parameters);
  expect(result.errors).toEqual([]);
  if (result.value === undefined) throw new Error("no value although there are no errors");
  return result.value;
}

/** The single error of a rejected parameter, for table tests. */
function rejected(parameters: Record<string, unknown>) {
  const result = parse(parameters);
  expect(result.value).toBeUndefined();
  expect(result.errors).toHaveLength(1);
  return result.errors[0];
}

describe("parseTemplateParameters: the template and the parameters string", () => {
  it("GIVEN the PARITY worked example WHEN parsed THEN the parameters are exactly these", () => {
    const result = parseTemplateParameters(
      TEMPLATE,
      '{"cpu_cores":"4","disk_size":"10Gi","exposed_ports":"22/tcp","image_source":"quay.io/containerdisks/fedora:latest","memory":"4Gi"}',
    );
    expect(result.errors).toEqual([]);
    expect(result.value).toStrictEqual({ ...DEFAULTS, cpuCores: 4, memory: "4Gi" });
  });

  it.each([
    ["undefined", undefined],
    ["an empty string", ""],
    ["an empty object", "{}"],
  ])("GIVEN %s WHEN parsed THEN all the role's defaults apply, without warnings", (_case, text) => {
    expect(parseTemplateParameters(TEMPLATE, text)).toStrictEqual({ value: DEFAULTS, errors: [], warnings: [] });
  });

  it.each(KNOWN_TEMPLATE_IDS.map((id) => [id]))("GIVEN the template id %s WHEN parsed THEN the same parameters apply", (id) => {
    expect(parseTemplateParameters(id, '{"cpu_cores":8}').value).toStrictEqual({ ...DEFAULTS, cpuCores: 8 });
  });

  it.each(["", "cloudkit.templates.other", "CLOUDKIT.TEMPLATES.OCP_VIRT_VM", " cloudkit.templates.ocp_virt_vm"])(
    "GIVEN the unknown template id %j WHEN parsed THEN one error lists the known ids",
    (id) => {
      expect(parseTemplateParameters(id, '{"cpu_cores":"4"}')).toStrictEqual({
        errors: [
          {
            field: "spec.templateID",
            value: id,
            message:
              "unknown template; valid values are 'cloudkit.templates.ocp_virt_vm', 'osac.templates.ocp_virt_vm' and 'osac.massopencloud.ocp_virt_vm'",
          },
        ],
        warnings: [],
      });
    },
  );

  it("GIVEN an unknown template and a parameters string that is not JSON WHEN parsed THEN both are reported", () => {
    const result = parseTemplateParameters("nope", "{oops");
    expect(result.errors.map((error) => error.field)).toEqual(["spec.templateID", "spec.templateParameters"]);
  });

  const OBJECT_EXPECTED = 'must be a JSON object of parameter names to values, e.g. {"cpu_cores":"4","memory":"4Gi"}, or empty for all defaults';

  it.each([
    ["not JSON", "cpu_cores=4", "expected a value (an object, array, string, number, true, false or null) at line 1, column 1 (position 0)"],
    ["truncated JSON", '{"cpu_cores":"4"', "ends too early at line 1, column 17 (position 16): expected more, or the closing '}'"],
    ["a missing comma", '{"cpu_cores":"4" "memory":"4Gi"}', "expected ',' or '}' at line 1, column 18 (position 17)"],
    ["a syntax error on line 3", '{\n  "cpu_cores": "4",\n  "memory": 4Gi\n}', "expected ',' or '}' at line 3, column 14 (position 35)"],
    ["blank", "  ", "ends too early at line 1, column 3 (position 2): expected a value (an object, array, string, number, true, false or null)"],
  ])("GIVEN parameters that are %s WHEN parsed THEN one error gives the position of the syntax error, showing the input redacted", (_case, text, where) => {
    expect(parseTemplateParameters(TEMPLATE, text)).toStrictEqual({
      errors: [{ field: "spec.templateParameters", value: `<redacted, ${text.length} chars>`, message: `is not valid JSON: ${where}; it ${OBJECT_EXPECTED}` }],
      warnings: [],
    });
  });

  it.each([
    ["a JSON array", '["cpu_cores"]', "an array"],
    ["JSON null", "null", "null"],
    ["a JSON string", '"cpu_cores"', "a string"],
    ["a JSON number", "4", "a number"],
    ["a JSON boolean", "true", "a boolean"],
  ])("GIVEN parameters that are %s WHEN parsed THEN one error says a JSON object is wanted and what was given, showing the input redacted", (_case, text, kind) => {
    expect(parseTemplateParameters(TEMPLATE, text)).toStrictEqual({
      errors: [{ field: "spec.templateParameters", value: `<redacted, ${text.length} ${text.length === 1 ? "char" : "chars"}>`, message: `${OBJECT_EXPECTED}; got ${kind}` }],
      warnings: [],
    });
  });

  it("GIVEN a secret cloud-init before a syntax error WHEN parsed THEN the message gives the position and no character of the input", () => {
    const secret = Buffer.from("#cloud-config\npassword: s3cr3t-Value\n").toString("base64");
    const text = `{"cloud_init_config":"${secret}" oops}`;
    const [error] = parseTemplateParameters(TEMPLATE, text).errors;
    expect(error?.message).toContain(`at line 1, column ${23 + secret.length + 2} (position ${22 + secret.length + 2})`);
    expect(JSON.stringify(error)).not.toContain(secret.slice(0, 8));
    expect(JSON.stringify(error)).not.toContain("oops");
  });

  it("GIVEN an unknown parameter WHEN parsed THEN the error names it and lists the valid names for the template given", () => {
    expect(parseTemplateParameters("osac.templates.ocp_virt_vm", '{"cpu":"4"}').errors).toEqual([
      {
        field: "spec.templateParameters.cpu",
        value: "<redacted, 1 char>",
        message: `template parameter 'cpu' doesn't exist, valid values for template 'osac.templates.ocp_virt_vm' are ${VALID_NAMES}`,
      },
    ]);
  });

  it.each(["__proto__", "constructor", "toString", "hasOwnProperty", "CPU_CORES", "cpu_cores "])(
    "GIVEN a parameter named %j WHEN parsed THEN it is an unknown parameter, not a crash",
    (name) => {
      const result = parseTemplateParameters(TEMPLATE, `{${JSON.stringify(name)}:"4"}`);
      expect(result.errors.map((error) => error.message)).toEqual([
        `template parameter '${name}' doesn't exist, valid values for template '${TEMPLATE}' are ${VALID_NAMES}`,
      ]);
    },
  );

  it("GIVEN null for every parameter WHEN parsed THEN each counts as absent and the defaults apply", () => {
    const nulls = Object.fromEntries(
      ["cpu_cores", "memory", "disk_size", "image_source", "cloud_init_config", "ssh_public_key", "exposed_ports", "storage_class"].map((name) => [name, null]),
    );
    expect(parse(nulls)).toStrictEqual({ value: DEFAULTS, errors: [], warnings: [] });
  });

  it("GIVEN every parameter set WHEN parsed THEN each lands in its field", () => {
    expect(
      accepted({
        cpu_cores: "16",
        memory: "32Gi",
        disk_size: "100Gi",
        image_source: "docker://quay.io/containerdisks/centos-stream:9",
        cloud_init_config: Buffer.from("#cloud-config\nusers: []\n").toString("base64"),
        ssh_public_key: `${EXAMPLE_KEY}\n`,
        exposed_ports: "22/tcp, 8080/tcp,53/udp",
        storage_class: "fast-ssd",
      }),
    ).toStrictEqual({
      cpuCores: 16,
      memory: "32Gi",
      diskSize: "100Gi",
      imageSource: "quay.io/containerdisks/centos-stream:9",
      cloudInitConfig: "I2Nsb3VkLWNvbmZpZwp1c2VyczogW10K",
      sshPublicKey: `${EXAMPLE_KEY}\n`,
      sshPublicKeys: [EXAMPLE_KEY],
      exposedPorts: [
        { port: 22, protocol: "tcp" },
        { port: 8080, protocol: "tcp" },
        { port: 53, protocol: "udp" },
      ],
      storageClass: "fast-ssd",
    });
  });

  it("GIVEN many bad parameters WHEN parsed THEN every error is collected, by parameter name then entry", () => {
    const result = parse({
      storage_class: "Fast",
      memory: 4,
      cpu_cores: 0,
      zzz: 1,
      exposed_ports: "0/tcp,22/TCP",
      image_source: "http://x",
      disk_size: "0Gi",
      cloud_init_config: "abc",
      ssh_public_key: "nonsense",
      aaa: 1,
    });
    expect(result.value).toBeUndefined();
    expect(result.errors.map((error) => error.field.replace("spec.templateParameters.", ""))).toEqual([
      "aaa",
      "cloud_init_config",
      "cpu_cores",
      "disk_size",
      "exposed_ports",
      "exposed_ports",
      "image_source",
      "memory",
      "ssh_public_key",
      "storage_class",
      "zzz",
    ]);
    expect(result.errors[4]?.message).toMatch(/^entry 1:/);
    expect(result.errors[5]?.message).toMatch(/^entry 2:/);
  });

  it("GIVEN the same bad input twice WHEN parsed THEN the results are identical", () => {
    const input = '{"zzz":1,"exposed_ports":"0/tcp,,22/tcp,22/tcp","cpu_cores":"x","aaa":null}';
    expect(parseTemplateParameters(TEMPLATE, input)).toStrictEqual(parseTemplateParameters(TEMPLATE, input));
  });
});

describe("parseTemplateParameters: cpu_cores", () => {
  it.each([
    [1, 1],
    [128, 128],
    ["1", 1],
    ["128", 128],
    ["4", 4],
    [4, 4],
    ["004", 4],
    [4.0, 4],
  ])("GIVEN %j WHEN parsed THEN cpuCores is %i", (given, cores) => {
    expect(accepted({ cpu_cores: given }).cpuCores).toBe(cores);
  });

  it.each([0, 129, -1, 4.5, 1e21, "0", "129", "4.0", "4e1", "-1", "+4", " 4 ", "", "four", "0x10", "99999999999999999999", true, [4], { cores: 4 }])(
    "GIVEN %j WHEN parsed THEN it is rejected, saying what is accepted",
    (given) => {
      expect(rejected({ cpu_cores: given })).toEqual({
        field: "spec.templateParameters.cpu_cores",
        value: typeof given === "string" ? given : JSON.stringify(given),
        message: 'must be a whole number of cores from 1 to 128, as a JSON number or a string of digits such as "4"',
      });
    },
  );
});

describe.each([
  ["memory", "memory"],
  ["disk_size", "diskSize"],
] as const)("parseTemplateParameters: %s", (name, property) => {
  it.each([
    ["2Gi", "2Gi"],
    [" 4Gi ", "4Gi"],
    ["2048Mi", "2048Mi"],
    ["1.5Gi", "1.5Gi"],
    ["129e6", "129e6"],
    ["1", "1"],
  ])("GIVEN %j WHEN parsed THEN it is kept as %j", (given, kept) => {
    expect(accepted({ [name]: given })[property]).toBe(kept);
  });

  it.each([
    ["0", "must be greater than zero"],
    ["0Gi", "must be greater than zero"],
    ["-1Gi", "must be greater than zero"],
    ["1.5.5Gi", "must be a Kubernetes quantity"],
    ["10GB", "must be a Kubernetes quantity"],
    ["", "must not be empty"],
    [2147483648, "must be a JSON string"],
    [true, "must be a JSON string"],
  ])("GIVEN %j WHEN parsed THEN it is rejected, saying %j", (given, message) => {
    const error = rejected({ [name]: given });
    expect(error?.field).toBe(`spec.templateParameters.${name}`);
    expect(error?.value).toBe(typeof given === "string" ? given : JSON.stringify(given));
    expect(error?.message).toContain(message);
  });
});

describe("parseTemplateParameters: image_source", () => {
  it.each([
    ["quay.io/containerdisks/fedora:41", "quay.io/containerdisks/fedora:41"],
    ["docker://quay.io/containerdisks/fedora:41", "quay.io/containerdisks/fedora:41"],
    [`registry.local:5000/vm/rhel@sha256:${"0".repeat(64)}`, `registry.local:5000/vm/rhel@sha256:${"0".repeat(64)}`],
  ])("GIVEN %j WHEN parsed THEN imageSource is %j", (given, image) => {
    expect(accepted({ image_source: given }).imageSource).toBe(image);
  });

  it.each(["", "docker://", "http://quay.io/x", "quay.io/Containerdisks/fedora", "quay.io/x /y", 42])(
    "GIVEN %j WHEN parsed THEN it is rejected with the value shown",
    (given) => {
      const error = rejected({ image_source: given });
      expect(error?.field).toBe("spec.templateParameters.image_source");
      expect(error?.value).toBe(typeof given === "string" ? given : JSON.stringify(given));
    },
  );

  it.each(["fedora", "quay.io/containerdisks/fedora:latest", "docker://quay.io/containerdisks/fedora"])(
    "GIVEN the floating image %j WHEN parsed THEN it is accepted with a warning to pin it",
    (given) => {
      expect(parse({ image_source: given }).warnings).toEqual([
        `spec.templateParameters.image_source: has no tag or digest, or the tag 'latest': the image can change under the same name; pin a tag or digest for reproducible VMs (got ${JSON.stringify(given.replace("docker://", ""))})`,
      ]);
    },
  );

  it("GIVEN a pinned image WHEN parsed THEN there is no warning", () => {
    expect(parse({ image_source: "quay.io/containerdisks/fedora:41" }).warnings).toEqual([]);
  });
});

describe("parseTemplateParameters: cloud_init_config", () => {
  const ONE_MIB = 1_048_576;

  it.each([
    ["the role's default", "I2Nsb3VkLWNvbmZpZw=="],
    ["user data", Buffer.from("#cloud-config\npassword: x\n").toString("base64")],
    ["exactly 1 MiB decoded", Buffer.alloc(ONE_MIB, 0x41).toString("base64")],
  ])("GIVEN %s WHEN parsed THEN it is kept exactly as given", (_case, given) => {
    expect(accepted({ cloud_init_config: given }).cloudInitConfig).toBe(given);
  });

  it.each([
    ["empty", "", "must not be empty"],
    ["unpadded", "I2Nsb3VkLWNvbmZpZw", "must be padded base64"],
    ["wrapped", "I2Nsb3Vk\nLWNvbmZpZw==", "without spaces or line breaks"],
    ["URL-safe", "I2Nsb3VkLWNvbmZpZw-_", "standard base64 alphabet"],
    ["not canonical", "QR==", "must be canonical base64"],
    ["1 MiB + 1 decoded", Buffer.alloc(ONE_MIB + 1, 0x41).toString("base64"), `must decode to at most 1048576 bytes (1 MiB) of user data, got ${ONE_MIB + 1}`],
    ["a number", 12, "must be a JSON string"],
  ])("GIVEN cloud-init that is %s WHEN parsed THEN it is rejected with the value redacted", (_case, given, message) => {
    const error = rejected({ cloud_init_config: given });
    expect(error?.field).toBe("spec.templateParameters.cloud_init_config");
    expect(error?.value).toBe(typeof given === "string" ? `<redacted, ${given.length} chars>` : "<redacted number>");
    expect(error?.message).toContain(message);
  });

  const SECRET = "hunter2-TopSecretPassword";
  const secretBase64 = Buffer.from(`#cloud-config\npassword: ${SECRET}\n`).toString("base64");

  it.each([
    ["unpadded", { cloud_init_config: secretBase64.replace(/=+$/, "") }],
    ["wrapped", { cloud_init_config: `${secretBase64.slice(0, 20)}\n${secretBase64.slice(20)}` }],
    ["in plain text", { cloud_init_config: `#cloud-config\npassword: ${SECRET}\n` }],
    ["under a misspelt name", { cloud_init: secretBase64, cpu_cores: 0 }],
    ["next to other errors", { cloud_init_config: `${secretBase64}!`, memory: "0", exposed_ports: "" }],
  ])("GIVEN a secret cloud-init %s WHEN rejected THEN no part of it appears in the result", (_case, parameters) => {
    const result = parse(parameters);
    expect(result.errors.length).toBeGreaterThan(0);
    const text = JSON.stringify(result) + result.errors.map(formatFieldError).join("\n");
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(secretBase64.slice(0, 24));
  });

  it("GIVEN a secret cloud-init in a parameters string that is not JSON WHEN rejected THEN no part of it appears in the result", () => {
    const result = parseTemplateParameters(TEMPLATE, `{"cloud_init_config":"${secretBase64}", oops}`);
    expect(result.errors).toHaveLength(1);
    expect(JSON.stringify(result)).not.toContain(secretBase64.slice(0, 24));
  });
});

describe("parseTemplateParameters: ssh_public_key", () => {
  it.each([
    ["absent", {}, undefined, []],
    ["empty", { ssh_public_key: "" }, undefined, []],
    ["blank", { ssh_public_key: " \n " }, undefined, []],
    ["only separators", { ssh_public_key: ",\n," }, undefined, []],
    ["one key", { ssh_public_key: EXAMPLE_KEY }, EXAMPLE_KEY, [EXAMPLE_KEY]],
    ["one key with a trailing newline", { ssh_public_key: `${EXAMPLE_KEY}\n` }, `${EXAMPLE_KEY}\n`, [EXAMPLE_KEY]],
    ["two keys", { ssh_public_key: `${EXAMPLE_KEY}, ${EXAMPLE_KEY} second` }, `${EXAMPLE_KEY}, ${EXAMPLE_KEY} second`, [EXAMPLE_KEY, `${EXAMPLE_KEY} second`]],
  ])("GIVEN a key %s WHEN parsed THEN the raw text and the keys come back", (_case, parameters, text, keys) => {
    const value = accepted(parameters);
    expect(value.sshPublicKey).toBe(text);
    expect("sshPublicKey" in value).toBe(text !== undefined);
    expect(value.sshPublicKeys).toEqual(keys);
  });

  it("GIVEN a good key then a bad one WHEN parsed THEN the error names key 2 and shows only its start", () => {
    expect(rejected({ ssh_public_key: `${EXAMPLE_KEY}\nssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly me@host` })).toEqual({
      field: "spec.templateParameters.ssh_public_key",
      value: "ssh-rsa AAAAC3NzaC1lZDI1NTE5…",
      message: "key 2 body must start with the encoded key type 'ssh-rsa' but holds a 'ssh-ed25519' key; paste the whole line of the .pub file",
    });
  });

  it("GIVEN a key that is not a string WHEN parsed THEN it is rejected", () => {
    expect(rejected({ ssh_public_key: 1 })?.message).toContain("must be a JSON string");
  });
});

describe("parseTemplateParameters: exposed_ports", () => {
  it.each([
    ["22/tcp", [{ port: 22, protocol: "tcp" }]],
    [" 22/tcp , 80/tcp ", [{ port: 22, protocol: "tcp" }, { port: 80, protocol: "tcp" }]],
    ["1/udp,65535/tcp", [{ port: 1, protocol: "udp" }, { port: 65535, protocol: "tcp" }]],
  ])("GIVEN %j WHEN parsed THEN the ports are %j", (given, ports) => {
    expect(accepted({ exposed_ports: given }).exposedPorts).toEqual(ports);
  });

  it.each([
    ["", "", "must list at least one port"],
    ["0/tcp", "0/tcp", "entry 1: port must be from 1 to 65535"],
    ["65536/tcp", "65536/tcp", "entry 1: port must be from 1 to 65535"],
    ["22/TCP", "22/TCP", "entry 1: protocol must be written in lowercase, 'tcp'"],
    ["22/tcp,22/tcp", "22/tcp", "entry 2 repeats 22/tcp from entry 1"],
    [22, "22", "must be a JSON string"],
  ])("GIVEN %j WHEN parsed THEN it is rejected, showing %j and saying %j", (given, shown, message) => {
    const error = rejected({ exposed_ports: given });
    expect(error?.field).toBe("spec.templateParameters.exposed_ports");
    expect(error?.value).toBe(shown);
    expect(error?.message).toContain(message);
  });

  it("GIVEN any string WHEN parsed as exposed_ports THEN it never throws and errors always name the field", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."0123456789/,tcpudTCP ") }), (text) => {
        const result = parse({ exposed_ports: text });
        expect(result.value !== undefined || result.errors.length > 0).toBe(true);
        for (const error of result.errors) expect(error.field).toBe("spec.templateParameters.exposed_ports");
      }),
    );
  });
});

describe("parseTemplateParameters: storage_class", () => {
  it("GIVEN a valid class WHEN parsed THEN it is kept", () => {
    expect(accepted({ storage_class: "ocs-storagecluster-ceph-rbd" }).storageClass).toBe("ocs-storagecluster-ceph-rbd");
  });

  it("GIVEN no class WHEN parsed THEN storageClass is absent", () => {
    expect("storageClass" in accepted({})).toBe(false);
  });

  it.each([
    ["", "omit the parameter"],
    ["Fast_SSD", "DNS-1123 subdomain"],
    ["a".repeat(254), "at most 253 characters"],
    [5, "must be a JSON string"],
  ])("GIVEN %j WHEN parsed THEN it is rejected, saying %j", (given, message) => {
    const error = rejected({ storage_class: given });
    expect(error?.field).toBe("spec.templateParameters.storage_class");
    expect(error?.message).toContain(message);
  });
});

describe("parseTemplateParameters: any input", () => {
  it("GIVEN any JSON object of known names WHEN parsed THEN it never throws and returns either a value or errors", () => {
    const names = fc.constantFrom("cpu_cores", "memory", "disk_size", "image_source", "cloud_init_config", "ssh_public_key", "exposed_ports", "storage_class", "other");
    fc.assert(
      fc.property(fc.dictionary(names, fc.jsonValue()), (parameters) => {
        const result = parse(parameters);
        expect(result.value === undefined).toBe(result.errors.length > 0);
        for (const error of result.errors) expect(error.message).not.toBe("");
      }),
    );
  });

  it("GIVEN any string as the parameters WHEN parsed THEN it never throws", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = parseTemplateParameters(TEMPLATE, text);
        expect(result.value === undefined).toBe(result.errors.length > 0);
      }),
    );
  });
});
