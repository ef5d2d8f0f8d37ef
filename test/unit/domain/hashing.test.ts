import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fnv1a64, fnv1a64Hex } from "../../../src/domain/hashing/fnv1a64.ts";
import { base32LowerNoPad } from "../../../src/domain/hashing/base32.ts";
import { goJsonString } from "../../../src/domain/hashing/go-json.ts";
import { desiredConfigVersion, goMarshalSpec } from "../../../src/domain/config-version.ts";
import { tenantHash, tenantNamespace, tenantObjectName } from "../../../src/domain/tenant.ts";

/** FNV-1a-64 written the obvious way, to check the two-halves implementation against. */
function referenceFnv(bytes: Uint8Array): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return hash.toString(16).padStart(16, "0");
}

/** Go's string encoding written as a character loop, the way Go's encoder walks its input. */
function referenceGoJsonString(value: string): string {
  const short: Record<number, string> = { 0x08: "\\b", 0x0c: "\\f", 0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t" };
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20) out += short[code] ?? `\\u00${code.toString(16).padStart(2, "0")}`;
    else if (code === 0x22) out += '\\"';
    else if (code === 0x5c) out += "\\\\";
    else if (code === 0x3c || code === 0x3e || code === 0x26 || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else if (code >= 0xd800 && code <= 0xdbff && value.charCodeAt(i + 1) >= 0xdc00 && value.charCodeAt(i + 1) <= 0xdfff) out += value[i]! + value[++i]!;
    else if (code >= 0xd800 && code <= 0xdfff) out += "\\ufffd";
    else out += value[i];
  }
  return `${out}"`;
}

describe("FNV-1a-64", () => {
  it.each([
    ["", "cbf29ce484222325"],
    ["a", "af63dc4c8601ec8c"],
    ["foobar", "85944171f73967e8"],
  ])("GIVEN %j THEN it hashes to the published vector %s", (text, expected) => {
    expect(fnv1a64Hex(text)).toBe(expected);
  });

  it("GIVEN any bytes THEN it equals the BigInt reference", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(Buffer.from(fnv1a64(bytes)).toString("hex")).toBe(referenceFnv(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("base32, lower case, no padding", () => {
  it.each([
    ["", ""],
    ["f", "my"],
    ["fo", "mzxq"],
    ["foo", "mzxw6"],
    ["foob", "mzxw6yq"],
    ["fooba", "mzxw6ytb"],
    ["foobar", "mzxw6ytboi"],
  ])("GIVEN the RFC 4648 vector %j THEN it encodes to %s", (text, expected) => {
    expect(base32LowerNoPad(Buffer.from(text))).toBe(expected);
  });
});

describe("Go json.Marshal string escaping", () => {
  it.each([
    ["plain", '"plain"'],
    ['quote " and \\ backslash', '"quote \\" and \\\\ backslash"'],
    ["<tag> & more", '"\\u003ctag\\u003e \\u0026 more"'],
    ["tab\tnewline\ncr\r", '"tab\\tnewline\\ncr\\r"'],
    ["\b\f", '"\\b\\f"'],
    ["\u0001\u001f", '"\\u0001\\u001f"'],
    ["line\u2028para\u2029", '"line\\u2028para\\u2029"'],
    ["ünïcødé ✓ 😀", '"ünïcødé ✓ 😀"'],
    ["lone \ud800 surrogate", '"lone \\ufffd surrogate"'],
    ["/slash is not escaped", '"/slash is not escaped"'],
  ])("GIVEN %j THEN Go writes %s", (text, expected) => {
    expect(goJsonString(text)).toBe(expected);
  });

  it("GIVEN any UTF-16 string (lone surrogates, controls, HTML characters) THEN it agrees with a character-by-character encoder", () => {
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
      fc.constantFrom("<", ">", "&", "\u2028", "\u2029", "\ud83d\ude00", "\ud800", "\udfff", '"', "\\", "\u007f", "a"),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        expect(goJsonString(text)).toBe(referenceGoJsonString(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it("GIVEN strings without characters Go treats specially THEN it agrees with JSON.stringify", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        fc.pre(!/[<>&\u2028\u2029\u0000-\u001f]/.test(text));
        expect(goJsonString(text)).toBe(JSON.stringify(text));
      }),
    );
  });
});

describe("desiredConfigVersion", () => {
  const spec = {
    templateID: "cloudkit.templates.ocp_virt_vm",
    templateParameters:
      '{"cpu_cores":"4","disk_size":"10Gi","exposed_ports":"22/tcp","image_source":"quay.io/containerdisks/fedora:latest","memory":"4Gi"}',
  };

  it("GIVEN the PARITY.md worked example THEN it is 1235a48e65b9b809", () => {
    expect(desiredConfigVersion(spec)).toBe("1235a48e65b9b809");
  });

  it("GIVEN the spec THEN Go's encoding has templateID first and the parameters as an escaped string", () => {
    expect(goMarshalSpec({ templateID: "t", templateParameters: '{"a":"<b>"}' })).toBe(
      '{"templateID":"t","templateParameters":"{\\"a\\":\\"\\u003cb\\u003e\\"}"}',
    );
  });

  it("GIVEN empty parameters THEN the field is omitted (omitempty)", () => {
    expect(goMarshalSpec({ templateID: "t", templateParameters: "" })).toBe('{"templateID":"t"}');
    expect(goMarshalSpec({ templateID: "t" })).toBe('{"templateID":"t"}');
  });

  it("GIVEN the same parameters with another key order THEN the version changes (the string is hashed as written)", () => {
    const reordered = { ...spec, templateParameters: '{"memory":"4Gi","cpu_cores":"4","disk_size":"10Gi","exposed_ports":"22/tcp","image_source":"quay.io/containerdisks/fedora:latest"}' };
    expect(desiredConfigVersion(reordered)).not.toBe(desiredConfigVersion(spec));
  });
});

describe("tenant namespace", () => {
  it("GIVEN the PARITY.md example tenant my-tenant THEN the hash is ntfv23cm4rd2e", () => {
    expect(tenantHash("my-tenant")).toBe("ntfv23cm4rd2e");
    expect(tenantNamespace("cloudkit-vm-orders", "my-tenant")).toBe("cloudkit-vm-orders-ntfv23cm4rd2e");
    expect(tenantObjectName("my-tenant")).toBe("tenant-ntfv23cm4rd2e");
  });

  it("GIVEN any tenant name THEN the hash is 13 characters of the base32 alphabet", () => {
    fc.assert(
      fc.property(fc.string(), (tenant) => {
        expect(tenantHash(tenant)).toMatch(/^[a-z2-7]{13}$/);
      }),
    );
  });
});
