import { randomUUID } from "node:crypto";
import type { SqlSession } from "../../platform/database/sql-session.ts";
import { uniqueNamespaceName } from "../model/namespace-name.ts";
import { UrnPrefix, newUrn } from "../model/urn.ts";

export interface NewVdc {
  readonly organization: string;
  readonly name: string;
  readonly description?: string;
  readonly allocationModel?: "PayAsYouGo" | "AllocationPool" | "ReservationPool" | "Flex";
  readonly cpuLimit?: number;
  readonly cpuUnits?: string;
  readonly memoryLimit?: number;
  readonly enabled?: boolean;
}

export interface InsertedVdc {
  readonly id: string;
  readonly organizationId: string;
  readonly namespace: string;
}

/** No namespace is left for the VDC (SSVirt's rule tried `-1` … `-999`). */
export class NamespaceExhaustedError extends Error {
  override readonly name = "NamespaceExhaustedError";
}

/**
 * Adds a VDC to the embedded database the way SSVirt's API creates one (for local use: SSVirt's
 * own database gets its VDCs from SSVirt). In one transaction: the organization, when none has that
 * name; then the VDC with its namespace chosen by SSVirt's rule against the VDCs that are not
 * deleted (`BeforeCreate`).
 */
export function insertVdc(session: SqlSession, input: NewVdc): Promise<InsertedVdc> {
  return session.transaction(async (tx) => {
    // Serialises namespace choice with any other writer of this database.
    await tx.query("LOCK TABLE vdcs IN SHARE ROW EXCLUSIVE MODE");
    const [existing] = await tx.query<{ id: string }>("SELECT id FROM organizations WHERE name = $1 AND deleted_at IS NULL", [input.organization]);
    const organizationId = existing?.id ?? newUrn(UrnPrefix.organization, randomUUID());
    if (!existing) {
      await tx.query(
        "INSERT INTO organizations (id, name, display_name, description, is_enabled, can_manage_orgs, can_publish, masked_event_task_username, created_at, updated_at) VALUES ($1, $2, $2, '', true, false, false, '', now(), now())",
        [organizationId, input.organization],
      );
    }
    const taken = new Set((await tx.query<{ namespace: string }>("SELECT namespace FROM vdcs WHERE deleted_at IS NULL AND namespace IS NOT NULL")).map((row) => row.namespace));
    const namespace = uniqueNamespaceName(input.organization, input.name, (name) => taken.has(name));
    if (namespace === undefined) throw new NamespaceExhaustedError(`no namespace is left for VDC ${JSON.stringify(input.name)} of organization ${JSON.stringify(input.organization)}: SSVirt's rule tried -1 … -999`);
    const id = newUrn(UrnPrefix.vdc, randomUUID());
    await tx.query(
      `INSERT INTO vdcs (id, name, description, organization_id, allocation_model, cpu_allocated, cpu_limit, cpu_units, memory_allocated, memory_limit, memory_units,
                         provider_vdc_id, provider_vdc_name, nic_quota, network_quota, is_thin_provision, is_enabled, namespace, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 0, $6, $7, 0, $8, 'MB', '', '', 100, 50, false, $9, $10, now(), now())`,
      [id, input.name, input.description ?? "", organizationId, input.allocationModel ?? "PayAsYouGo", input.cpuLimit ?? 0, input.cpuUnits ?? "MHz", input.memoryLimit ?? 0, input.enabled ?? true, namespace],
    );
    return { id, organizationId, namespace };
  });
}
