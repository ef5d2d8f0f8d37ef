import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkCanonicalBase64, isLenientBase64 } from "../../../src/domain/templates/base64.ts";

describe("checkCanonicalBase64", () => {
  it.each([
    ["", 0],
    ["QQ==", 1],
    ["QUI=", 2],
    ["QUJD", 3],
    ["I2Nsb3VkLWNvbmZpZw==", 13],
    ["++//", 3],
  ])("GIVEN %j WHEN checked THEN it is accepted with %i decoded bytes", (text, bytes) => {
    expect(checkCanonicalBase64(text)).toEqual({ ok: true, decodedBytes: bytes });
  });

  it.each([
    ["I2Nsb3VkLWNvbmZpZw", "multiple of 4"],
    ["I2Nsb3VkLWNvbmZpZw=", "multiple of 4"],
    ["QQ=", "multiple of 4"],
    ["Q===", "standard base64 alphabet"],
    ["====", "standard base64 alphabet"],
    ["QQ==QQ==", "standard base64 alphabet"],
    ["-_-_", "standard base64 alphabet"],
    ["I2Nsb3Vk\nLWNvbmZpZw==", "without spaces or line breaks"],
    ["I2Nsb3Vk LWNvbmZpZw==", "without spaces or line breaks"],
    ["I2Nsb3VkLWNvbmZpZw==\n", "without spaces or line breaks"],
    ["QUJD    ", "without spaces or line breaks"],
    ["Q\tU\nJ\rD    ", "without spaces or line breaks"],
    ["QUJD\n\n\n\n", "without spaces or line breaks"],
    ["QR==", "canonical"],
    ["QUJ=", "canonical"],
  ])("GIVEN %j WHEN checked THEN it is rejected, saying %j", (text, reason) => {
    const check = checkCanonicalBase64(text);
    expect(check.ok).toBe(false);
    expect(check.ok ? "" : check.reason).toContain(reason);
  });

  it("GIVEN any bytes encoded by Buffer WHEN checked THEN they are accepted with their exact length", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        const text = Buffer.from(bytes).toString("base64");
        expect(checkCanonicalBase64(text)).toEqual({ ok: true, decodedBytes: bytes.length });
      }),
    );
  });

  const encoded = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString("base64"));

  it("GIVEN encoded bytes with their padding removed WHEN checked THEN they are rejected", () => {
    fc.assert(
      fc.property(
        encoded.filter((text) => text.endsWith("=")),
        (text) => {
          expect(checkCanonicalBase64(text.replace(/=+$/, "")).ok).toBe(false);
        },
      ),
    );
  });

  it("GIVEN encoded bytes with one character dropped or one '=' appended WHEN checked THEN they are rejected", () => {
    fc.assert(
      fc.property(encoded, fc.nat(), fc.boolean(), (text, at, drop) => {
        const index = at % text.length;
        const mutated = drop ? text.slice(0, index) + text.slice(index + 1) : `${text}=`;
        expect(checkCanonicalBase64(mutated).ok).toBe(false);
      }),
    );
  });

  it("GIVEN encoded bytes with a foreign character inserted WHEN checked THEN they are rejected", () => {
    fc.assert(
      fc.property(encoded, fc.nat(), fc.constantFrom(" ", "\n", "\r", "\t", "-", "_", ".", "*", "é", "\u0000"), (text, at, foreign) => {
        const index = at % (text.length + 1);
        expect(checkCanonicalBase64(text.slice(0, index) + foreign + text.slice(index)).ok).toBe(false);
      }),
    );
  });

  it("GIVEN any string WHEN checked THEN it never throws and accepts only what Buffer re-encodes identically", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."AQgw+/=Z9 \n-") }), (text) => {
        const check = checkCanonicalBase64(text);
        expect(check.ok).toBe(Buffer.from(text, "base64").toString("base64") === text);
      }),
    );
  });
});

describe("isLenientBase64", () => {
  it.each([
    ["AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly", true],
    ["QUJD", true],
    ["QUI", true],
    ["QUI=", true],
    ["QQ", true],
    ["QQ==", true],
    ["Q", false],
    ["QUJDR", false],
    ["QUI==", false],
    ["QQ=", false],
    ["", false],
    ["QU I=", false],
    ["QUI=QUI=", false],
  ])("GIVEN %j WHEN checked THEN the verdict is %s", (text, verdict) => {
    expect(isLenientBase64(text)).toBe(verdict);
  });

  it("GIVEN any non-empty bytes encoded with or without padding WHEN checked THEN they are accepted", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 500 }), fc.boolean(), (bytes, unpadded) => {
        const text = Buffer.from(bytes).toString("base64");
        expect(isLenientBase64(unpadded ? text.replace(/=+$/, "") : text)).toBe(true);
      }),
    );
  });
});
