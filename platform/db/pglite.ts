import { AsyncLocalStorage } from 'node:async_hooks';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Db, IsolationLevel, Queryable, QueryResult, Row } from './types';
import { parseInt8, PG_TYPE } from './parsers';
import { assertChannel } from './listener';

/** Options for the embedded implementation. */
export interface PgliteDbOptions {
  /** A directory for the data files; omitted means in memory (gone when the process exits). */
  dataDir?: string;
  /**
   * A data folder as a tarball (`snapshot()`'s output) to start from instead of running initdb:
   * in memory only, and the only way PGlite opens without a second WebAssembly instance for initdb.
   */
  loadDataDir?: Blob;
}

/**
 * PostgreSQL compiled to WebAssembly, in this process: the embedded default.
 *
 * PGlite is a single session. It serialises statements and transactions itself (a statement
 * issued while a transaction is open waits for it), so there is deliberately no pool and no
 * socket server in front of it: every service of the embedded process shares this one handle.
 */
export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  /**
   * Marks the code running inside one of this database's transactions. A statement issued on the
   * database itself (not the transaction's handle) from there would wait for the transaction to
   * end, which waits for the statement: PGlite has one session, so that is a deadlock. It is
   * refused loudly instead of hanging.
   */
  private readonly inTransaction = new AsyncLocalStorage<true>();
  private constructor(private readonly pg: PGlite) {}

  /** Opens (or creates) the database and waits until it answers. */
  static async open(options: PgliteDbOptions = {}): Promise<PgliteDb> {
    // One options object: `new PGlite(undefined, options)` ignores its options (the in-memory case lost its parsers so).
    const pg = new PGlite({ dataDir: options.dataDir, parsers: { [PG_TYPE.INT8]: parseInt8 }, loadDataDir: options.loadDataDir });
    await pg.waitReady;
    return new PgliteDb(pg);
  }

  async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    this.assertNotInsideTransaction();
    const result = await this.pg.query<R>(sql, params as unknown[]);
    return { rows: result.rows, rowCount: rowCountOf(result) };
  }

  private assertNotInsideTransaction(): void {
    if (this.inTransaction.getStore()) {
      throw new Error(
        'PgliteDb: a statement on the database while one of its transactions is open would deadlock (PGlite has one session); use the transaction handle',
      );
    }
  }

  /**
   * Runs several statements separated by semicolons (PGlite's extended protocol takes one per
   * query). Used by the migration runner for SQL migration files; returns the last result.
   */
  async exec<R extends Row = Row>(sql: string): Promise<QueryResult<R>> {
    const results = await this.pg.exec(sql);
    const last = results[results.length - 1];
    return { rows: (last?.rows ?? []) as R[], rowCount: last?.affectedRows ?? 0 };
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { isolation?: IsolationLevel }): Promise<T> {
    this.assertNotInsideTransaction();
    return this.pg.transaction((tx) =>
      this.inTransaction.run(true, async () => {
        // A single session never races another, so every level behaves as serializable; the
        // statement is still issued so the same SQL is exercised as on PostgreSQL.
        if (options?.isolation) await tx.query(`SET TRANSACTION ISOLATION LEVEL ${options.isolation}`);
        return fn(transactionQueryable(tx));
      }),
    );
  }

  /**
   * The whole data folder as an uncompressed tarball, which `open({ loadDataDir })` starts from.
   * A checkpoint first writes every dirty page to the files, so the copy opens without replaying WAL.
   */
  async snapshot(): Promise<Uint8Array> {
    this.assertNotInsideTransaction();
    await this.pg.exec('CHECKPOINT');
    const tarball = await this.pg.dumpDataDir('none');
    return new Uint8Array(await tarball.arrayBuffer());
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    assertChannel(channel);
    return this.pg.listen(channel, () => onNotify());
  }

  async ping(): Promise<void> {
    await this.pg.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }
}

function transactionQueryable(tx: Transaction): Queryable {
  return {
    async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const result = await tx.query<R>(sql, params as unknown[]);
      return { rows: result.rows, rowCount: rowCountOf(result) };
    },
  };
}

/** pg's rowCount: rows returned by a SELECT, rows touched by a write (PGlite reports 0 affected for SELECT). */
function rowCountOf(result: { rows: unknown[]; affectedRows?: number }): number {
  return Math.max(result.affectedRows ?? 0, result.rows.length);
}
