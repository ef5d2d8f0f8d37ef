/**
 * A sealing setting (the certificate or the value key) that cannot be used. `setting` is how the
 * caller names it (`--seal-with` on the command line, a values key for the committer), so the
 * message says which one to fix. Never carries key material.
 */
export class SealingSettingError extends Error {
  override readonly name = "SealingSettingError";
  readonly code = "SEALING_SETTING";
  constructor(
    readonly setting: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${setting}: ${problem}`, options);
  }
}

/**
 * An order file was sealed under another certificate than the one given, and re-sealing was not
 * asked for. Nothing may be written: sealing part of a tree under the wrong hub's certificate
 * would leave those Secrets undecryptable there.
 */
export class CertificateChangedError extends Error {
  override readonly name = "CertificateChangedError";
  readonly code = "SEALING_CERTIFICATE_CHANGED";
  constructor(
    readonly sealedSecret: string,
    readonly previousFingerprint: string,
    readonly currentFingerprint: string,
  ) {
    super(
      `SealedSecret ${sealedSecret} was sealed with the certificate ${previousFingerprint}, not with the given ` +
        `${currentFingerprint}: either re-seal every value under the new certificate, or seal with the certificate ` +
        `the tree was sealed with`,
    );
  }
}
