import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PostgresDb } from '../../platform/db';
import { ADMIN_DATABASE_URL, databaseUrl } from './env';

/** A migrated database of its own for one test file, and how to drop it. */
export interface TestDatabase {
  db: PostgresDb;
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Clones this run's migrated template into a new database. Call in `beforeAll`, and `drop()` in
 * `afterAll`; global teardown drops whatever a crashed file leaves.
 */
export async function createTestDatabase(options: { maxConnections?: number } = {}): Promise<TestDatabase> {
  const run = process.env.RG_TEST_RUN;
  const template = process.env.RG_TEST_TEMPLATE;
  if (!run || !template) throw new Error('RG_TEST_RUN is not set: run the tests through jest (globalSetup creates the template).');
  const name = `${run}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  const db = new PostgresDb({ connectionString: url, maxConnections: options.maxConnections ?? 10 });
  return {
    db,
    url,
    name,
    async drop() {
      await db.close();
      const client = new Client({ connectionString: ADMIN_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
