/** A Kubernetes object as the API server returns it (plain JSON). */
export interface LiveObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly deletionTimestamp?: string;
    readonly [key: string]: unknown;
  };
  readonly spec?: any;
  readonly status?: any;
  readonly [key: string]: unknown;
}

/** The identity of a child: what `diff --live` matches live and rendered objects by. */
export interface ObjectReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export function referenceOf(object: { apiVersion?: string; kind?: string; metadata: { name?: string; namespace?: string } }): ObjectReference {
  return { apiVersion: object.apiVersion ?? "", kind: object.kind ?? "", namespace: object.metadata.namespace ?? "", name: object.metadata.name ?? "" };
}

/** `kind/name` within one namespace: API versions of one kind are the same object. */
export function objectKey(reference: { kind: string; name: string }): string {
  return `${reference.kind}/${reference.name}`;
}
