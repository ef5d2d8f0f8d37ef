import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateOrder } from "../../../src/domain/order.ts";
import { effectiveOf, effectiveParameters } from "../../../src/webhook/admission/effective-parameters.ts";
import { orderDocument } from "../../support/orders.ts";

const value = fc.oneof(
  fc.constantFrom("quay.io/containerdisks/fedora:41", "registry.example.com/img@sha256:" + "a".repeat(64), "10Gi", "40Gi", "1.5Ti", "fast-ssd", "standard", "4", "22/tcp"),
  fc.constantFrom("", "-1Gi", "Bad_Class", "not an image ref", "ten"),
  fc.integer({ min: -2, max: 200 }),
  fc.constant(null),
  fc.boolean(),
);
const parameters = fc.dictionary(fc.constantFrom("image_source", "disk_size", "storage_class", "cpu_cores", "memory", "exposed_ports", "bogus"), value, { maxKeys: 7 });

describe("effectiveParameters and effectiveOf", () => {
  it("GIVEN a valid order WHEN read from its validated parameters THEN it equals the per-parameter reading of its text", () => {
    fc.assert(
      fc.property(parameters, (given) => {
        const document = orderDocument(given);
        const validated = validateOrder(document);
        fc.pre(validated.value !== undefined);
        expect(effectiveOf(validated.value!.parameters)).toStrictEqual(effectiveParameters(document));
      }),
      { numRuns: 2_000 },
    );
  });

  it("GIVEN one invalid parameter WHEN read THEN only that parameter is unknown and the others keep their values or defaults", () => {
    expect(effectiveParameters(orderDocument({ disk_size: "-1Gi", image_source: "quay.io/a/b:1", storage_class: "fast-ssd" }))).toStrictEqual({
      imageSource: "quay.io/a/b:1",
      storageClass: { name: "fast-ssd" },
    });
    expect(effectiveParameters(orderDocument({ storage_class: "Bad_Class" }))).toStrictEqual({
      imageSource: "quay.io/containerdisks/fedora:latest",
      diskSize: "10Gi",
    });
    expect(effectiveParameters(orderDocument({ cpu_cores: "many" }))).toStrictEqual({
      imageSource: "quay.io/containerdisks/fedora:latest",
      diskSize: "10Gi",
      storageClass: {},
    });
  });

  it("GIVEN unreadable parameters or an unknown template WHEN read THEN nothing can be told", () => {
    expect(effectiveParameters(orderDocument("{oops"))).toStrictEqual({});
    expect(effectiveParameters({ ...orderDocument({}), spec: { templateID: "acme.templates.db", templateParameters: "{}" } })).toStrictEqual({});
  });
});
