// Global setup of the database tests: one throw-away PostgreSQL 15 server for the whole run
// (support/postgres-server.ts), handed to the test files through provide/inject. Removed in
// teardown, and on process exit if teardown never runs.
import type { TestProject } from "vitest/node";
import { createPostgresServer, destroyServerSync, type PostgresServerInfo } from "./support/postgres-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresServerInfo;
  }
}

const log = (line: string) => process.stderr.write(`[db] ${line}\n`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const info = await createPostgresServer();
  log(`PostgreSQL 15 started on ${info.host}:${info.port} in ${info.tempDir} (${Date.now() - started} ms)`);
  const onExit = () => destroyServerSync(info);
  process.once("exit", onExit);
  project.provide("postgres", info);
  return async () => {
    process.off("exit", onExit);
    destroyServerSync(info);
    log(`PostgreSQL stopped and ${info.tempDir} removed`);
  };
}
