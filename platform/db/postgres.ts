import { Pool, types as pgTypes, type PoolClient, type PoolConfig } from 'pg';
import type { Db, IsolationLevel, Queryable, QueryResult, Row } from './types';
import { parseInt8, PG_TYPE } from './parsers';
import { watchPool } from '../metrics';
import { Listener } from './listener';

/** Options for the PostgreSQL implementation. */
export interface PostgresDbOptions {
  /** A libpq connection string, e.g. `postgres://root@127.0.0.1:5432/test`. */
  connectionString: string;
  /** Pool size; default 10, enough for one service instance on two cores. */
  maxConnections?: number;
  /** Name shown in `pg_stat_activity`, so operators can tell services apart. */
  applicationName?: string;
}

/** Pool size unless told otherwise: enough for one service instance on two cores. */
const DEFAULT_POOL_SIZE = 10;
/**
 * How long a new connection may take before the request fails fast instead of hanging;
 * a down database must turn into a clear error within a POS clerk's patience.
 */
const CONNECT_TIMEOUT_MS = 3_000;
/** A statement that runs longer than this is a fault, not a slow page. */
const STATEMENT_TIMEOUT_MS = 15_000;
/** Idle connections are released after this, so a quiet instance holds few server slots. */
const IDLE_TIMEOUT_MS = 30_000;

const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === PG_TYPE.INT8) return parseInt8;
    return pgTypes.getTypeParser(oid, format);
  },
} as PoolConfig['types'];

/** PostgreSQL through a `pg` connection pool: the production implementation. */
export class PostgresDb implements Db {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  /** Removes this pool from `/metrics` (its saturation is read at scrape time) when it closes. */
  private readonly unwatchPool: () => void;
  /** The connection string this pool was opened with; the migration runner opens its own client. */
  readonly connectionString: string;
  /** One session for every `listen` of this handle, opened on the first. */
  private listener?: Listener;

  constructor(options: PostgresDbOptions) {
    this.connectionString = options.connectionString;
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? DEFAULT_POOL_SIZE,
      application_name: options.applicationName ?? 'returns-graph',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: IDLE_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      types: typeParsers,
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.unwatchPool = watchPool(options.applicationName ?? 'returns-graph', options.maxConnections ?? DEFAULT_POOL_SIZE, this.pool);
  }

  async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const result = await this.pool.query(sql, params as unknown[]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { isolation?: IsolationLevel }): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query(options?.isolation ? `BEGIN ISOLATION LEVEL ${options.isolation}` : 'BEGIN');
      const result = await fn(clientQueryable(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone; do not return it to the pool
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    this.listener ??= new Listener(this.connectionString);
    return this.listener.listen(channel, onNotify);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.listener?.close();
    this.unwatchPool();
    await this.pool.end();
  }
}

function clientQueryable(client: PoolClient): Queryable {
  return {
    async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const result = await client.query(sql, params as unknown[]);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
  };
}
