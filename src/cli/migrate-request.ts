import { KubeApiError, type KubeRestClient } from "../platform/kube/rest-client.ts";
import { migrationPath } from "../migration/fleet-controller/fleet-reconciler.ts";
import { approveRequest, rollbackRequest } from "../migration/fleet/requests.ts";
import type { FleetMigration } from "../migration/fleet/types.ts";
import { ExitCode, type Terminal } from "./terminal.ts";

/**
 * approve / rollback: read the FleetMigration, decide the spec change (pure), write it with a
 * merge patch carrying the resourceVersion read (a concurrent change fails it: nothing half-done).
 */
export async function runSpecRequest(rest: KubeRestClient, terminal: Terminal, command: "approve" | "rollback", namespace: string, name: string, batch: number | undefined): Promise<number> {
  try {
    const answer = await rest.request<FleetMigration>("GET", migrationPath(namespace, name), { allow404: true });
    if (answer.status === 404) {
      terminal.stderr.write(`osac-vm migrate ${command}: NotFound: no FleetMigration '${name}' in namespace ${namespace}\n`);
      return ExitCode.invalid;
    }
    const migration = answer.body;
    const request = command === "approve" ? approveRequest(migration, batch) : rollbackRequest(migration, batch);
    if (!request.ok) {
      terminal.stderr.write(`osac-vm migrate ${command}: ${request.message}\n`);
      return ExitCode.invalid;
    }
    if (Object.keys(request.spec).length > 0) {
      await rest.request("PATCH", `${migrationPath(namespace, name)}?fieldManager=osac-vm-migrate-cli`, {
        body: { metadata: { resourceVersion: migration.metadata.resourceVersion }, spec: request.spec },
        contentType: "application/merge-patch+json",
        discardBody: true,
      });
    }
    terminal.stdout.write(`fleetmigration/${name}: ${request.message}\n`);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 409) {
      terminal.stderr.write(`osac-vm migrate ${command}: FleetMigration ${namespace}/${name} changed while it was read; run the command again\n`);
      return ExitCode.failure;
    }
    terminal.stderr.write(`osac-vm migrate ${command}: failed: ${(error as Error).message}\n`);
    return ExitCode.failure;
  }
}
