// `npm run cluster:up` registers its local webhook as a real install would: the same webhooks,
// rules, selectors, timeouts and failure policies as the chart's configurations, pointed at a URL
// instead of the in-cluster Service. Only the chart's release namespace is missing from the
// excluded namespaces (a local cluster has none).
import { describe, expect, it } from "vitest";
import { CLUSTER_UP_REGISTRATION, EXCLUDED_NAMESPACES, admissionRegistrations } from "../../scripts/cluster/webhook-registration.ts";
import { pointWebhooksAt } from "../e2e/support/chart-cluster.ts";
import { find, render, type KubeDoc } from "../e2e/support/chart-helm.ts";

const RELEASE_NAMESPACE = "osac-vm-gitops";
const endpoint = { url: "https://127.0.0.1:34567", caPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" };

/** The chart's webhooks with the release namespace dropped from the NotIn exclusion. */
function withoutReleaseNamespace(config: KubeDoc): KubeDoc[] {
  return config.webhooks.map((webhook: KubeDoc) => ({
    ...webhook,
    namespaceSelector: {
      ...webhook.namespaceSelector,
      matchExpressions: webhook.namespaceSelector.matchExpressions.map((e: { values: string[] }) => ({ ...e, values: e.values.filter((v) => v !== RELEASE_NAMESPACE) })),
    },
  }));
}

describe("cluster:up's admission registrations", () => {
  it("GIVEN the chart's default configurations pointed at the same URL THEN cluster:up registers the same webhooks", async () => {
    const docs = await render({ namespace: RELEASE_NAMESPACE });
    const ours = admissionRegistrations(endpoint);
    for (const [kind, mine] of [["MutatingWebhookConfiguration", ours.mutating], ["ValidatingWebhookConfiguration", ours.validating]] as const) {
      const chart = pointWebhooksAt(find(docs, kind), endpoint.url, endpoint.caPem);
      expect((mine as KubeDoc).webhooks, kind).toEqual(withoutReleaseNamespace(chart));
      expect((mine as KubeDoc).metadata.name).toBe(CLUSTER_UP_REGISTRATION);
    }
    expect(EXCLUDED_NAMESPACES).toEqual(["kube-system", "argocd"]);
  });
});
