import yaml from "js-yaml";
import { SEALED_SECRET_API_VERSION, SEALED_SECRET_KIND, SealingAnnotations } from "./sealed-secret-object.ts";

/** What a previous render left for one SealedSecret: its certificate, ciphertexts and tags. */
export interface PreviousSeal {
  readonly fingerprint?: string;
  readonly encryptedData: ReadonlyMap<string, string>;
  readonly tags: ReadonlyMap<string, string>;
}

/** Previous seals by `namespace/name`. */
export type PreviousSeals = ReadonlyMap<string, PreviousSeal>;

export const NO_PREVIOUS_SEALS: PreviousSeals = new Map();

/**
 * The SealedSecrets in a file as the last render wrote it (multi-document YAML). Anything that
 * does not read as one (a hand-broken file, another kind) contributes nothing: a value with no
 * previous seal is sealed afresh, which is always safe.
 */
export function readPreviousSeals(fileText: string | undefined): PreviousSeals {
  if (fileText === undefined || !fileText.includes(SEALED_SECRET_KIND)) return NO_PREVIOUS_SEALS;
  let documents: unknown[];
  try {
    documents = yaml.loadAll(fileText);
  } catch {
    return NO_PREVIOUS_SEALS; // unreadable: nothing to reuse, every value is sealed afresh
  }
  const seals = new Map<string, PreviousSeal>();
  for (const document of documents) {
    const seal = previousSealOf(document);
    if (seal) seals.set(seal.id, seal.seal);
  }
  return seals;
}

/** Previous seals from objects already in memory (the committer keeps them). */
export function previousSealsOf(objects: readonly unknown[]): PreviousSeals {
  const seals = new Map<string, PreviousSeal>();
  for (const object of objects) {
    const seal = previousSealOf(object);
    if (seal) seals.set(seal.id, seal.seal);
  }
  return seals;
}

function previousSealOf(document: unknown): { id: string; seal: PreviousSeal } | undefined {
  if (!isRecord(document) || document.apiVersion !== SEALED_SECRET_API_VERSION || document.kind !== SEALED_SECRET_KIND) return undefined;
  const metadata = isRecord(document.metadata) ? document.metadata : {};
  if (typeof metadata.name !== "string" || typeof metadata.namespace !== "string") return undefined;
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  const spec = isRecord(document.spec) ? document.spec : {};
  const fingerprint = annotations[SealingAnnotations.sealedWith];
  return {
    id: `${metadata.namespace}/${metadata.name}`,
    seal: {
      ...(typeof fingerprint === "string" ? { fingerprint } : {}),
      encryptedData: stringEntries(spec.encryptedData),
      tags: stringEntries(parseJson(annotations[SealingAnnotations.valueHmacs])),
    },
  };
}

function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // a broken tag list verifies nothing: those values are sealed afresh
  }
}

function stringEntries(value: unknown): Map<string, string> {
  const entries = new Map<string, string>();
  if (!isRecord(value)) return entries;
  for (const [key, item] of Object.entries(value)) if (typeof item === "string") entries.set(key, item);
  return entries;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
