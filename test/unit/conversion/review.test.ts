import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConversionAnnotations } from "../../../src/api/conversion/index.ts";
import { reviewConversion } from "../../../src/webhook/conversion/review.ts";

const V1ALPHA1 = "cloudkit.openshift.io/v1alpha1";
const V1BETA1 = "cloudkit.openshift.io/v1beta1";
const UID = "705ab4f5-6393-11e8-b7cc-42010a800002";

type Json = Record<string, any>;

function order(name: string, templateParameters: string | undefined, apiVersion = V1ALPHA1): Json {
  return {
    apiVersion,
    kind: "VirtualMachine",
    metadata: {
      name,
      namespace: "cloudkit-vm-orders",
      uid: `uid-${name}`,
      resourceVersion: "1200",
      generation: 1,
      creationTimestamp: "2026-01-06T10:00:00Z",
      annotations: { "cloudkit.openshift.io/tenant": "my-tenant" },
    },
    spec: { templateID: "cloudkit.templates.ocp_virt_vm", ...(templateParameters === undefined ? {} : { templateParameters }) },
    status: { phase: "Progressing", desiredConfigVersion: "0123456789abcdef" },
  };
}

/** A ConversionReview exactly as kube-apiserver POSTs it (apiextensions.k8s.io/v1). */
function review(desiredAPIVersion: string, objects: unknown[]): Json {
  return { kind: "ConversionReview", apiVersion: "apiextensions.k8s.io/v1", request: { uid: UID, desiredAPIVersion, objects } };
}

