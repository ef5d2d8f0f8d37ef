/**
 * The library API of the osac-vm-gitops npm package (package.json `exports`): what a cdk8s app or
 * a script needs to turn orders into the KubeVirt objects `osac-vm render` writes. Everything
 * exported here follows semver (CHANGELOG.md); nothing else in the package does (ADR 16).
 */
export { VmOrder, type VmOrderProps } from "../render/constructs/vm-order.ts";
export { TenantNamespace, type TenantNamespaceProps } from "../render/constructs/tenant-namespace.ts";
export { renderOrder, renderTenantNamespace, type KubeObject, type TenantNamespaceInput } from "../render/render-order.ts";
export { renderTree, type RenderTreeRequest, type RenderTreeResult } from "../render/render-tree.ts";
export { DEFAULT_PROFILE, PROFILES, isProfile, type Profile, type RenderOptions } from "../render/profile.ts";
export { validateOrder, type Order } from "../domain/order.ts";
export { formatFieldError, type FieldError, type Validation } from "../domain/field-error.ts";
export { templateCatalog, type ParameterSpec, type TemplateDescription } from "../domain/templates/index.ts";
export { API_VERSION, type VirtualMachine, type VirtualMachineSpec, type VirtualMachineStatus } from "../api/v1alpha1/types.ts";
export { InvalidOrderError, parseOrder } from "./parse-order.ts";
export { buildInfo, type BuildInfo } from "../platform/build-info.ts";
