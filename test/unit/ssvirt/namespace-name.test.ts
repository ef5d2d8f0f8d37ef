// SSVirt's VDC namespace rule (models/vdc.go), checked against the expectations of SSVirt's own
// test/unit/vdc_namespace_test.go, re-expressed as data, plus the rule's edges read from the code.
import { describe, expect, it } from "vitest";
import { baseNamespaceName, isValidNamespaceName, uniqueNamespaceName } from "../../../src/ssvirt/model/namespace-name.ts";

/** A table of VDC rows as SSVirt's test creates them: each create sees the rows before it. */
interface Step {
  readonly action: "create" | "soft-delete";
  readonly vdc: string;
  /** The namespace SSVirt's test asserts for a create. */
  readonly expected?: string;
}

// TestVDCNamespaceUniqueness, organization "Test Organization", in the order the test runs.
const SSVIRT_TEST: readonly Step[] = [
  { action: "create", vdc: "Test VDC", expected: "vdc-testorganization-testvdc" },
  { action: "soft-delete", vdc: "Test VDC" },
  { action: "create", vdc: "Test VDC", expected: "vdc-testorganization-testvdc" },
  { action: "create", vdc: "Unique Test VDC", expected: "vdc-testorganization-uniquetestvdc" },
  { action: "create", vdc: "Unique Test VDC", expected: "vdc-testorganization-uniquetestvdc-1" },
];

describe("VDC namespace names", () => {
  it("GIVEN SSVirt's own test sequence WHEN each VDC is created against the rows before it THEN it gets the namespace SSVirt's test expects", () => {
    const rows: { vdc: string; namespace: string; deleted: boolean }[] = [];
    for (const step of SSVIRT_TEST) {
      if (step.action === "soft-delete") {
        const row = rows.find((candidate) => candidate.vdc === step.vdc && !candidate.deleted)!;
        row.deleted = true;
        continue;
      }
      const namespace = uniqueNamespaceName("Test Organization", step.vdc, (name) => rows.some((row) => !row.deleted && row.namespace === name));
      expect(namespace).toBe(step.expected);
      rows.push({ vdc: step.vdc, namespace: namespace!, deleted: false });
    }
  });

  const BASE: [string, string, string][] = [
    ["Test Organization", "Test VDC", "vdc-testorganization-testvdc"],
    ["ACME_Corp", "Prod_Env", "vdc-acme-corp-prod-env"],
    ["--Org--", "--", "vdc-org-default"],
    ["!!!", "Ünïcode Ω", "vdc-default-ncode"],
    ["a".repeat(40), "b".repeat(40), `vdc-${"a".repeat(40)}-${"b".repeat(14)}`],
    ["a".repeat(54), "x", `vdc-${"a".repeat(54)}`],
  ];
  it.each(BASE)("GIVEN organization %j and VDC %j THEN the base name is %j", (organization, vdc, expected) => {
    const name = baseNamespaceName(organization, vdc);
    expect(name).toBe(expected);
    expect(name.length).toBeLessThanOrEqual(59);
    expect(isValidNamespaceName(name)).toBe(true);
  });

  it("GIVEN every suffix up to -999 taken THEN there is no name (SSVirt refuses the VDC)", () => {
    expect(uniqueNamespaceName("o", "v", () => true)).toBeUndefined();
    expect(uniqueNamespaceName("o", "v", (name) => name !== "vdc-o-v-999")).toBe("vdc-o-v-999");
  });

  it.each([
    ["vdc-a-b", true],
    ["Vdc-a", false],
    ["-a", false],
    ["a".repeat(64), false],
    ["", false],
  ] as const)("GIVEN a stored namespace %j THEN it is valid: %s", (name, valid) => {
    expect(isValidNamespaceName(name)).toBe(valid);
  });
});
