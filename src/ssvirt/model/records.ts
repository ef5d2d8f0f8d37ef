/**
 * SSVirt's rows as this project reads them (table and column names exactly as SSVirt's GORM
 * models create them: schema/gorm_automigrate_postgres.sql in the reference). Plain data.
 * GORM reads a NULL into a Go zero value ("" / 0 / false); the queries do the same with coalesce.
 */
export interface OrganizationRecord {
  /** `organizations.id`, `urn:vcloud:org:<uuid>`. */
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly isEnabled: boolean;
  readonly deletedAt: Date | null;
}

export interface VdcRecord {
  /** `vdcs.id`, `urn:vcloud:vdc:<uuid>`. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly organizationId: string;
  readonly allocationModel: string;
  /** `cpu_limit` in `cpu_units` (`MHz` by default, `cores`, `millicores`). */
  readonly cpuLimit: number;
  readonly cpuUnits: string;
  /** `memory_limit` in `memory_units` (`MB` by default; SSVirt treats it as MiB). */
  readonly memoryLimit: number;
  readonly memoryUnits: string;
  readonly isEnabled: boolean;
  /** `vdcs.namespace`: chosen once by SSVirt when the row was created (never recomputed). */
  readonly namespace: string;
  readonly updatedAt: Date | null;
  /** Soft delete (GORM): set when the VDC was deleted. */
  readonly deletedAt: Date | null;
}

/** A VDC with its organization (absent when the row's organization does not exist). */
export interface VdcView {
  readonly vdc: VdcRecord;
  readonly organization: OrganizationRecord | undefined;
}
