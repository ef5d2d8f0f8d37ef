/**
 * Tenant namespaces this process has applied (their content follows from the name: the name is a
 * hash of the order namespace and the tenant). Every order of a tenant would otherwise apply the
 * same Namespace again, one request per reconcile. A namespace is forgotten when applying into it
 * fails (it may have been deleted), so the next attempt applies it again. Bounded by the number of
 * tenant namespaces.
 */
export class KnownNamespaces {
  private readonly names = new Set<string>();

  has(name: string): boolean {
    return this.names.has(name);
  }

  add(name: string): void {
    this.names.add(name);
  }

  forget(name: string): void {
    this.names.delete(name);
  }
}
