import { describe, expect, it } from "vitest";
import { processTemplate, type Generators, type JsonObject } from "../../../src/domain/openshift-template/index.ts";
import { NO_GENERATORS, parameter, template } from "./support.ts";

/**
 * library-go TestProcessTemplateParameters, re-expressed on a cut-down guestbook Template. The
 * values are the ones Go's math/rand (seed 1337, one source shared in parameter order) gave
 * upstream; here a generator hands them out in that order. The conformance suite runs the full
 * fixture with Go's real generator.
 */
describe("TestProcessTemplateParameters (library-go), re-expressed", () => {
  const upstreamDraws = ["adminQ3H", "dwNJiJwW", "P8vxbV4C"];
  const inOrder = (): Generators => {
    const queue = [...upstreamDraws];
    return { expression: () => queue.shift() };
  };
  const guestbook = template(
    [
      { kind: "Route", apiVersion: "v1", metadata: { name: "frontend-route", creationTimestamp: null }, spec: { host: "guestbook.example.com" } },
      { kind: "Service", apiVersion: "v1", metadata: { name: "${SLAVE_SERVICE_NAME}" }, spec: { selector: { name: "${SLAVE_SERVICE_NAME}" }, ports: [{ port: 10001, nodePort: 0 }] } },
      {
        kind: "ReplicationController",
        apiVersion: "v1",
        metadata: { name: "guestbook", labels: { name: "frontend-service" } },
        spec: {
          template: {
            spec: {
              containers: [
                {
                  image: "brendanburns/${SLAVE_SERVICE_NAME}",
                  env: [
                    { name: "ADMIN_USERNAME", value: "${ADMIN_USERNAME}" },
                    { name: "ADMIN_PASSWORD", value: "${ADMIN_PASSWORD}" },
                    { name: "REDIS_PASSWORD", value: "${REDIS_PASSWORD}" },
                  ],
                },
              ],
            },
          },
        },
      },
    ],
    [
      { name: "ADMIN_USERNAME", generate: "expression", from: "admin[A-Z0-9]{3}" },
      { name: "ADMIN_PASSWORD", generate: "expression", from: "[a-zA-Z0-9]{8}" },
      { name: "REDIS_PASSWORD", generate: "expression", from: "[a-zA-Z0-9]{8}" },
      { name: "SLAVE_SERVICE_NAME", value: "redis-slave" },
      parameter("CUSTOM_PARAM1", "1"),
    ],
    { message: "Your admin credentials are ${ADMIN_USERNAME}:${ADMIN_PASSWORD}" },
  );
  const result = processTemplate(guestbook, { generators: inOrder() });
  const [route, service, controller] = result.value?.objects ?? [];

  it("THEN generated values fill the parameters; generate and from are kept", () => {
    expect(result.errors).toEqual([]);
    expect(result.value!.parameters.slice(0, 3)).toEqual([
      { name: "ADMIN_USERNAME", generate: "expression", from: "admin[A-Z0-9]{3}", value: "adminQ3H" },
      { name: "ADMIN_PASSWORD", generate: "expression", from: "[a-zA-Z0-9]{8}", value: "dwNJiJwW" },
      { name: "REDIS_PASSWORD", generate: "expression", from: "[a-zA-Z0-9]{8}", value: "P8vxbV4C" },
    ]);
  });

  it("THEN the message is substituted", () => {
    expect(result.value!.message).toBe("Your admin credentials are adminQ3H:dwNJiJwW");
  });

  it("THEN the v1 Route moves to route.openshift.io/v1; core kinds stay v1", () => {
    expect(route).toEqual({ kind: "Route", apiVersion: "route.openshift.io/v1", metadata: { name: "frontend-route", creationTimestamp: null }, spec: { host: "guestbook.example.com" } });
    expect([service!.apiVersion, controller!.apiVersion]).toEqual(["v1", "v1"]);
  });

  it("THEN every reference is substituted, in names, selectors, images and env values", () => {
    expect(service).toEqual({ kind: "Service", apiVersion: "v1", metadata: { name: "redis-slave" }, spec: { selector: { name: "redis-slave" }, ports: [{ port: 10001, nodePort: 0 }] } });
    const container = (((controller!.spec as JsonObject).template as JsonObject).spec as { containers: JsonObject[] }).containers[0]!;
    expect(container.image).toBe("brendanburns/redis-slave");
    expect(container.env).toEqual([
      { name: "ADMIN_USERNAME", value: "adminQ3H" },
      { name: "ADMIN_PASSWORD", value: "dwNJiJwW" },
      { name: "REDIS_PASSWORD", value: "P8vxbV4C" },
    ]);
  });

  it("THEN the Template given is not changed", () => {
    expect((guestbook.objects[1] as JsonObject).metadata).toEqual({ name: "${SLAVE_SERVICE_NAME}" });
    expect(guestbook.parameters[0]).toEqual({ name: "ADMIN_USERNAME", generate: "expression", from: "admin[A-Z0-9]{3}" });
  });
});

