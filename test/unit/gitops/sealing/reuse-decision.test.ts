import { describe, expect, it } from "vitest";
import { decideSeal, type SealDecision, type SealSituation, type ValueSituation } from "../../../../src/gitops/sealing/index.ts";

const CURRENT = "SHA256:current";
const OLD = "SHA256:old";
const verified: ValueSituation = { key: "userData", previous: { ciphertext: "C1", tagMatches: true } };
const unverified: ValueSituation = { key: "userData", previous: { ciphertext: "C1", tagMatches: false } };
const fresh: ValueSituation = { key: "userData" };

function situation(previousFingerprint: string | undefined, reseal: boolean, values: ValueSituation[]): SealSituation {
  return { ...(previousFingerprint === undefined ? {} : { previousFingerprint }), currentFingerprint: CURRENT, reseal, values };
}

describe("decideSeal: reuse or seal again", () => {
  it.each<[string, SealSituation, SealDecision]>([
    [
      "same certificate, tag verifies → reuse the ciphertext",
      situation(CURRENT, false, [verified]),
      { kind: "seal", values: [{ key: "userData", action: "reuse", ciphertext: "C1" }] },
    ],
    [
      "same certificate, tag does not verify (value changed, edited, other key) → seal",
      situation(CURRENT, false, [unverified]),
      { kind: "seal", values: [{ key: "userData", action: "encrypt", reason: "changed" }] },
    ],
    ["same certificate, no ciphertext for the key → seal", situation(CURRENT, false, [fresh]), { kind: "seal", values: [{ key: "userData", action: "encrypt", reason: "new" }] }],
    ["no previous SealedSecret → seal", situation(undefined, false, [fresh]), { kind: "seal", values: [{ key: "userData", action: "encrypt", reason: "new" }] }],
    [
      "a ciphertext without a recorded certificate → seal (nothing vouches for it)",
      situation(undefined, false, [verified]),
      { kind: "seal", values: [{ key: "userData", action: "encrypt", reason: "unverified" }] },
    ],
    ["another certificate, no re-seal → refuse", situation(OLD, false, [verified]), { kind: "refuse", previousFingerprint: OLD }],
    ["another certificate, no re-seal, even for a new value → refuse", situation(OLD, false, [fresh]), { kind: "refuse", previousFingerprint: OLD }],
    [
      "another certificate, re-seal → seal even though the tag verifies",
      situation(OLD, true, [verified]),
      { kind: "seal", values: [{ key: "userData", action: "encrypt", reason: "resealed" }] },
    ],
    [
      "same certificate, re-seal → reuse (re-sealing twice changes nothing)",
      situation(CURRENT, true, [verified]),
      { kind: "seal", values: [{ key: "userData", action: "reuse", ciphertext: "C1" }] },
    ],
    [
      "values decide one by one",
      situation(CURRENT, false, [
        { key: "a", previous: { ciphertext: "CA", tagMatches: true } },
        { key: "b", previous: { ciphertext: "CB", tagMatches: false } },
        { key: "c" },
      ]),
      {
        kind: "seal",
        values: [
          { key: "a", action: "reuse", ciphertext: "CA" },
          { key: "b", action: "encrypt", reason: "changed" },
          { key: "c", action: "encrypt", reason: "new" },
        ],
      },
    ],
  ])("GIVEN %s", (_, given, expected) => {
    expect(decideSeal(given)).toEqual(expected);
  });
});
