import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresDb, migrate } from '../../platform/db';
import { ALL_MIGRATIONS } from '../../app/migrations';
import { ADMIN_DATABASE_URL, databaseUrl, RUN_DIR_ENV } from './env';
import { PGLITE_TARBALL_ENV } from './pglite';

/**
 * Creates this run's template database with every migration applied. Test files clone it
 * (`CREATE DATABASE ... TEMPLATE`, tens of milliseconds) so each starts from a fresh, migrated
 * database and no two runs or files share state. Names this run's empty PGlite data folder too,
 * which the first file to open PGlite writes (test/support/pglite.ts).
 */
export default async function globalSetup(): Promise<void> {
  const run = `rg_${Date.now().toString(36)}_${process.pid}`;
  process.env.RG_TEST_RUN = run;
  const template = `${run}_template`;
  process.env.RG_TEST_TEMPLATE = template;
  const runDir = mkdtempSync(join(tmpdir(), `${run}-`));
  process.env[RUN_DIR_ENV] = runDir;
  process.env[PGLITE_TARBALL_ENV] = join(runDir, 'pglite-empty.tar');

  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  const db = new PostgresDb({ connectionString: databaseUrl(template), maxConnections: 2 });
  try {
    await migrate(db, ALL_MIGRATIONS);
  } finally {
    await db.close();
  }
}
