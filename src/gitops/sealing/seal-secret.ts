import type { SealingCertificate } from "./certificate.ts";
import { CertificateChangedError } from "./errors.ts";
import { encryptionLabel, hybridEncrypt, type SealingScope } from "./hybrid-encryption.ts";
import type { PreviousSeal } from "./previous-seals.ts";
import { decideSeal, type ValueDecision } from "./reuse-decision.ts";
import {
  SEALED_SECRET_API_VERSION,
  SEALED_SECRET_KIND,
  ScopeAnnotations,
  SealingAnnotations,
  type PlainSecret,
  type SealedSecretObject,
} from "./sealed-secret-object.ts";
import { tagsEqual, valueTag, type ValueKey } from "./value-key.ts";

export interface SealContext {
  readonly certificate: SealingCertificate;
  readonly valueKey: ValueKey;
  readonly reseal: boolean;
}

/** What sealing one Secret did, for reports. */
export interface SealOutcome {
  readonly sealedSecret: SealedSecretObject;
  readonly decisions: readonly ValueDecision[];
}

/**
 * Turns one plain Secret into the SealedSecret that makes the controller create it again: same
 * name and namespace, `spec.template` with the Secret's metadata, type and immutability, one
 * ciphertext per value. A value whose previous ciphertext still verifies is not sealed again
 * (reuse-decision.ts). Throws CertificateChangedError when the previous seal used another
 * certificate and no re-seal was asked for.
 */
export function sealSecret(secret: PlainSecret, previous: PreviousSeal | undefined, context: SealContext): SealOutcome {
  const { namespace, name } = secret.metadata;
  const scope = scopeOf(secret);
  if (namespace === undefined && scope !== "cluster-wide") {
    throw new Error(`Secret ${name} has no namespace: a ${scope} SealedSecret is bound to one`);
  }
  const fingerprint = context.certificate.fingerprint;
  const values = plaintextValues(secret);
  const ref = (key: string) => ({ namespace: namespace ?? "", name, key });
  const decision = decideSeal({
    ...(previous?.fingerprint !== undefined ? { previousFingerprint: previous.fingerprint } : {}),
    currentFingerprint: fingerprint,
    reseal: context.reseal,
    values: [...values].map(([key, value]) => {
      const ciphertext = previous?.encryptedData.get(key);
      if (ciphertext === undefined) return { key };
      const tagMatches = tagsEqual(valueTag(context.valueKey, ref(key), fingerprint, ciphertext, value), previous?.tags.get(key));
      return { key, previous: { ciphertext, tagMatches } };
    }),
  });
  if (decision.kind === "refuse") throw new CertificateChangedError(`${namespace ?? ""}/${name}`, decision.previousFingerprint, fingerprint);

  const label = encryptionLabel(scope, namespace ?? "", name);
  const encryptedData: Record<string, string> = {};
  const tags: Record<string, string> = {};
  for (const choice of decision.values) {
    const value = values.get(choice.key)!;
    const ciphertext =
      choice.action === "reuse" ? choice.ciphertext : hybridEncrypt(context.certificate.publicKey, value, label).toString("base64");
    encryptedData[choice.key] = ciphertext;
    tags[choice.key] = valueTag(context.valueKey, ref(choice.key), fingerprint, ciphertext, value);
  }
  const sealedSecret: SealedSecretObject = {
    apiVersion: SEALED_SECRET_API_VERSION,
    kind: SEALED_SECRET_KIND,
    metadata: {
      name,
      namespace: namespace ?? "",
      ...(secret.metadata.labels ? { labels: { ...secret.metadata.labels } } : {}),
      annotations: sortedRecord({
        ...secret.metadata.annotations,
        ...scopeAnnotations(scope),
        [SealingAnnotations.sealedWith]: fingerprint,
        [SealingAnnotations.valueHmacs]: JSON.stringify(sortedRecord(tags)),
      }),
    },
    spec: {
      encryptedData: sortedRecord(encryptedData),
      template: {
        metadata: { ...secret.metadata },
        ...(secret.type !== undefined ? { type: secret.type } : {}),
        ...(secret.immutable !== undefined ? { immutable: secret.immutable } : {}),
      },
    },
  };
  return { sealedSecret, decisions: decision.values };
}

/** The Secret's scope, from the same annotations sealed-secrets reads (strict unless set). */
export function scopeOf(secret: PlainSecret): SealingScope {
  const annotations = secret.metadata.annotations ?? {};
  if (annotations[ScopeAnnotations.clusterWide] === "true") return "cluster-wide";
  if (annotations[ScopeAnnotations.namespaceWide] === "true") return "namespace-wide";
  return "strict";
}

function scopeAnnotations(scope: SealingScope): Record<string, string> {
  if (scope === "cluster-wide") return { [ScopeAnnotations.clusterWide]: "true" };
  if (scope === "namespace-wide") return { [ScopeAnnotations.namespaceWide]: "true" };
  return {};
}

/**
 * The Secret's values as bytes, by key (`stringData` wins over `data`, as the API server merges
 * them). `data` must be canonical base64: the produced Secret must hold exactly the bytes the
 * plain Secret would have.
 */
function plaintextValues(secret: PlainSecret): Map<string, Buffer> {
  const values = new Map<string, Buffer>();
  for (const [key, encoded] of Object.entries(secret.data ?? {})) {
    const bytes = Buffer.from(encoded, "base64");
    if (bytes.toString("base64") !== encoded) throw new Error(`Secret ${secret.metadata.name}: data.${key} is not canonical base64`);
    values.set(key, bytes);
  }
  for (const [key, text] of Object.entries(secret.stringData ?? {})) values.set(key, Buffer.from(text, "utf8"));
  return new Map([...values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