describe("namespace stripping (library-go stripNamespace, apimachinery ≥ 0.30)", () => {
  const NS = [parameter("NS", "target")];
  it.each([
    ["a hard-coded namespace is removed", { metadata: { name: "a", namespace: "hard" } }, { metadata: { name: "a" } }],
    ["a ${NS} namespace is kept and substituted", { metadata: { name: "a", namespace: "${NS}" } }, { metadata: { name: "a", namespace: "target" } }],
    ["one with ${NS} inside is kept", { metadata: { name: "a", namespace: "pre-${NS}" } }, { metadata: { name: "a", namespace: "pre-target" } }],
    ["${{NS}} does not match ${NAME}, so it is removed", { metadata: { name: "a", namespace: "${{NS}}" } }, { metadata: { name: "a" } }],
    ["an empty namespace stays empty", { metadata: { name: "a", namespace: "" } }, { metadata: { name: "a", namespace: "" } }],
    ["a non-string namespace becomes empty", { metadata: { name: "a", namespace: 7 } }, { metadata: { name: "a", namespace: "" } }],
    ["without metadata, a top-level namespace becomes empty", { namespace: "hard" }, { namespace: "" }],
    ["a nested namespace (not metadata's) is not stripped", { metadata: { name: "a" }, spec: { namespace: "kept" } }, { metadata: { name: "a" }, spec: { namespace: "kept" } }],
  ] as [string, JsonObject, JsonObject][])("%s", (_name, fields, expected) => {
    const result = processTemplate(template([{ kind: "ConfigMap", apiVersion: "v1", ...fields }], NS), { generators: NO_GENERATORS });
    expect(result.value?.objects[0]).toEqual({ kind: "ConfigMap", apiVersion: "v1", ...expected });
  });
});

describe("apiVersion after substitution (OAPIToGroupifiedGVK + SetGroupVersionKind)", () => {
  it.each([
    ["Route", "v1", "route.openshift.io/v1"],
    ["DeploymentConfig", "v1", "apps.openshift.io/v1"],
    ["Template", "v1", "template.openshift.io/v1"],
    ["Service", "v1", "v1"],
    ["Route", "route.openshift.io/v1", "route.openshift.io/v1"],
    ["VirtualMachine", "kubevirt.io/v1", "kubevirt.io/v1"],
    ["Route", undefined, "route.openshift.io/"],
    ["ConfigMap", undefined, ""],
    ["Route", "${{BAD}}", ""],
  ])("GIVEN kind %s, apiVersion %j THEN %j", (kind, apiVersion, expected) => {
    const object: JsonObject = { kind, ...(apiVersion === undefined ? {} : { apiVersion }) };
    const result = processTemplate(template([object], [parameter("BAD", "a/b/c")]), { generators: NO_GENERATORS });
    expect(result.value?.objects[0]?.apiVersion).toBe(expected);
  });

  it("GIVEN an apiVersion substituted into more than one '/' THEN kind is emptied too, as SetGroupVersionKind(empty) does", () => {
    const result = processTemplate(template([{ kind: "Route", apiVersion: "${V}" }], [parameter("V", "a/b/c")]), { generators: NO_GENERATORS });
    expect(result.value?.objects[0]).toEqual({ kind: "", apiVersion: "" });
  });
});

describe("objects that cannot be decoded", () => {
  it("GIVEN several bad objects THEN each is reported with its index and nothing is returned", () => {
    const result = processTemplate(
      template([
        "text",
        { apiVersion: "v1" },
        { kind: "Pod", apiVersion: "a/b/c" },
        { kind: "List", apiVersion: "v1", items: [] },
        { kind: "PodList", apiVersion: "v1", ITEMS: [] },
        { kind: "Pod", apiVersion: "v1" },
      ]),
      { generators: NO_GENERATORS },
    );
    expect(result.value).toBeUndefined();
    expect(result.errors.map((e) => [e.code, e.field])).toEqual([
      ["InvalidObject", "objects[0]"],
      ["InvalidObject", "objects[1]"],
      ["InvalidObject", "objects[2]"],
      ["InvalidObject", "objects[3]"],
      ["InvalidObject", "objects[4]"],
    ]);
    expect(result.errors[1]!.message).toBe("unable to handle object: kind is required and must be a non-empty string");
    expect(result.errors[3]!.message).toContain("is a List");
  });

  it("GIVEN a non-string apiVersion with a kind THEN it decodes, as apimachinery's does, and apiVersion is rewritten", () => {
    const result = processTemplate(template([{ kind: "Service", apiVersion: 5 }]), { generators: NO_GENERATORS });
    expect(result.value?.objects[0]).toEqual({ kind: "Service", apiVersion: "" });
  });
});

describe("processing is pure and repeatable", () => {
  it("GIVEN the same Template and values twice THEN the results are equal and independent", () => {
    const given = template([{ kind: "ConfigMap", apiVersion: "v1", data: { a: "${A}" } }], [parameter("A", "x")], { labels: { l: "${A}" } });
    const first = processTemplate(given, { generators: NO_GENERATORS }).value!;
    const second = processTemplate(given, { generators: NO_GENERATORS }).value!;
    expect(JSON.stringify(first)).toBe(JSON.stringify(second));
    (first.objects[0]!.data as JsonObject).a = "changed";
    expect((second.objects[0]!.data as JsonObject).a).toBe("x");
    expect((given.objects[0] as JsonObject).data).toEqual({ a: "${A}" });
  });

  it("GIVEN a message without references, or none THEN it is kept, or stays absent", () => {
    expect(processTemplate(template([], [], { message: "hello" }), { generators: NO_GENERATORS }).value?.message).toBe("hello");
    expect(processTemplate(template([]), { generators: NO_GENERATORS }).value).not.toHaveProperty("message");
  });

  it("GIVEN a parameter declared twice THEN the later value wins (upstream's map)", () => {
    const result = processTemplate(template([{ kind: "ConfigMap", apiVersion: "v1", data: { a: "${A}" } }], [parameter("A", "first"), parameter("A", "second")]), {
      generators: NO_GENERATORS,
    });
    expect(result.value?.objects[0]?.data).toEqual({ a: "second" });
  });
});
