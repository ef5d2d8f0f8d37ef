/**
 * Sealing: the plain Secrets of a render become Bitnami SealedSecrets that only the hub's
 * sealed-secrets controller can decrypt, and re-rendering an unchanged order never changes its
 * ciphertext (docs/adr/0020-sealed-secrets.md).
 */
export { parseSealingCertificate, MIN_RSA_MODULUS_BITS, type SealingCertificate } from "./certificate.ts";
export { CertificateChangedError, SealingSettingError } from "./errors.ts";
export { publicKeyFingerprint } from "./fingerprint.ts";
export { encryptionLabel, hybridEncrypt, type SealingScope } from "./hybrid-encryption.ts";
export { loadSealingSettings, loadValueKey, type LoadedSealing, type SealingSources } from "./load-settings.ts";
export { NO_PREVIOUS_SEALS, previousSealsOf, readPreviousSeals, type PreviousSeal, type PreviousSeals } from "./previous-seals.ts";
export { decideSeal, type EncryptReason, type SealDecision, type SealSituation, type ValueDecision, type ValueSituation } from "./reuse-decision.ts";
export { scopeOf, sealSecret, type SealContext, type SealOutcome } from "./seal-secret.ts";
export {
  ScopeAnnotations,
  SEALED_SECRET_API_VERSION,
  SEALED_SECRET_KIND,
  SealingAnnotations,
  type PlainSecret,
  type SealedSecretObject,
} from "./sealed-secret-object.ts";
export { SecretSealer, type SealerSettings, type SealingTally } from "./secret-sealer.ts";
export { keyedInputDigest, MIN_VALUE_KEY_BYTES, parseValueKey, valueTag, type ValueKey, type ValueRef } from "./value-key.ts";
