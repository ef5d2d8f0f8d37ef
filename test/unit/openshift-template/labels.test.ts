import { describe, expect, it } from "vitest";
import { processTemplate, type JsonObject } from "../../../src/domain/openshift-template/index.ts";
import { addObjectLabels } from "../../../src/domain/openshift-template/object-steps.ts";
import { NO_GENERATORS, parameter, template } from "./support.ts";

/** library-go `templateprocessing/template_test.go` TestEvaluateLabels, re-expressed. */
describe("TestEvaluateLabels (library-go), re-expressed", () => {
  const service = (extra: JsonObject = { metadata: { labels: { key1: "v1", key2: "v2" } } }): JsonObject => ({ kind: "Service", apiVersion: "v1", ...extra });
  const cases: [string, JsonObject, Record<string, string> | undefined, JsonObject, Record<string, string> | undefined, ReturnType<typeof parameter>[]][] = [
    ["no labels", service(), undefined, service(), undefined, []],
    ["one different label", service(), { key3: "v3" }, service({ metadata: { labels: { key1: "v1", key2: "v2", key3: "v3" } } }), { key3: "v3" }, []],
    [
      "when the root object has labels and metadata",
      service({ metadata: {}, labels: { key1: "v1", key2: "v2" } }),
      { key3: "v3" },
      service({ labels: { key1: "v1", key2: "v2" }, metadata: { labels: { key3: "v3" } } }),
      { key3: "v3" },
      [],
    ],
    ["overwrites label", service(), { key2: "v3" }, service({ metadata: { labels: { key1: "v1", key2: "v3" } } }), { key2: "v3" }, []],
    [
      "parameterised labels",
      service(),
      { "${KEY}": "${VALUE}" },
      service({ metadata: { labels: { key: "value", key1: "v1", key2: "v2" } } }),
      { key: "value" },
      [parameter("KEY", "key"), parameter("VALUE", "value")],
    ],
  ];

  it.each(cases)("%s", (_name, object, labels, expectedObject, expectedLabels, parameters) => {
    const result = processTemplate(template([object], parameters, labels === undefined ? {} : { labels }), { generators: NO_GENERATORS });
    expect(result.errors).toEqual([]);
    expect(result.value!.objects).toEqual([expectedObject]);
    expect(result.value!.labels).toEqual(expectedLabels);
  });
});

/**
 * library-go TestAddConfigLabels, re-expressed on unstructured objects (what `Process` decodes
 * every raw object into).
 */
describe("TestAddConfigLabels (library-go), re-expressed", () => {
  const cases: [string, JsonObject, Record<string, string> | undefined, JsonObject][] = [
    ["[0] nil + nil => labels stay absent", { kind: "Pod", metadata: {} }, undefined, { kind: "Pod", metadata: {} }],
    ["[1] nil + empty => an empty map is set", { kind: "Pod", metadata: {} }, {}, { kind: "Pod", metadata: { labels: {} } }],
    ["[2] labels + nil => labels", { kind: "Pod", metadata: { labels: { foo: "bar" } } }, undefined, { kind: "Pod", metadata: { labels: { foo: "bar" } } }],
    ["[3] labels + empty => labels", { kind: "Pod", metadata: { labels: { foo: "bar" } } }, {}, { kind: "Pod", metadata: { labels: { foo: "bar" } } }],
    ["[4] nil + labels => labels", { kind: "Pod" }, { foo: "bar" }, { kind: "Pod", metadata: { labels: { foo: "bar" } } }],
    ["[5] merge, empty values kept", { kind: "Service", metadata: { labels: { baz: "" } } }, { foo: "bar" }, { kind: "Service", metadata: { labels: { baz: "", foo: "bar" } } }],
    ["[6] same key, same value", { kind: "Service", metadata: { labels: { foo: "same value" } } }, { foo: "same value" }, { kind: "Service", metadata: { labels: { foo: "same value" } } }],
    ["[7] same key, the new value wins", { kind: "Service", metadata: { labels: { foo: "first value" } } }, { foo: "second value" }, { kind: "Service", metadata: { labels: { foo: "second value" } } }],
    [
      "[8] a ReplicationController's pod-template labels are not touched",
      { kind: "ReplicationController", metadata: { labels: { foo: "same value" } }, spec: { template: { metadata: { labels: {} } } } },
      { foo: "same value" },
      { kind: "ReplicationController", metadata: { labels: { foo: "same value" } }, spec: { template: { metadata: { labels: {} } } } },
    ],
    [
      // Upstream's case [9] uses a typed DeploymentConfig, whose pod template also gets the labels.
      // Process decodes raw objects as unstructured, where only metadata.labels changes.
      "[9] a DeploymentConfig from JSON: only metadata.labels (Process's unstructured path)",
      { kind: "DeploymentConfig", metadata: { labels: { foo: "first value" } }, spec: { template: { metadata: { labels: { foo: "first value" } } } } },
      { bar: "second value" },
      {
        kind: "DeploymentConfig",
        metadata: { labels: { foo: "first value", bar: "second value" } },
        spec: { template: { metadata: { labels: { foo: "first value" } } } },
      },
    ],
    // apimachinery's unstructured accessors, which library-go calls:
    ["labels with a non-string value read as none, so they are replaced", { kind: "Pod", metadata: { labels: { n: 1, keep: "x" } } }, { foo: "bar" }, { kind: "Pod", metadata: { labels: { foo: "bar" } } }],
    ["a metadata that is not a mapping is left alone", { kind: "Pod", metadata: "odd" }, { foo: "bar" }, { kind: "Pod", metadata: "odd" }],
  ];

  it.each(cases)("%s", (_name, object, labels, expected) => {
    addObjectLabels(object, labels);
    expect(object).toEqual(expected);
  });
});
