/**
 * The small database interface every store in Returns Graph is written against.
 * Two implementations pass one contract suite (`db.contract.ts`): PostgreSQL through `pg`
 * (production) and PGlite in-process (the embedded default).
 */

/** A row as returned by the driver: column name to parsed value. */
export type Row = Record<string, unknown>;

/** The result of one statement. */
export interface QueryResult<R extends Row = Row> {
  rows: R[];
  rowCount: number;
}

/** Anything that runs a parameterised statement: the database itself or an open transaction. */
export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

/** Transaction isolation levels PostgreSQL offers; read committed is PostgreSQL's default. */
export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/** A database handle: statements, transactions, a liveness probe and shutdown. */
export interface Db extends Queryable {
  /** Which implementation this is; stores never branch on it, tests and diagnostics do. */
  readonly kind: 'postgres' | 'pglite';
  /**
   * Runs `fn` in one transaction: commit when it resolves, roll back when it throws.
   * Statements outside `fn` never see its uncommitted writes.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { isolation?: IsolationLevel }): Promise<T>;
  /**
   * Calls `onNotify` for every `NOTIFY` on `channel` (a lower-case identifier), from a session kept
   * for listening; resolves once listening, to a function that stops. Notifications are sent on
   * commit and may be missed (a reconnect), so a listener always keeps a slow poll as well.
   * Optional: a handle without it (a test double) gets polled only.
   */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** Resolves when the database answers a trivial statement within the probe timeout. */
  ping(): Promise<void>;
  /** Closes every connection; further calls fail. */
  close(): Promise<void>;
}
