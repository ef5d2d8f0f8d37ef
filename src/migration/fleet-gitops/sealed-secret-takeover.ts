import type { LiveObject } from "../live-object.ts";
import type { OrderBackup } from "../fleet/backup.ts";

/**
 * The sealed-secrets controller updates (never re-creates) an existing Secret of its
 * SealedSecret's name only when the SealedSecret controls it or it carries this annotation
 * "true" (sealed-secrets v0.40.0, pkg/controller/controller.go `unseal`); otherwise it refuses
 * with "already exists and is not managed by SealedSecret" (ADR 0034).
 */
export const SEALED_SECRET_MANAGED = "sealedsecrets.bitnami.com/managed";

interface OwnerReference {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly controller?: boolean;
}

const ownerReferencesOf = (object: LiveObject) => (object.metadata.ownerReferences as OwnerReference[] | undefined) ?? [];
const isSealedSecretController = (owner: OwnerReference) => owner.kind === "SealedSecret" && (owner.apiVersion ?? "").startsWith("bitnami.com/") && owner.controller === true;

/** Whether a SealedSecret controls this object (the sealed-secrets controller took it over or made it). */
export function controlledBySealedSecret(object: LiveObject): boolean {
  return object.kind === "Secret" && ownerReferencesOf(object).some(isSealedSecretController);
}

/**
 * The order's live Secrets that Adopt marks `sealedsecrets.bitnami.com/managed: "true"`, so the
 * sealed-secrets controller takes each over when the order's SealedSecret appears: Secrets only,
 * not already controlled by a SealedSecret, not already marked. Pure.
 */
export function secretsToMarkManaged(children: readonly LiveObject[]): LiveObject[] {
  return children.filter((child) => child.kind === "Secret" && !controlledBySealedSecret(child) && child.metadata.annotations?.[SEALED_SECRET_MANAGED] !== "true");
}

/** One RFC 6902 operation. */
export type JsonPatchOperation = { readonly op: "test"; readonly path: string; readonly value: unknown } | { readonly op: "remove"; readonly path: string };

const pointerSegment = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * The JSON patch that releases a Secret from its SealedSecret before a rollback (ADR 0034): each
 * controlling SealedSecret ownerReference removed (else the garbage collector deletes the Secret
 * once Argo CD prunes the SealedSecret) and the managed mark removed (else the sealed-secrets
 * controller takes the Secret over again). Every removal is preceded by a `test` of what it
 * removes, so a concurrent change makes the patch fail instead of removing something else.
 * Undefined when there is nothing to release. Pure.
 */
export function sealedSecretRelease(secret: LiveObject): JsonPatchOperation[] | undefined {
  if (secret.kind !== "Secret") return undefined;
  const operations: JsonPatchOperation[] = [];
  const owners = ownerReferencesOf(secret);
  // Highest index first: removing one shifts the indexes after it.
  for (let index = owners.length - 1; index >= 0; index--) {
    if (!isSealedSecretController(owners[index]!)) continue;
    operations.push({ op: "test", path: `/metadata/ownerReferences/${index}`, value: owners[index] }, { op: "remove", path: `/metadata/ownerReferences/${index}` });
  }
  const managed = secret.metadata.annotations?.[SEALED_SECRET_MANAGED];
  if (managed !== undefined) {
    const path = `/metadata/annotations/${pointerSegment(SEALED_SECRET_MANAGED)}`;
    operations.push({ op: "test", path, value: managed }, { op: "remove", path });
  }
  return operations.length > 0 ? operations : undefined;
}

const describe = (object: LiveObject) => `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;

/**
 * Gitops Verify of the Secrets the sealed-secrets controller took over (ADR 0034): each one's
 * data must equal the backed-up Secret's (the SealedSecret decrypts to the values the role
 * wrote). Problems name the keys that differ, never a value. Pure.
 */
export function sealedSecretDataProblems(saved: OrderBackup, children: readonly LiveObject[]): string[] {
  const problems: string[] = [];
  for (const live of children) {
    if (!controlledBySealedSecret(live)) continue;
    const original = saved.objects.find((object) => object.kind === "Secret" && object.metadata.name === live.metadata.name && object.metadata.namespace === live.metadata.namespace);
    if (!original) continue;
    const before = (original.data ?? {}) as Record<string, string>;
    const after = (live.data ?? {}) as Record<string, string>;
    const differing = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => before[key] !== after[key]).sort();
    if (differing.length > 0) problems.push(`${saved.order}: ${describe(live)}'s data decrypted from its SealedSecret differs from the backup (keys: ${differing.join(", ")})`);
  }
  return problems;
}
