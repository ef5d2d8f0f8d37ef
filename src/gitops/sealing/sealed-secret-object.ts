/**
 * The objects sealing reads and writes, as plain JSON: the plain `v1` Secret a profile renders,
 * and the `bitnami.com/v1alpha1` SealedSecret that replaces it in Git.
 */
/** Type aliases, not interfaces: they stay assignable to callers' `Record<string, unknown>` object types. */
export type ObjectMetadata = {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
};

export interface PlainSecret {
  readonly apiVersion: "v1";
  readonly kind: "Secret";
  readonly metadata: ObjectMetadata;
  readonly type?: string;
  readonly immutable?: boolean;
  /** Values in base64. */
  readonly data?: Readonly<Record<string, string>>;
  /** Values as UTF-8 text. */
  readonly stringData?: Readonly<Record<string, string>>;
}

export const SEALED_SECRET_API_VERSION = "bitnami.com/v1alpha1";
export const SEALED_SECRET_KIND = "SealedSecret";

export type SealedSecretObject = {
  readonly apiVersion: typeof SEALED_SECRET_API_VERSION;
  readonly kind: typeof SEALED_SECRET_KIND;
  readonly metadata: ObjectMetadata & { readonly namespace: string; readonly annotations: Readonly<Record<string, string>> };
  readonly spec: {
    /** Per key: base64 of the hybrid ciphertext. */
    readonly encryptedData: Readonly<Record<string, string>>;
    /** The Secret the controller makes: this metadata, type and immutability. */
    readonly template: { readonly metadata: ObjectMetadata; readonly type?: string; readonly immutable?: boolean };
  };
};

/** Annotations this project keeps on a SealedSecret (its own metadata; they do not reach the Secret). */
export const SealingAnnotations = {
  /** Fingerprint of the certificate every value was sealed with (`SHA256:…`). */
  sealedWith: "cloudkit.openshift.io/sealed-with",
  /** JSON object: data key → keyed tag of the value (value-key.ts `valueTag`). */
  valueHmacs: "cloudkit.openshift.io/sealed-value-hmac",
} as const;

/** sealed-secrets' scope annotations (on the SealedSecret; strict when neither is "true"). */
export const ScopeAnnotations = {
  namespaceWide: "sealedsecrets.bitnami.com/namespace-wide",
  clusterWide: "sealedsecrets.bitnami.com/cluster-wide",
} as const;

export function isPlainSecret(object: { apiVersion?: unknown; kind?: unknown }): object is PlainSecret {
  return object.apiVersion === "v1" && object.kind === "Secret";
}
