// The StatusStore contract on a real PostgreSQL 15 server (started by global-setup.ts), through
// openStatusStore({ databaseUrl }). Also what only a server can show: NOTIFY reaches a LISTEN on
// another connection, idle-connection errors during a restart are logged instead of crashing the
// process, and the LISTEN connection comes back by itself.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openStatusStore, type StatusStore, type StoreLogger, type VmStateChange } from "../../src/platform/database/index.ts";
import { connectionUrl, startServer, stopServer } from "./support/postgres-server.ts";
import { describeStatusStoreContract, eventually, row, type StoreHarness } from "./support/status-store-contract.ts";

const info = inject("postgres");
const database = `osac_store_${randomBytes(4).toString("hex")}`;
const url = connectionUrl(info, database);
const warnings: string[] = [];
const logger: StoreLogger = {
  warn: (_details, message) => warnings.push(message),
  info: () => undefined,
};

async function withClient<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  client.on("error", () => undefined); // the server may be stopped under a test's own client
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const opened: StatusStore[] = [];
async function open(options: Parameters<StoreHarness["openStore"]>[0] = {}): Promise<StatusStore> {
  const store = await openStatusStore({
    databaseUrl: url,
    logger,
    postgres: { connectionTimeoutMs: 2_000, listenRetryInitialMs: 100, listenRetryMaxMs: 500 },
    ...(options.migrations ? { migrations: options.migrations } : {}),
  });
  opened.push(store);
  return store;
}

beforeAll(async () => {
  await withClient(connectionUrl(info), (client) => client.query(`CREATE DATABASE ${database}`));
});

afterAll(async () => {
  for (const store of opened) await store.close().catch(() => undefined);
});

describe("StatusStore on PostgreSQL 15", () => {
  const harness: StoreHarness = {
    backend: "postgres",
    openStore: open,
    sql: (text, params = []) => withClient(url, async (client) => (await client.query(text, params)).rows),
    stopDatabase: () => stopServer(info, "fast"),
    async restartDatabase(store) {
      await startServer(info);
      return store;
    },
  };

  describeStatusStoreContract(() => harness);
});

describe("StatusStore on PostgreSQL 15: connections", () => {
  it("GIVEN a LISTEN on a separate plain connection WHEN the store changes a row THEN the NOTIFY carries the order uid", async () => {
    const store = await open();
    await store.migrate();
    const written = row();
    const payloads: string[] = [];
    await withClient(url, async (client) => {
      client.on("notification", (message) => payloads.push(`${message.channel}:${message.payload}`));
      await client.query("LISTEN osac_vm_state");
      await store.upsertVmState(written);
      await store.upsertVmState(written); // identical: no second NOTIFY
      await store.upsertVmState({ ...written, powerStatus: "POWERED_ON" });
      await eventually(() => expect(payloads).toEqual([`osac_vm_state:${written.orderUid}`, `osac_vm_state:${written.orderUid}`]), 5_000);
    });
  });

  it("GIVEN a server restart THEN idle-connection errors are logged not thrown, and the store's LISTEN reconnects and asks for a resync", async () => {
    const store = await open();
    await store.migrate();
    const changes: VmStateChange[] = [];
    const unlisten = await store.listen((change) => changes.push(change));
    await store.ping(); // leaves an idle pooled connection behind
    warnings.length = 0;

    await stopServer(info, "fast");
    await eventually(() => expect(warnings).toContain("Closed an idle database connection after an error"), 5_000, "the pool's error event");
    await eventually(() => expect(warnings).toContain("Lost the database connection that listens for state changes"), 5_000);
    await startServer(info);

    await eventually(() => expect(changes).toContainEqual({ kind: "resync", reason: expect.any(String) }), 15_000, "the LISTEN reconnect");
    const written = row();
    await store.upsertVmState(written);
    await eventually(() => expect(changes).toContainEqual({ kind: "changed", orderUid: written.orderUid }), 5_000);
    await unlisten();
  });

  it("GIVEN a URL whose server does not answer THEN calls fail fast with DatabaseUnavailableError", async () => {
    const store = await openStatusStore({ databaseUrl: `postgresql://postgres@127.0.0.1:1/${database}`, postgres: { connectionTimeoutMs: 1_000 } });
    opened.push(store);
    await expect(store.ping()).rejects.toMatchObject({ name: "DatabaseUnavailableError", retryable: true });
    await expect(store.listen(() => undefined)).rejects.toMatchObject({ name: "DatabaseUnavailableError" });
  });
});
