import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { TEST_SETTINGS } from '../test/support/settings';
import { SUBGRAPH_SCHEMAS, stuckEvents } from '../test/support/pipeline-quiescence';
import { seedDemo } from './demo';
import { settleDemoEvents } from './demo-events';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.db);
}, 60_000);

afterAll(async () => {
  await database?.drop();
});

/** What the seed's events leave behind in every schema: outboxes, inboxes and the views they build. */
async function carried() {
  const parts = SUBGRAPH_SCHEMAS.map(
    (schema) => `SELECT '${schema}' AS schema,
       (SELECT count(*) FROM ${schema}.outbox WHERE published_at IS NULL)::int8 AS unpublished,
       (SELECT count(*) FROM ${schema}.outbox)::int8 AS appended,
       (SELECT max(published_at) FROM ${schema}.outbox) AS "lastPublished",
       (SELECT count(*) FROM ${schema}.inbox)::int8 AS handled,
       (SELECT count(*) FROM ${schema}.relay_state)::int8 AS "relayState"`,
  );
  const { rows } = await database.db.query(parts.join(' UNION ALL '));
  const { rows: views } = await database.db.query<{ orders: number; snapshots: number; locations: number }>(
    `SELECT (SELECT count(*) FROM orders.orders)::int8 AS orders, (SELECT count(*) FROM returns.order_snapshots)::int8 AS snapshots,
            (SELECT count(*) FROM returns.locations)::int8 AS locations`,
  );
  return { schemas: rows, views: views[0] };
}

describe('settleDemoEvents (the embedded snapshot is taken after it)', () => {
  it('carries every event of the demo seed to every consumer, and leaves no bus epoch behind', async () => {
    const before = await carried();
    expect(before.views?.snapshots).toBe(0);

    await settleDemoEvents(database.db, TEST_SETTINGS);

    const after = await carried();
    expect(after.schemas.map((row) => Number(row.unpublished))).toEqual([0, 0, 0, 0]);
    expect(after.views?.orders).toBeGreaterThanOrEqual(900);
    expect(after.views?.snapshots).toBe(after.views?.orders);
    expect(after.views?.locations).toBeGreaterThan(0);
    expect(await stuckEvents(database.db)).toEqual([]);
    // A relay finding no recorded epoch records its own and republishes nothing.
    expect(after.schemas.map((row) => Number(row.relayState))).toEqual([0, 0, 0, 0]);
  }, 120_000);

  it('changes nothing when run again on a new bus: the next process republishes and handles nothing twice', async () => {
    const before = await carried();
    await settleDemoEvents(database.db, TEST_SETTINGS);
    expect(await carried()).toEqual(before);
  }, 120_000);
});
