// The chart renders the order CRD from its own copy (Helm cannot read outside the chart
// directory): the copy must stay byte-identical to crds/, the single source.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const REPO = join(import.meta.dirname, "../../..");
const CRD_FILES = ["cloudkit.openshift.io_virtualmachines.yaml", "gitops.cloudkit.openshift.io_hubs.yaml", "gitops.cloudkit.openshift.io_fleetmigrations.yaml"];

describe("the chart's copies of the CRDs", () => {
  it.each(CRD_FILES)("GIVEN crds/%s and the chart THEN the chart's copy is byte-identical", (file) => {
    const SOURCE = `crds/${file}`;
    const COPY = `charts/osac-vm-gitops/files/crds/${file}`;
    const source = readFileSync(join(REPO, SOURCE));
    const copy = readFileSync(join(REPO, COPY));
    if (!source.equals(copy)) {
      throw new Error(`${COPY} differs from ${SOURCE}. The CRD is edited in crds/ only; refresh the chart's copy with:\n  cp ${SOURCE} ${COPY}`);
    }
    expect(copy.equals(source)).toBe(true);
  });

  it("GIVEN .helmignore THEN it does not exclude the copy or the dashboard", () => {
    const ignored = readFileSync(join(REPO, "charts/osac-vm-gitops/.helmignore"), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#"));
    for (const pattern of ignored) expect(["files/", "files", "*.yaml", "*.json"]).not.toContain(pattern);
  });
});
