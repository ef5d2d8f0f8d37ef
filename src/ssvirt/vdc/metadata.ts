import { sanitizeLabelValue } from "../model/label-value.ts";
import type { VdcView } from "../model/records.ts";
import { uuidOfUrn } from "../model/urn.ts";

/** Labels and annotations SSVirt puts on VDC namespaces and their objects (services/kubernetes.go). */
export const SsvirtLabels = {
  organization: "ssvirt.io/organization",
  organizationId: "ssvirt.io/organization-id",
  vdc: "ssvirt.io/vdc",
  vdcId: "ssvirt.io/vdc-id",
  managedBy: "app.kubernetes.io/managed-by",
  component: "app.kubernetes.io/component",
} as const;

export const SsvirtAnnotations = {
  organizationDisplayName: "ssvirt.io/organization-display-name",
  organizationDescription: "ssvirt.io/organization-description",
  organizationUrn: "ssvirt.io/organization-urn",
  vdcDescription: "ssvirt.io/vdc-description",
  vdcUrn: "ssvirt.io/vdc-urn",
  createdBy: "ssvirt.io/created-by",
} as const;

/** `app.kubernetes.io/managed-by` on everything SSVirt's VDC integration owns (kept as SSVirt spells it). */
export const MANAGED_BY_SSVIRT = "ssvirt";
/**
 * `ssvirt.io/created-by`: SSVirt writes `ssvirt-api-server`; here the objects are written by this
 * project, so the annotation says so (docs/adr/0022).
 */
export const CREATED_BY = "osac-vm-gitops";
/** Argo CD applies the VDC's objects before anything that lands in the namespace. */
export const SYNC_WAVE_ANNOTATION = "argocd.argoproj.io/sync-wave";
export const VDC_SYNC_WAVE = "-1";

export type Component = "vdc" | "resource-quota" | "limit-range" | "network-policy";

/** The labels of the VDC's Namespace: organization and VDC (sanitised) plus ownership. */
export function namespaceLabels(view: VdcView): Record<string, string> {
  return {
    [SsvirtLabels.organization]: sanitizeLabelValue(view.organization?.name ?? ""),
    [SsvirtLabels.organizationId]: sanitizeLabelValue(uuidOfUrn(view.vdc.organizationId)),
    [SsvirtLabels.vdc]: sanitizeLabelValue(view.vdc.name),
    [SsvirtLabels.vdcId]: sanitizeLabelValue(uuidOfUrn(view.vdc.id)),
    [SsvirtLabels.managedBy]: MANAGED_BY_SSVIRT,
    [SsvirtLabels.component]: "vdc",
  };
}

export function namespaceAnnotations(view: VdcView): Record<string, string> {
  return {
    [SsvirtAnnotations.organizationDisplayName]: view.organization?.displayName ?? "",
    [SsvirtAnnotations.organizationDescription]: view.organization?.description ?? "",
    [SsvirtAnnotations.organizationUrn]: view.vdc.organizationId,
    [SsvirtAnnotations.vdcDescription]: view.vdc.description,
    [SsvirtAnnotations.vdcUrn]: view.vdc.id,
    [SsvirtAnnotations.createdBy]: CREATED_BY,
    [SYNC_WAVE_ANNOTATION]: VDC_SYNC_WAVE,
  };
}

/** Labels of the objects inside the namespace (SSVirt's ResourceQuota labels, by component). */
export function objectLabels(view: VdcView, component: Component): Record<string, string> {
  return {
    [SsvirtLabels.vdc]: sanitizeLabelValue(view.vdc.name),
    [SsvirtLabels.vdcId]: sanitizeLabelValue(uuidOfUrn(view.vdc.id)),
    [SsvirtLabels.managedBy]: MANAGED_BY_SSVIRT,
    [SsvirtLabels.component]: component,
  };
}

export function objectAnnotations(view: VdcView): Record<string, string> {
  return {
    [SsvirtAnnotations.vdcUrn]: view.vdc.id,
    [SsvirtAnnotations.vdcDescription]: view.vdc.description,
    [SsvirtAnnotations.createdBy]: CREATED_BY,
    [SYNC_WAVE_ANNOTATION]: VDC_SYNC_WAVE,
  };
}
