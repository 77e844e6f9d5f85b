import { describeDbContract } from './testing/db.contract';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { openTestPglite } from '../../test/support/pglite';

let pg: TestDatabase | undefined;
describeDbContract(
  'PostgreSQL',
  async () => {
    pg = await createTestDatabase();
    return pg.db;
  },
  async () => pg?.drop(),
);

// From this run's tarball of an empty database: the contract is about the open database, and a
// tarball start is PgliteDb.open with the same options object (parsers included) as a cold one.
describeDbContract('PGlite (in memory)', openTestPglite, (db) => db.close());

describe('PGlite single session', () => {
  it('refuses a statement on the database inside one of its transactions instead of deadlocking', async () => {
    const db = await openTestPglite();
    try {
      await expect(db.transaction(async () => db.query('SELECT 1'))).rejects.toThrow(/would deadlock/);
      // Work started outside the transaction still waits its turn and runs.
      await expect(db.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    } finally {
      await db.close();
    }
  });
});
