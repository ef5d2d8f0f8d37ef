/**
 * Where a VDC's objects go in the GitOps tree: `<out>/<namespace>/_vdc.yaml`, beside whatever else
 * is rendered into that namespace. The orders' renderer owns `_namespace.yaml` and `<order>.yaml`
 * and never matches `_vdc.yaml`, and this one owns only `_vdc.yaml`: both can write one tree.
 */
export const VDC_FILE = "_vdc.yaml";
const VDC_PATH = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/_vdc\.yaml$/;

export function vdcFilePath(namespace: string): string {
  return `${namespace}/${VDC_FILE}`;
}

export function isVdcFilePath(relativePath: string): boolean {
  return VDC_PATH.test(relativePath);
}

export function namespaceOfVdcPath(relativePath: string): string {
  return relativePath.slice(0, relativePath.indexOf("/"));
}
