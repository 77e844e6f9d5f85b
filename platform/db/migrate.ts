import { runner } from 'node-pg-migrate';
import { Client } from 'pg';
import type { Db } from './types';
import { PgliteDb } from './pglite';
import { PostgresDb } from './postgres';

/** One service's migrations: the schema it owns and the folder of its SQL migration files. */
export interface MigrationSet {
  /** The PostgreSQL schema the service owns, e.g. `orders`; created when absent. */
  schema: string;
  /**
   * Absolute path(s) of folders holding `NNN_name.sql` files (`-- Up Migration` / `-- Down Migration`).
   * Files from several folders run in one order by number; numbers are global across the repository.
   */
  dir: string | string[];
}

/**
 * Applies every pending migration of each set, in order, with node-pg-migrate. Each schema keeps
 * its own `pgmigrations` table, so services migrate independently; node-pg-migrate's advisory lock
 * makes concurrent starts of several instances safe.
 */
export async function migrate(db: Db, sets: readonly MigrationSet[]): Promise<void> {
  for (const set of sets) {
    const dirs = Array.isArray(set.dir) ? set.dir : [set.dir];
    const common = {
      // Glob mode reads several folders as one ordered list of migrations.
      dir: dirs.map((dir) => `${dir}/*.sql`),
      useGlob: true,
      ignorePattern: '**/.*',
      schema: set.schema,
      createSchema: true,
      migrationsTable: 'pgmigrations',
      direction: 'up' as const,
      checkOrder: true,
      singleTransaction: true,
      log: () => undefined,
    };
    if (db instanceof PostgresDb) {
      // A dedicated client: the migration holds an advisory lock and a transaction for its whole run.
      const client = new Client({ connectionString: db.connectionString });
      await client.connect();
      try {
        await runner({ ...common, dbClient: client });
      } finally {
        await client.end();
      }
    } else if (db instanceof PgliteDb) {
      await runner({ ...common, dbClient: pgliteMigrationClient(db) as never });
    } else {
      throw new TypeError(`migrate() needs a PostgresDb or PgliteDb, but got: ${String(db.kind)}`);
    }
  }
}

/**
 * node-pg-migrate talks to a `pg.Client`; this adapter gives it the two calls it makes on one.
 * Parameterless text goes through PGlite's simple protocol so multi-statement SQL files run whole.
 */
function pgliteMigrationClient(db: PgliteDb) {
  return {
    async query(textOrConfig: string | { text: string; values?: unknown[] }, values?: unknown[]) {
      const text = typeof textOrConfig === 'string' ? textOrConfig : textOrConfig.text;
      const params = values ?? (typeof textOrConfig === 'string' ? undefined : textOrConfig.values);
      return params && params.length > 0 ? db.query(text, params) : db.exec(text);
    },
  };
}
