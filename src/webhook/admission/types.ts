import type { TemplateCatalog } from "../../domain/catalog-order/index.ts";
import type { HubCandidate } from "../../domain/placement/place.ts";
import type { ManagedByPolicy } from "../../domain/rollout.ts";
import type { HubReservation } from "../../hubs/allocation-tally.ts";
import type { QuotaSource } from "../quota/quota-source.ts";

export type { ManagedByPolicy } from "../../domain/rollout.ts";

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

/** The `request` of an `admission.k8s.io/v1` AdmissionReview, as kube-apiserver sends it. */
export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: GroupVersionKind;
  readonly resource: GroupVersionResource;
  /** e.g. `status`; absent for the main resource. */
  readonly subResource?: string;
  readonly operation: "CREATE" | "UPDATE" | "DELETE" | "CONNECT";
  readonly namespace?: string;
  /** Empty on a `generateName` create. */
  readonly name?: string;
  readonly object?: unknown;
  readonly oldObject?: unknown;
  readonly dryRun?: boolean;
  readonly userInfo?: { readonly username?: string };
}

/** The cluster's StorageClasses as the webhook sees them (an informer's cache, or nothing). */
export interface StorageClassView {
  /** The class to default to and warnings about how it was chosen, or undefined when there is none. */
  defaultClass(): { readonly name: string; readonly warnings: readonly string[] } | undefined;
  /** Whether a class of this name exists; undefined when unknown (no cluster access). */
  exists(name: string): boolean | undefined;
}

/** The hub registry as admission sees it (a watched cache, docs/adr/0024-hub-registry-and-placement.md). */
export interface HubRegistryView {
  /** The Hub and order watches have listed at least once. */
  readonly synced: boolean;
  /** Every registered hub with what is allocated on it now (watched orders plus recent placements). */
  candidates(): readonly HubCandidate[];
}

export interface AdmissionDeps {
  readonly storageClasses: StorageClassView;
  readonly managedBy: ManagedByPolicy;
  /** `CLOUDKIT_VM_OPERATIONS_STORAGE_CLASS`: wins over the cluster's default StorageClass. */
  readonly envStorageClass?: string;
  /** `OSAC_VM_DEFAULT_IMAGE_SOURCE`: a pinned image written into new orders that name none. */
  readonly imageSourceDefault?: string;
  /**
   * The label the DataVolume webhook's namespaceSelector matches (`cloudkit.openshift.io/tenant-namespace`).
   * Not read by the decisions: the API server selects the namespaces before calling them.
   */
  readonly tenantNamespaceLabel?: string;
  /** The catalog templates orders may name (ADR 28); absent: none. */
  readonly catalog?: () => TemplateCatalog;
  /** ResourceQuotas and what namespaces hold (ADR 29); absent: quotas are not checked. */
  readonly quota?: QuotaSource;
  /**
   * Set when hub placement is on (OSAC_VM_HUB_REGISTRY=on): new orders are placed on a hub.
   * Absent: today's single-cluster mode, nothing is placed.
   */
  readonly hubs?: HubRegistryView;
}

/** One RFC 6902 operation; paths are RFC 6901 pointers into the raw incoming object. */
export interface JsonPatchOperation {
  readonly op: "add" | "replace" | "remove" | "test";
  readonly path: string;
  readonly value?: unknown;
}

export interface AdmissionStatus {
  readonly code: number;
  /** A Kubernetes `StatusReason`: `Invalid`, `BadRequest`. */
  readonly reason: string;
  /** What kubectl prints after "admission webhook ... denied the request: ". */
  readonly message: string;
}

export interface AdmissionDecision {
  readonly allowed: boolean;
  /** Absent when nothing changes (never an empty list). */
  readonly patch?: readonly JsonPatchOperation[];
  /** Each at most 120 characters. */
  readonly warnings: readonly string[];
  /** Present exactly when `allowed` is false. */
  readonly status?: AdmissionStatus;
  /**
   * A placement to count until the order shows up in the watch. The decision stays pure: the
   * server records it, and only when the request is not a dry run.
   */
  readonly reservation?: HubReservation;
}

/** `(request, deps) → decision`: pure, no I/O, the same answer on every call (dryRun included). */
export type AdmissionDecider = (request: AdmissionRequest, deps: AdmissionDeps) => AdmissionDecision;