describe("reviewConversion: a well-formed ConversionReview", () => {
  it("GIVEN three stored orders WHEN a LIST asks for v1beta1 THEN all convert, in order, and the uid is echoed", () => {
    const objects = [order("vm-a", '{"cpu_cores":"4","memory":"4Gi"}'), order("vm-b", "not json"), order("vm-c", undefined)];
    const answer = reviewConversion(review(V1BETA1, objects));
    expect(answer.status).toBe(200);
    expect(answer.convertedCount).toBe(3);
    const body = answer.body as Json;
    expect(body.apiVersion).toBe("apiextensions.k8s.io/v1");
    expect(body.kind).toBe("ConversionReview");
    expect(body.response.uid).toBe(UID);
    expect(body.response.result).toStrictEqual({ status: "Success" });
    expect(body.response.convertedObjects.map((o: Json) => [o.apiVersion, o.metadata.name])).toStrictEqual([
      [V1BETA1, "vm-a"],
      [V1BETA1, "vm-b"],
      [V1BETA1, "vm-c"],
    ]);
    expect(body.response.convertedObjects[0].spec.virtualMachine).toStrictEqual({ cpuCores: 4, memory: "4Gi" });
    expect(body.response.convertedObjects[1].metadata.annotations[ConversionAnnotations.v1alpha1TemplateParameters]).toBe("not json");
    expect(body.response.convertedObjects[2].spec).toStrictEqual({ templateID: "cloudkit.templates.ocp_virt_vm" });
  });

  it("GIVEN the answer sent over the wire WHEN reviewed back to v1alpha1 THEN the API server gets its objects back", () => {
    const objects = [order("vm-a", '{ "memory":"4Gi", "cpu_cores":4 }'), order("vm-b", "{}")];
    const toBeta = JSON.parse(JSON.stringify(reviewConversion(review(V1BETA1, objects)).body)) as Json;
    const back = reviewConversion(review(V1ALPHA1, toBeta.response.convertedObjects)).body as Json;
    expect(back.response.convertedObjects).toStrictEqual(objects);
  });

  it("GIVEN no objects WHEN reviewed THEN the answer is Success with an empty list and no count", () => {
    const answer = reviewConversion(review(V1BETA1, []));
    expect(answer).toStrictEqual({
      status: 200,
      body: { apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview", response: { uid: UID, convertedObjects: [], result: { status: "Success" } } },
    });
  });

  it("GIVEN a v1beta1 ConversionReview WHEN reviewed THEN the answer has the same apiVersion", () => {
    const body = { ...review(V1BETA1, [order("vm-a", "{}")]), apiVersion: "apiextensions.k8s.io/v1beta1" };
    expect((reviewConversion(body).body as Json).apiVersion).toBe("apiextensions.k8s.io/v1beta1");
  });
});

describe("reviewConversion: an object that cannot be converted", () => {
  it("GIVEN one object of an unknown version among good ones WHEN reviewed THEN the review fails with HTTP 200 and a message naming it", () => {
    const objects = [order("vm-a", "{}"), order("vm-b", "{}", "cloudkit.openshift.io/v2"), order("vm-c", "{}")];
    const answer = reviewConversion(review(V1BETA1, objects));
    expect(answer.status).toBe(200);
    expect(answer.convertedCount).toBeUndefined();
    const response = (answer.body as Json).response;
    expect(response.uid).toBe(UID);
    expect(response.convertedObjects).toBeUndefined();
    expect(response.result.status).toBe("Failure");
    expect(response.result.message).toBe(
      `cannot convert VirtualMachine cloudkit-vm-orders/vm-b (objects[1]) to ${V1BETA1}: apiVersion must be one of ${V1ALPHA1}, ${V1BETA1}`,
    );
  });

  it.each([
    ["an unsupported desired version", "cloudkit.openshift.io/v1", [order("vm-a", "{}")], "cannot convert VirtualMachine cloudkit-vm-orders/vm-a (objects[0]) to cloudkit.openshift.io/v1"],
    ["an object that is not an object", V1BETA1, [order("vm-a", "{}"), "oops"], `cannot convert objects[1] to ${V1BETA1}: the object must be a JSON object`],
    ["an object without a name", V1BETA1, [{ apiVersion: "x/v1", kind: "VirtualMachine", metadata: {} }], `cannot convert VirtualMachine objects[0] to ${V1BETA1}`],
    [
      "templateParameters that is not a string",
      V1BETA1,
      [{ ...order("vm-a", undefined), spec: { templateID: "t", templateParameters: { cpu_cores: 2 } } }],
      `cannot convert VirtualMachine cloudkit-vm-orders/vm-a (objects[0]) to ${V1BETA1}: spec.templateParameters must be a JSON-encoded string`,
    ],
  ])("GIVEN %s WHEN reviewed THEN the answer is Failure with a message naming the object", (_case, desired, objects, messageStart) => {
    const answer = reviewConversion(review(desired, objects));
    expect(answer.status).toBe(200);
    expect((answer.body as Json).response.result.status).toBe("Failure");
    expect((answer.body as Json).response.result.message.startsWith(messageStart)).toBe(true);
  });

  it("GIVEN an object whose conversion hits an unexpected error WHEN reviewed THEN it is a Failure, not an exception", () => {
    const hostile = { ...order("vm-a", "{}") };
    Object.defineProperty(hostile, "spec", { enumerable: true, get: () => { throw new Error("boom"); } });
    const answer = reviewConversion(review(V1BETA1, [hostile]));
    expect(answer.status).toBe(200);
    expect((answer.body as Json).response.result).toStrictEqual({
      status: "Failure",
      message: `cannot convert VirtualMachine cloudkit-vm-orders/vm-a (objects[0]) to ${V1BETA1}: internal error: boom`,
    });
  });
});

describe("reviewConversion: a body that is not a ConversionReview", () => {
  const good = review(V1BETA1, []);
  it.each([
    ["null", null, "body must be a ConversionReview object"],
    ["an array", [good], "body must be a ConversionReview object"],
    ["a string", "ConversionReview", "body must be a ConversionReview object"],
    ["no request", { ...good, request: undefined }, "request is missing"],
    ["a request that is not an object", { ...good, request: "x" }, "request is missing"],
    ["no uid", { ...good, request: { ...good.request, uid: undefined } }, "request.uid must be a non-empty string"],
    ["an empty uid", { ...good, request: { ...good.request, uid: "" } }, "request.uid must be a non-empty string"],
    ["a numeric uid", { ...good, request: { ...good.request, uid: 42 } }, "request.uid must be a non-empty string"],
    ["no objects", { ...good, request: { ...good.request, objects: undefined } }, "request.objects must be an array"],
    ["objects that are not an array", { ...good, request: { ...good.request, objects: { 0: {} } } }, "request.objects must be an array"],
    ["no desiredAPIVersion", { ...good, request: { ...good.request, desiredAPIVersion: undefined } }, "request.desiredAPIVersion must be a string"],
    ["another kind", { ...good, kind: "AdmissionReview" }, "kind must be ConversionReview"],
    ["another apiVersion", { ...good, apiVersion: "admission.k8s.io/v1" }, "apiVersion must be apiextensions.k8s.io/v1 or apiextensions.k8s.io/v1beta1"],
  ])("GIVEN %s WHEN reviewed THEN HTTP 400 with the reason", (_case, body, reason) => {
    const answer = reviewConversion(body);
    expect(answer.status).toBe(400);
    expect((answer.body as { error: string }).error).toContain(reason);
  });

  it("GIVEN any JSON value at all WHEN reviewed THEN it never throws and answers 200 or 400 with a serialisable body", () => {
    const anyRequest = fc.record({ uid: fc.oneof(fc.uuid(), fc.anything()), desiredAPIVersion: fc.oneof(fc.constantFrom(V1ALPHA1, V1BETA1), fc.anything()), objects: fc.oneof(fc.array(fc.anything(), { maxLength: 3 }), fc.anything()) }, { requiredKeys: [] });
    const body = fc.oneof(fc.anything(), fc.record({ apiVersion: fc.constantFrom("apiextensions.k8s.io/v1", undefined), kind: fc.constantFrom("ConversionReview", undefined), request: fc.oneof(anyRequest, fc.anything()) }));
    fc.assert(
      fc.property(body, (value) => {
        const answer = reviewConversion(value);
        expect([200, 400]).toContain(answer.status);
        expect(() => JSON.stringify(answer.body)).not.toThrow();
      }),
      { numRuns: 2_000 },
    );
  });
});
