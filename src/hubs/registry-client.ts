import { HUBS_PATH, type Hub } from "../api/gitops/v1alpha1/hub.ts";
import { listAllPages } from "../platform/kube/list-pages.ts";
import { KubeApiError, type KubeRestClient } from "../platform/kube/rest-client.ts";
import type { KubeconfigSecret } from "./new-hub.ts";

/** A problem the CLI reports as it is (exit 1); `message` never holds a kubeconfig. */
export class HubRegistryError extends Error {
  override readonly name = "HubRegistryError";
}

/**
 * What `osac-vm hubs` does on the management cluster, over the project's REST client: list, get,
 * add (the Secret, then the Hub; the Secret is removed again when the Hub cannot be created, so
 * nothing is left half-written), and cordon/uncordon (a JSON merge patch of `spec.cordoned`).
 */
export class HubRegistryClient {
  constructor(private readonly rest: Pick<KubeRestClient, "request">) {}

  async list(): Promise<Hub[]> {
    const list = await listAllPages<Hub & { metadata: { name: string } }>(this.rest, HUBS_PATH).catch((error: unknown) => {
      throw explain(error, "list Hubs");
    });
    return [...list.items].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  }

  async get(name: string): Promise<Hub> {
    const answer = await this.rest.request<Hub>("GET", `${HUBS_PATH}/${encodeURIComponent(name)}`, { allow404: true }).catch((error: unknown) => {
      throw explain(error, `read Hub '${name}'`);
    });
    if (answer.status === 404) throw new HubRegistryError(`hub '${name}' not found`);
    return answer.body;
  }

  async add(hub: Hub, secret: KubeconfigSecret): Promise<void> {
    const secretPath = `/api/v1/namespaces/${encodeURIComponent(secret.metadata.namespace)}/secrets`;
    await this.rest.request("POST", secretPath, { body: secret, discardBody: true }).catch((error: unknown) => {
      if (error instanceof KubeApiError && error.status === 409) {
        throw new HubRegistryError(`Secret ${secret.metadata.namespace}/${secret.metadata.name} already exists; delete it, or give another name with --secret-name`);
      }
      if (error instanceof KubeApiError && error.status === 404) {
        throw new HubRegistryError(`namespace '${secret.metadata.namespace}' does not exist: kubeconfig Secrets live in the controller's namespace (--secrets-namespace)`);
      }
      throw explain(error, `create Secret ${secret.metadata.namespace}/${secret.metadata.name}`);
    });
    try {
      await this.rest.request("POST", HUBS_PATH, { body: hub, discardBody: true });
    } catch (error) {
      await this.rest.request("DELETE", `${secretPath}/${encodeURIComponent(secret.metadata.name)}`, { allow404: true, discardBody: true }).catch(() => {
        // Reported below: the Hub's error is the one to act on; the Secret is named in it.
      });
      if (error instanceof KubeApiError && error.status === 409) throw new HubRegistryError(`hub '${hub.metadata.name}' already exists; the new Secret was removed again`);
      throw explain(error, `create Hub '${hub.metadata.name}' (the new Secret ${secret.metadata.namespace}/${secret.metadata.name} was removed again)`);
    }
  }

  /** Sets `spec.cordoned`; false when it already had that value. */
  async setCordoned(name: string, cordoned: boolean): Promise<boolean> {
    const hub = await this.get(name);
    if ((hub.spec.cordoned === true) === cordoned) return false;
    await this.rest
      .request("PATCH", `${HUBS_PATH}/${encodeURIComponent(name)}`, { body: { spec: { cordoned } }, contentType: "application/merge-patch+json", discardBody: true })
      .catch((error: unknown) => {
        throw explain(error, `${cordoned ? "cordon" : "uncordon"} hub '${name}'`);
      });
    return true;
  }
}

function explain(error: unknown, action: string): Error {
  if (error instanceof KubeApiError) {
    if (error.status === 404 && error.message.includes(HUBS_PATH)) return new HubRegistryError(`could not ${action}: the Hub CRD (hubs.gitops.cloudkit.openshift.io) is not installed`);
    return new HubRegistryError(`could not ${action}: ${error.message}`);
  }
  return new HubRegistryError(`could not ${action}: ${error instanceof Error ? error.message : String(error)}`);
}
