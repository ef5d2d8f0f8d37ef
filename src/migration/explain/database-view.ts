/** What the status database says about one order (vm_state and vm_state_history). */
export interface DatabaseView {
  /** Which database: PostgreSQL from DATABASE_URL / --database-url, or the embedded directory. */
  readonly source: string;
  readonly available: boolean;
  /** Why nothing could be read ("no database", unreachable, not migrated, no row). */
  readonly note?: string;
  readonly state?: {
    readonly state: string;
    readonly powerStatus: string;
    readonly ipAddresses: readonly string[];
    readonly desiredConfigVersion: string | null;
    readonly reconciledConfigVersion: string | null;
    readonly conditions: readonly { readonly type: string; readonly status: string; readonly reason: string; readonly lastTransitionTime: string }[];
    readonly observedAt: string;
    readonly deletedAt: string | null;
  };
  /** Transitions, oldest first. */
  readonly history: readonly {
    readonly observedAt: string;
    readonly state: string;
    readonly powerStatus: string;
    readonly ipAddresses: readonly string[];
    readonly desiredConfigVersion: string | null;
    readonly reconciledConfigVersion: string | null;
  }[];
}
