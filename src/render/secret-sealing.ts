import type { KubeObject } from "./render-order.ts";

/**
 * What the gitops profile needs to write Secrets sealed instead of plain (implemented by
 * src/gitops/sealing's SecretSealer and passed in by the caller, so rendering does not depend on
 * the sealing room).
 */
export interface SecretSealing {
  /** Fingerprint of the sealing certificate. */
  readonly certificateFingerprint: string;
  /**
   * The input digest of an order file. Keyed, since an order holds the values being sealed, and
   * covering the certificate, so a new certificate makes every order file stale.
   */
  orderInputDigest(input: string): string;
  /**
   * One order's objects with each plain Secret replaced by a SealedSecret, reusing the ciphertext
   * of values unchanged since `previousFile` (the order's file as it is now, if any).
   */
  sealObjects(objects: readonly KubeObject[], previousFile: string | undefined): KubeObject[];
}
