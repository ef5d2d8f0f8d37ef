// Property: a rendered child, changed the way the API server, KubeVirt, CDI and the other
// controllers change it (every entry of IGNORED_FIELDS that applies), compares identical to
// itself; a change outside the table never does.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareValues } from "../../../src/migration/compare/compare-values.ts";
import { formatPath } from "../../../src/migration/compare/field-path.ts";
import { EACH, IGNORED_FIELDS, ignoredFieldsFor, type IgnoredField } from "../../../src/migration/compare/ignored-fields.ts";
import { normalizePair } from "../../../src/migration/compare/normalize.ts";
import { expectedChildren } from "../../../src/migration/diff/expected-children.ts";
import { withServerBookkeeping } from "../../support/live-children.ts";
import { PARITY_SSH_KEY, validOrder } from "../../support/orders.ts";

type Json = Record<string, any>;

/** Writes an entry's example wherever the table says its writer does. */
function applyEntry(entry: IgnoredField, live: Json, rendered: Json): void {
  const visit = (node: any, renderedNode: any, index: number): void => {
    const segment = entry.path[index]!;
    const last = index === entry.path.length - 1;
    if (segment === EACH) {
      if (last) {
        if (entry.rule === "owned") (Array.isArray(node) ? node : []).push(structuredClone(entry.example));
        return;
      }
      if (Array.isArray(node)) node.forEach((item, position) => visit(item, renderedNode?.[position], index + 1));
      return;
    }
    if (last) {
      const renderedValue = renderedNode?.[segment];
      if (entry.rule === "owned") node[segment] = structuredClone(entry.example);
      else if (entry.rule === "defaulted" && renderedValue === undefined) node[segment] = structuredClone(entry.example);
      else if (entry.rule === "equivalent-quantity" && typeof renderedValue === "string") node[segment] = equivalentQuantity(renderedValue);
      return;
    }
    if (entry.path[index + 1] === EACH && entry.path.length === index + 2 && entry.rule === "owned") node[segment] ??= [];
    else if (node[segment] === undefined) node[segment] = {};
    visit(node[segment], renderedNode?.[segment], index + 1);
  };
  visit(live, rendered, 0);
}

function equivalentQuantity(text: string): string {
  const match = /^(\d+)(Gi|Mi)$/.exec(text);
  if (!match) return text;
  return `${Number(match[1]) * 1024}${match[2] === "Gi" ? "Mi" : "Ki"}`;
}

const orderArbitrary = fc.record({
  name: fc.stringMatching(/^vm-[a-z0-9]{1,10}$/),
  cpu: fc.integer({ min: 1, max: 128 }),
  memory: fc.constantFrom("1Gi", "2Gi", "4Gi", "6Gi", "512Mi"),
  disk: fc.constantFrom("10Gi", "20Gi", "100Gi"),
  ports: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 4 }),
  ssh: fc.boolean(),
  storageClass: fc.option(fc.constantFrom("standard", "fast-ssd"), { nil: undefined }),
  uuid: fc.option(fc.uuid(), { nil: undefined }),
  profile: fc.constantFrom("gitops" as const, "aap-parity" as const),
});

describe("IGNORED_FIELDS", () => {
  it("GIVEN any rendered child WHEN every ignored field is written as its writer does THEN it compares identical", () => {
    fc.assert(
      fc.property(orderArbitrary, (input) => {
        const order = validOrder(
          {
            cpu_cores: String(input.cpu),
            memory: input.memory,
            disk_size: input.disk,
            exposed_ports: input.ports.map((port) => `${port}/tcp`).join(","),
            ...(input.ssh ? { ssh_public_key: PARITY_SSH_KEY } : {}),
            ...(input.storageClass ? { storage_class: input.storageClass } : {}),
          },
          { name: input.name, ...(input.uuid ? { uuid: input.uuid } : {}) },
        );
        for (const rendered of expectedChildren(order, input.profile, "standard") as Json[]) {
          const live = withServerBookkeeping(rendered);
          for (const entry of ignoredFieldsFor(rendered.kind)) applyEntry(entry, live, rendered);
          const pair = normalizePair(rendered.kind, live, rendered);
          expect(compareValues(pair.live, pair.rendered)).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("GIVEN a rendered child WHEN a label outside the table changes THEN it differs", () => {
    fc.assert(
      fc.property(orderArbitrary, fc.stringMatching(/^[a-z]{1,8}$/), (input, value) => {
        const order = validOrder({ cpu_cores: String(input.cpu) }, { name: input.name });
        for (const rendered of expectedChildren(order, input.profile, "standard") as Json[]) {
          const live = withServerBookkeeping(rendered);
          for (const entry of ignoredFieldsFor(rendered.kind)) applyEntry(entry, live, rendered);
          live.metadata.labels = { ...live.metadata.labels, "team.example.com/owner": value };
          const pair = normalizePair(rendered.kind, live, rendered);
          expect(compareValues(pair.live, pair.rendered)).toEqual([{ path: ["metadata", "labels", "team.example.com/owner"], live: value, rendered: undefined }]);
        }
      }),
      { numRuns: 50 },
    );
  });

  it("every entry's example is what the entry applies to", () => {
    for (const entry of IGNORED_FIELDS) {
      if (entry.applies) expect(entry.applies(entry.example), formatPath(entry.path)).toBe(true);
    }
  });

  it("GIVEN the ADR's table THEN it lists every entry of the module (one documented place)", () => {
    const adr = readFileSync(join(import.meta.dirname, "../../../docs/adr/0027-live-parity-diff.md"), "utf8");
    for (const entry of IGNORED_FIELDS) {
      const shown = entry.path.map((segment) => (segment === EACH ? "[*]" : segment)).join(".").replaceAll(".[*]", "[*]");
      expect(adr, `docs/adr/0027 lacks ${shown}`).toContain(`\`${shown}\``);
    }
  });
});
