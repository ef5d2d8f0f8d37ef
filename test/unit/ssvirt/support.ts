import type { OrganizationRecord, VdcRecord, VdcView } from "../../../src/ssvirt/model/records.ts";

export const ORG_ID = "urn:vcloud:org:11111111-2222-3333-4444-555555555555";
export const VDC_ID = "urn:vcloud:vdc:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

export function organization(overrides: Partial<OrganizationRecord> = {}): OrganizationRecord {
  return { id: ORG_ID, name: "Test Organization", displayName: "Test Organization Full Name", description: "Org for tests", isEnabled: true, deletedAt: null, ...overrides };
}

export function vdc(overrides: Partial<VdcRecord> = {}): VdcRecord {
  return {
    id: VDC_ID,
    name: "Test VDC",
    description: "First VDC",
    organizationId: ORG_ID,
    allocationModel: "PayAsYouGo",
    cpuLimit: 0,
    cpuUnits: "MHz",
    memoryLimit: 0,
    memoryUnits: "MB",
    isEnabled: true,
    namespace: "vdc-testorganization-testvdc",
    updatedAt: new Date("2025-08-18T10:00:00Z"),
    deletedAt: null,
    ...overrides,
  };
}

export function view(vdcOverrides: Partial<VdcRecord> = {}, organizationOverrides: Partial<OrganizationRecord> = {}): VdcView {
  return { vdc: vdc(vdcOverrides), organization: organization(organizationOverrides) };
}
