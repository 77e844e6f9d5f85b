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

/** node-pg-migrate's refusal when another process holds its (database-wide) advisory lock. */
const LOCK_HELD = 'Another migration is already running';
/** How long a start waits for another process's migration before giving up. */
const LOCK_WAIT_MS = 120_000;

/**
 * Applies every pending migration of each set, in order, with node-pg-migrate. Each schema keeps
 * its own `pgmigrations` table, so services migrate independently; node-pg-migrate's advisory lock
 * makes concurrent starts of several instances safe. That lock is one for the whole database and
 * only tried, never waited for: services (or replicas) starting at the same moment would fail on
 * it, so a start waits for the holder and tries again (a no-op once the holder has migrated).
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
      await whileLockHeld(async () => {
        const client = new Client({ connectionString: db.connectionString });
        await client.connect();
        try {
          await runner({ ...common, dbClient: client });
        } finally {
          await client.end();
        }
      });
    } else if (db instanceof PgliteDb) {
      await runner({ ...common, dbClient: pgliteMigrationClient(db) as never });
    } else {
      throw new TypeError(`migrate() needs a PostgresDb or PgliteDb, but got: ${String(db.kind)}`);
    }
  }
}

/** Runs `attempt` until it does not fail on the held migration lock, pausing 100–600 ms between tries. */
async function whileLockHeld(attempt: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof Error) || error.message !== LOCK_HELD || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 500));
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
