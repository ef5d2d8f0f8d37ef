import { describe, expect, it } from "vitest";
import {
  generateExpressionValue,
  keyedGenerators,
  keyedIndexSource,
  MIN_PARAMETER_KEY_BYTES,
  ParameterKeyError,
} from "../../../src/domain/openshift-template/index.ts";

const KEY = Buffer.alloc(32, 0x5a);
const OTHER_KEY = Buffer.alloc(32, 0xa5);
const PASSWORD = "[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}";

function password(key: Uint8Array, identity: string, name = "CLOUD_USER_PASSWORD"): string {
  return generateExpressionValue(PASSWORD, keyedIndexSource(key, identity, name));
}

describe("keyed draws for generated parameters", () => {
  it("GIVEN the same key, order and parameter THEN the value is the same on every render", () => {
    expect(password(KEY, "order-uuid:1")).toBe(password(KEY, "order-uuid:1"));
    expect(password(KEY, "order-uuid:1")).toMatch(/^[a-y0-8]{4}-[a-y0-8]{4}-[a-y0-8]{4}$/);
  });

  it("GIVEN another key, order or parameter name THEN the value differs", () => {
    const base = password(KEY, "order-uuid:1");
    expect(password(OTHER_KEY, "order-uuid:1")).not.toBe(base);
    expect(password(KEY, "order-uuid:2")).not.toBe(base);
    expect(password(KEY, "order-uuid:1", "OTHER_PASSWORD")).not.toBe(base);
  });

  it("GIVEN identity and name that concatenate alike THEN the values still differ (fields are length-framed)", () => {
    expect(password(KEY, "order:a", "BC")).not.toBe(password(KEY, "order:aB", "C"));
  });

  it("GIVEN one value pinned in this table THEN the derivation has not changed (changing it would change every generated password)", () => {
    expect(password(KEY, "order-uuid:5f0c6f7e-9a51-4a55-9d1e-0d6b8f2f4c11")).toBe("pgxe-2hmf-3qfy");
  });

  it("GIVEN the derivation as ADR 0021 writes it, computed with WebCrypto THEN the draws are the same bytes", async () => {
    const frame = (...texts: string[]) =>
      Buffer.concat(texts.flatMap((text) => {
        const bytes = Buffer.from(text, "utf8");
        const length = Buffer.alloc(4);
        length.writeUInt32BE(bytes.length);
        return [length, bytes];
      }));
    const hmac = async (key: Uint8Array, data: Uint8Array) => {
      const imported = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      return new Uint8Array(await crypto.subtle.sign("HMAC", imported, data));
    };
    const streamKey = await hmac(KEY, frame("osac-vm-gitops/template-parameter/v1", "order:spec", "P"));
    const block0 = await hmac(streamKey, Buffer.from([0, 0, 0, 0]));
    const block1 = await hmac(streamKey, Buffer.from([0, 0, 0, 1]));
    // Bound 64 divides 256: no byte is rejected, each draw is byte % 64.
    const expected = [...block0, ...block1].map((byte) => byte % 64);
    const source = keyedIndexSource(KEY, "order:spec", "P");
    expect(expected.map(() => source.nextIndex(64))).toEqual(expected);
  });

  it("GIVEN 34-character draws many times THEN every index occurs, near-uniformly (rejection sampling, no modulo bias)", () => {
    const source = keyedIndexSource(KEY, "order:uniformity", "P");
    const counts = new Array<number>(34).fill(0);
    const draws = 34_000;
    for (let i = 0; i < draws; i++) counts[source.nextIndex(34)]!++;
    // Deterministic (keyed), so this cannot flake; a modulo bias would put 8 indices ~13 % high.
    for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(130);
  });

  it.each([0, 257, 1.5, -1])("GIVEN bound %s THEN it is refused", (bound) => {
    expect(() => keyedIndexSource(KEY, "x", "P").nextIndex(bound)).toThrow(RangeError);
  });

  it("GIVEN a parameter's value THEN it depends on nothing but key, order and name (not on other parameters)", () => {
    const generators = keyedGenerators(KEY, "order-uuid:1");
    const alone = generators.expression!(PASSWORD, "CLOUD_USER_PASSWORD");
    generators.expression!("[a-z]{200}", "SOMETHING_ELSE");
    expect(generators.expression!(PASSWORD, "CLOUD_USER_PASSWORD")).toBe(alone);
  });

  it(`GIVEN a key shorter than ${MIN_PARAMETER_KEY_BYTES} bytes THEN ParameterKeyError, without the key in the message`, () => {
    const short = Buffer.from("short-secret-key");
    let caught: unknown;
    try {
      keyedGenerators(short, "x");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ParameterKeyError);
    expect((caught as ParameterKeyError).code).toBe("WEAK_PARAMETER_KEY");
    expect((caught as Error).message).toContain("16 bytes; at least 32");
    expect((caught as Error).message).not.toContain("short-secret-key");
  });
});
