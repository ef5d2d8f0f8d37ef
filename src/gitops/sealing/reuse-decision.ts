/**
 * Whether to reuse a sealed value's ciphertext or seal it again: the whole of the no-churn rule,
 * as a pure function. Ciphertext is random, so sealing an unchanged value again would change the
 * file on every render and make Argo CD re-apply it; reusing a ciphertext for a changed value, or
 * one we cannot vouch for, would deploy the wrong value.
 */

/** One value of the Secret being sealed, and what the previous render left for it. */
export interface ValueSituation {
  readonly key: string;
  /**
   * The previous SealedSecret's ciphertext for this key, and whether its stored tag verifies for
   * the current value (value-key.ts `valueTag`: same value, same place, same certificate, this
   * very ciphertext).
   */
  readonly previous?: { readonly ciphertext: string; readonly tagMatches: boolean };
}

export interface SealSituation {
  /** The certificate the previous SealedSecret records; undefined when there was none, or it records none. */
  readonly previousFingerprint?: string;
  readonly currentFingerprint: string;
  /** Re-seal values sealed under another certificate (rotation), instead of refusing. */
  readonly reseal: boolean;
  readonly values: readonly ValueSituation[];
}

export type EncryptReason =
  /** No ciphertext for this key yet. */
  | "new"
  /** The value changed, or its stored tag does not verify (edited by hand, or another value key). */
  | "changed"
  /** Sealed under another certificate; re-sealing was asked for. */
  | "resealed"
  /** A ciphertext without a recorded certificate: nothing vouches for it. */
  | "unverified";

export type ValueDecision =
  | { readonly key: string; readonly action: "reuse"; readonly ciphertext: string }
  | { readonly key: string; readonly action: "encrypt"; readonly reason: EncryptReason };

export type SealDecision =
  | { readonly kind: "seal"; readonly values: readonly ValueDecision[] }
  /** Sealed under another certificate and no re-seal asked for: write nothing. */
  | { readonly kind: "refuse"; readonly previousFingerprint: string };

export function decideSeal(situation: SealSituation): SealDecision {
  const { previousFingerprint, currentFingerprint } = situation;
  const certificateChanged = previousFingerprint !== undefined && previousFingerprint !== currentFingerprint;
  if (certificateChanged && !situation.reseal) return { kind: "refuse", previousFingerprint };
  return {
    kind: "seal",
    values: situation.values.map(({ key, previous }): ValueDecision => {
      if (!previous) return { key, action: "encrypt", reason: "new" };
      if (certificateChanged) return { key, action: "encrypt", reason: "resealed" };
      if (previousFingerprint === undefined) return { key, action: "encrypt", reason: "unverified" };
      if (!previous.tagMatches) return { key, action: "encrypt", reason: "changed" };
      return { key, action: "reuse", ciphertext: previous.ciphertext };
    }),
  };
}
