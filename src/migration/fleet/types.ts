import type { Condition } from "../../api/v1alpha1/types.ts";

/** `gitops.cloudkit.openshift.io/v1alpha1` FleetMigration (crds/gitops.cloudkit.openshift.io_fleetmigrations.yaml). */
export const FLEET_MIGRATION_API_VERSION = "gitops.cloudkit.openshift.io/v1alpha1";
export const FLEET_MIGRATION_KIND = "FleetMigration";
export const FLEET_MIGRATION_PLURAL = "fleetmigrations";

export type TargetMode = "controller" | "gitops";
export type ApprovalMode = "Automatic" | "Manual";

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; readonly values?: readonly string[] }[];
}

/** The spec after the CRD's defaults (the API server applies them on every write). */
export interface FleetMigrationSpec {
  readonly orderSelector: LabelSelector;
  readonly percentage: number;
  readonly targetMode: TargetMode;
  readonly batchSize: number;
  readonly approvalMode: ApprovalMode;
  readonly paused: boolean;
  readonly rollbackOnFailure: boolean;
  readonly approvedBatches?: readonly number[];
  readonly rollbackToBatch?: number;
}

export type Phase = "Pending" | "AwaitingApproval" | "Migrating" | "Paused" | "Succeeded" | "Failed" | "RollingBack" | "RolledBack";

export type BatchState = "Pending" | "AwaitingApproval" | "BackedUp" | "Adopting" | "Verified" | "Failed" | "RollingBack" | "RolledBack";

export interface BatchStatus {
  /** 1-based. */
  readonly index: number;
  /** Order names (the FleetMigration's namespace), in adoption order. */
  readonly orders: readonly string[];
  readonly state: BatchState;
  readonly backupSecret?: string;
  /** Orders adopted so far, in order. */
  readonly adopted?: readonly string[];
  /** Orders rolled back so far (during a rollback of this batch). */
  readonly rolledBack?: readonly string[];
  readonly approvedAt?: string;
  readonly verifiedAt?: string;
  readonly message?: string;
}

export interface RefusedOrder {
  readonly name: string;
  /** RestartPredicted, InvalidOrder, MissingObject, ExtraObject, UnknownOrigin. */
  readonly reason: string;
  readonly message: string;
}

export interface FleetMigrationStatus {
  readonly observedGeneration?: number;
  readonly phase?: Phase;
  readonly currentBatch?: number;
  readonly total?: number;
  readonly adopted?: number;
  readonly skipped?: number;
  readonly refused?: readonly RefusedOrder[];
  readonly rollback?: { readonly toBatch: number; readonly reason: string };
  readonly batches?: readonly BatchStatus[];
  readonly conditions?: readonly Condition[];
}

export interface FleetMigration {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: { readonly name: string; readonly namespace: string; readonly uid?: string; readonly generation?: number; readonly resourceVersion?: string };
  readonly spec: FleetMigrationSpec;
  readonly status?: FleetMigrationStatus;
}

/** The conditions, in the order the steps run. */
export const CONDITION_ORDER = ["Preflight", "Backup", "Adopt", "Verify", "RolledBack"] as const;
export type ConditionType = (typeof CONDITION_ORDER)[number];
