import type { SealingCertificate } from "./certificate.ts";
import { readPreviousSeals, type PreviousSeals } from "./previous-seals.ts";
import type { EncryptReason } from "./reuse-decision.ts";
import { sealSecret } from "./seal-secret.ts";
import { isPlainSecret, type SealedSecretObject } from "./sealed-secret-object.ts";
import { keyedInputDigest, type ValueKey } from "./value-key.ts";

export interface SealerSettings {
  readonly certificate: SealingCertificate;
  readonly valueKey: ValueKey;
  /** Re-seal values sealed under another certificate instead of refusing (certificate rotation). */
  readonly reseal: boolean;
}

/** Counts since the sealer was made: values sealed (by reason) and values whose ciphertext was reused. */
export interface SealingTally {
  reused: number;
  sealed: Record<EncryptReason, number>;
}

type AnyObject = { readonly apiVersion: string; readonly kind: string };

/**
 * Seals the plain Secrets among one order's rendered objects. One per render or committer, for
 * one certificate and value key; `sealObjects` works per order, so a caller renders, seals and
 * writes one order at a time. Everything but the `v1` Secrets passes through untouched, in place.
 */
export class SecretSealer {
  readonly certificateFingerprint: string;
  readonly tally: SealingTally = { reused: 0, sealed: { new: 0, changed: 0, resealed: 0, unverified: 0 } };

  constructor(private readonly settings: SealerSettings) {
    this.certificateFingerprint = settings.certificate.fingerprint;
  }

  /** The input digest of an order file (keyed, and covering the certificate: value-key.ts). */
  orderInputDigest(input: string): string {
    return keyedInputDigest(this.settings.valueKey, this.certificateFingerprint, input);
  }

  /** Seals with the SealedSecrets of the order's file as it is now (undefined: no file yet). */
  sealObjects<T extends AnyObject>(objects: readonly T[], previousFile: string | undefined): (T | SealedSecretObject)[] {
    return this.sealObjectsWith(objects, readPreviousSeals(previousFile));
  }

  /** Seals with previous seals the caller already holds (previous-seals.ts `previousSealsOf`). */
  sealObjectsWith<T extends AnyObject>(objects: readonly T[], previous: PreviousSeals): (T | SealedSecretObject)[] {
    return objects.map((object) => {
      if (!isPlainSecret(object)) return object;
      const { namespace, name } = object.metadata;
      const outcome = sealSecret(object, previous.get(`${namespace ?? ""}/${name}`), this.settings);
      for (const decision of outcome.decisions) {
        if (decision.action === "reuse") this.tally.reused++;
        else this.tally.sealed[decision.reason]++;
      }
      return outcome.sealedSecret;
    });
  }
}
