import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate } from './migrate';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';

/**
 * node-pg-migrate's advisory lock is one for the whole database and only tried: several services
 * (or replicas) starting together used to fail with "Another migration is already running".
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

describe('migrate on PostgreSQL', () => {
  it('lets concurrent starts wait for one another instead of failing on the lock', async () => {
    const dirs = ['a', 'b', 'c', 'd'].map((name) => {
      const dir = mkdtempSync(path.join(tmpdir(), `rg-migrate-${name}-`));
      // Slow enough that the runs overlap: each holds the lock for a quarter of a second.
      writeFileSync(path.join(dir, '900_slow.sql'), `-- Up Migration\nSELECT pg_sleep(0.25);\nCREATE TABLE t_${name} (id int);\n`);
      return { schema: `lock_test_${name}`, dir };
    });
    await Promise.all(dirs.map((set) => migrate(database.db, [set])));
    const { rows } = await database.db.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM information_schema.tables WHERE table_schema LIKE 'lock_test_%' AND table_name LIKE 't_%'`,
    );
    expect(rows[0]?.n).toBe(4);
  }, 30_000);
});
