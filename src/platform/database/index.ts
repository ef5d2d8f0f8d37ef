export { DEFAULT_DATA_DIR, openStatusStore, type OpenStatusStoreOptions } from "./open-status-store.ts";
export { SqlStatusStore, type StatusStore, type SqlStatusStoreOptions } from "./status-store.ts";
export { PgliteSession } from "./pglite-session.ts";
export { PostgresSession, type PostgresSessionOptions, type StoreLogger } from "./postgres-session.ts";
export { MIGRATIONS, runMigrations, type Migration, type MigrationReport } from "./migrations.ts";
export { createObservationClock, type ObservationClock } from "./observation-clock.ts";
export {
  DatabaseQueryError,
  DatabaseUnavailableError,
  InvalidVmStateError,
  MigrationError,
  StatusStoreError,
  isConnectionFailure,
} from "./errors.ts";
export * from "./vm-state.ts";
