// What the SSVirt e2e tests share: a PostgreSQL 15 loaded with the schema SSVirt's GORM really
// creates (read from ../shared at test time), the `osac-vm ssvirt controller` process, and small
// REST helpers against the harness.
import { randomBytes } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import pg from "pg";
import { connectionUrl, createPostgresServer, destroyServerSync, type PostgresServerInfo } from "../../db/support/postgres-server.ts";
import { referenceSchemaSql } from "../../support/ssvirt-reference.ts";
import type { Sql } from "../../support/ssvirt-rows.ts";
import { startControllerProcess, type ControllerProcess } from "./controller-process.ts";
import { rawRequest } from "./kube.ts";

export interface SsvirtDatabase {
  readonly server: PostgresServerInfo;
  readonly url: string;
  readonly pool: pg.Pool;
  readonly sql: Sql;
  close(): Promise<void>;
}

/** A PostgreSQL 15 of its own (the tests stop it) with SSVirt's schema in a fresh database. */
export async function startSsvirtDatabase(): Promise<SsvirtDatabase> {
  const server = await createPostgresServer();
  const name = `ssvirt_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: connectionUrl(server) });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = connectionUrl(server, name);
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 2_000 });
  pool.on("error", () => undefined); // the tests stop the server under idle connections
  await pool.query(referenceSchemaSql());
  return {
    server,
    url,
    pool,
    sql: async (text, params = []) => (await pool.query(text, params)).rows,
    close: async () => {
      await pool.end().catch(() => undefined);
      destroyServerSync(server);
    },
  };
}

export async function startSsvirtController(kubeconfigPath: string, options: { identity: string; leaseNamespace: string; databaseUrl?: string; extraArgs?: string[] }): Promise<ControllerProcess> {
  return startControllerProcess({
    kubeconfigPath,
    leaseNamespace: options.leaseNamespace,
    identity: options.identity,
    command: ["ssvirt", "controller"],
    databaseEnv: "SSVIRT_DATABASE_URL",
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    extraArgs: options.extraArgs ?? [],
  });
}

export interface Api {
  get<T = any>(path: string): Promise<T | undefined>;
  send<T = any>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
}

export function api(kc: k8s.KubeConfig): Api {
  const call = async (method: string, path: string, body?: unknown, contentType?: string) => {
    const response = await rawRequest(kc, method, path, body === undefined ? undefined : JSON.stringify(body), contentType);
    let parsed: unknown = response.body;
    try {
      parsed = response.body ? JSON.parse(response.body) : undefined;
    } catch {
      // not JSON: kept as text for the error
    }
    return { status: response.status, body: parsed };
  };
  return {
    async get(path) {
      const response = await call("GET", path);
      if (response.status === 404) return undefined;
      if (response.status !== 200) throw new Error(`GET ${path}: HTTP ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`);
      return response.body as never;
    },
    async send(method, path, body, contentType) {
      const response = await call(method, path, body, contentType);
      if (response.status < 200 || response.status >= 300) throw new Error(`${method} ${path}: HTTP ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`);
      return response.body as never;
    },
  };
}

/** A KubeVirt VirtualMachine as SSVirt's templates create them (the stand-in CRD keeps what is set here). */
export function kubevirtVm(namespace: string, name: string, options: { labels?: Record<string, string>; cores?: number; memory?: string; os?: string } = {}) {
  return {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: { name, namespace, labels: options.labels ?? {}, annotations: options.os ? { "vm.kubevirt.io/os": options.os } : {} },
    spec: {
      runStrategy: "Always",
      template: { spec: { domain: { cpu: { cores: options.cores ?? 1 }, memory: { guest: options.memory ?? "1Gi" }, devices: {} } } },
    },
  };
}

export const KUBEVIRT_STANDIN = "kubevirt-e2e";

/** Writes a VM's status as KubeVirt would (through the status subresource). */
export async function setPrintableStatus(client: Api, namespace: string, name: string, printableStatus: string): Promise<void> {
  await client.send("PATCH", `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachines/${name}/status?fieldManager=${KUBEVIRT_STANDIN}`, { status: { printableStatus } }, "application/merge-patch+json");
}

/** Events the controller recorded about an object. */
export async function eventsFor(client: Api, namespace: string, name: string): Promise<{ reason: string; message: string; type: string }[]> {
  const list = await client.get<{ items: { reason: string; message: string; type: string; involvedObject: { name: string } }[] }>(`/api/v1/namespaces/${namespace}/events`);
  return (list?.items ?? []).filter((event) => event.involvedObject.name === name);
}
