// The two database drivers (PGlite, PostgreSQL) behind one small interface, so
// the store runs the same SQL on both.
export type Row = Record<string, unknown>;

export interface Sql {
  query<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface Driver extends Sql {
  readonly kind: "pglite" | "postgres";
  /**
   * The same as query, for a statement run very often with the same text (the publish
   * path): PostgreSQL parses and plans it once per connection, not on every call.
   */
  prepared<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /**
   * `prepared`, and `then` sent with it in the same write on the same connection
   * (pipelined): it runs as its own transaction right after the first one commits, and
   * costs no second round trip. Resolves with the first's rows as soon as they are in;
   * `then` settles when the second has run, with its error or undefined (it never
   * rejects). The connection is busy until both have. PostgreSQL only.
   */
  preparedThen?<R extends Row = Row>(
    text: string,
    params: readonly unknown[],
    then: { text: string; params: readonly unknown[] },
  ): Promise<{ rows: R[]; then: Promise<unknown> }>;
  /**
   * Opens the connections preparedThen uses and runs `statements` on each, before the
   * first send needs them (PostgreSQL only).
   */
  warm?(statements: string[]): Promise<void>;
  /** Runs fn in one transaction; a throw rolls everything back. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Runs fn while holding a session-level advisory lock (migrations). */
  withSessionLock<T>(key: number, fn: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * Cross-process notifications (PostgreSQL LISTEN). PGlite's NOTIFY reaches only
   * its own process, where the in-process bus already delivers, so it has none.
   * `onReconnect` fires after a lost listener connection came back (events may be lost).
   */
  listen?(
    channel: string,
    onPayload: (payload: string) => void,
    onReconnect: () => void,
  ): Promise<void>;
  /** How many other connections (other nodes) listen as listen() does (PostgreSQL only). */
  otherListeners?(): Promise<number>;
  /**
   * Sends NOTIFYs on `channel` in one statement, outside any insert's transaction and
   * without waiting for the disk (see notifier.ts). PostgreSQL only, with listen.
   */
  notify?(channel: string, payloads: string[]): Promise<void>;
  close(): Promise<void>;
}

/** bigint params travel as decimal strings: both drivers accept that for int8. */
export function prepareParams(params: readonly unknown[] = []): unknown[] {
  return params.map((p) => (typeof p === "bigint" ? p.toString() : p));
}
