import { PgliteDb } from './pglite';
import { describeDbContract } from './db.contract';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';

let pg: TestDatabase | undefined;
describeDbContract(
  'PostgreSQL',
  async () => {
    pg = await createTestDatabase();
    return pg.db;
  },
  async () => pg?.drop(),
);

describeDbContract(
  'PGlite (in memory)',
  () => PgliteDb.open(),
  (db) => db.close(),
);
