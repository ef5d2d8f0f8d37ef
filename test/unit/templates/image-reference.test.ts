import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isFloatingImage, parseImageReference } from "../../../src/domain/templates/image-reference.ts";

const SHA256 = "a".repeat(64);

describe("parseImageReference", () => {
  it.each([
    ["quay.io/containerdisks/fedora:latest", { reference: "quay.io/containerdisks/fedora:latest", tag: "latest" }],
    ["docker://quay.io/containerdisks/fedora:41", { reference: "quay.io/containerdisks/fedora:41", tag: "41" }],
    ["fedora", { reference: "fedora" }],
    ["library/fedora:41", { reference: "library/fedora:41", tag: "41" }],
    ["localhost:5000/my/image:v1.2_3-rc", { reference: "localhost:5000/my/image:v1.2_3-rc", tag: "v1.2_3-rc" }],
    ["registry.example.com:5000/a/b/c", { reference: "registry.example.com:5000/a/b/c" }],
    ["[::1]:5000/img:tag", { reference: "[::1]:5000/img:tag", tag: "tag" }],
    ["Quay.IO/x/y", { reference: "Quay.IO/x/y" }],
    ["a__b/c-d--e/f.g_h:Tag_1", { reference: "a__b/c-d--e/f.g_h:Tag_1", tag: "Tag_1" }],
    [`quay.io/x/y@sha256:${SHA256}`, { reference: `quay.io/x/y@sha256:${SHA256}`, digest: `sha256:${SHA256}` }],
    [`quay.io/x/y:1@sha256:${SHA256}`, { reference: `quay.io/x/y:1@sha256:${SHA256}`, tag: "1", digest: `sha256:${SHA256}` }],
    [`x@sha512:${"b".repeat(128)}`, { reference: `x@sha512:${"b".repeat(128)}`, digest: `sha512:${"b".repeat(128)}` }],
    [`x@blake3:${"C".repeat(32)}`, { reference: `x@blake3:${"C".repeat(32)}`, digest: `blake3:${"C".repeat(32)}` }],
    [`x:${"t".repeat(128)}`, { reference: `x:${"t".repeat(128)}`, tag: "t".repeat(128) }],
  ])("GIVEN %j WHEN parsed THEN it is accepted as %j", (text, image) => {
    expect(parseImageReference(text)).toEqual({ ok: true, value: image });
  });

  it.each([
    ["", "must name a container image"],
    ["docker://", "must name a container image"],
    ["http://quay.io/x/y", "the only URL scheme accepted is docker://"],
    ["https://quay.io/x/y:1", "the only URL scheme accepted is docker://"],
    ["docker://docker://x", "the only URL scheme accepted is docker://"],
    ["quay.io/Containerdisks/fedora", "repository path must be lowercase"],
    ["Fedora", "repository path must be lowercase"],
    [" quay.io/x/y", "whitespace"],
    ["quay.io/x /y", "whitespace"],
    ["quay.io/x/y\n", "whitespace"],
    ["quay.io/x/y:", "must be a container image reference"],
    ["quay.io/x/y:-tag", "must be a container image reference"],
    [`x:${"t".repeat(129)}`, "must be a container image reference"],
    ["x//y", "must be a container image reference"],
    ["-x", "must be a container image reference"],
    ["x/", "must be a container image reference"],
    [":tag", "must be a container image reference"],
    ["x@sha256:abc", "must be a container image reference"],
    [`x@sha256:${"a".repeat(63)}`, "digest sha256 must be 64 lowercase hexadecimal characters"],
    [`x@sha256:${"A".repeat(64)}`, "digest sha256 must be 64 lowercase hexadecimal characters"],
    [`quay.io/${"a".repeat(250)}`, "at most 255 characters"],
    [`x:${"1".repeat(2000)}`, "at most 1024 characters"],
  ])("GIVEN %j WHEN parsed THEN it is rejected, saying %j", (text, message) => {
    const result = parseImageReference(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.problems[0]?.message).toContain(message);
  });

  it.each([
    ["fedora", true],
    ["fedora:latest", true],
    ["fedora:41", false],
    [`fedora@sha256:${SHA256}`, false],
    [`fedora:latest@sha256:${SHA256}`, false],
  ])("GIVEN %j WHEN asked whether it floats THEN the answer is %s", (text, floating) => {
    const result = parseImageReference(text);
    expect(result.ok && isFloatingImage(result.value)).toBe(floating);
  });

  it("GIVEN any string WHEN parsed THEN it never throws, and what it accepts has no whitespace nor scheme", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(..."aZ09.-_/:@[]") })), (text) => {
        const result = parseImageReference(text);
        if (result.ok) expect(result.value.reference).toMatch(/^[^\s]+$/);
        else expect(result.problems).toHaveLength(1);
      }),
    );
  });

  it("GIVEN a near-miss reference just under the length cap WHEN parsed THEN it is refused (no runaway backtracking)", () => {
    const result = parseImageReference(`${"a.".repeat(511)}!`);
    expect(result.ok).toBe(false);
  });
});
