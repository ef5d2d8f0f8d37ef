/**
 * Where rendered objects go under `--out` (docs/adr/0004-output-layout.md): one directory per
 * tenant namespace, one file per order holding all its objects, and the Namespace object in
 * `_namespace.yaml` (an order name cannot start with `_`, so the names never collide).
 */
export const NAMESPACE_FILE = "_namespace.yaml";
export const FILE_EXTENSION = ".yaml";

export function orderFilePath(tenantNamespace: string, orderName: string): string {
  return `${tenantNamespace}/${orderName}${FILE_EXTENSION}`;
}

export function namespaceFilePath(tenantNamespace: string): string {
  return `${tenantNamespace}/${NAMESPACE_FILE}`;
}

const OWNED_PATH = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/(_namespace|[a-z]([-a-z0-9]*[a-z0-9])?)\.yaml$/;

/** Whether a relative path could be one of ours (the header decides whether it is). */
export function isLayoutPath(relativePath: string): boolean {
  return OWNED_PATH.test(relativePath);
}

/** Whether a layout path holds an order (as opposed to a tenant's `_namespace.yaml`). */
export function isOrderFilePath(relativePath: string): boolean {
  return isLayoutPath(relativePath) && !relativePath.endsWith(`/${NAMESPACE_FILE}`);
}
