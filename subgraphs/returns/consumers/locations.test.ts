import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { newId } from '../../../platform/ids';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { LocationRegistered, LocationUpdated, type LocationAnnouncedData } from '../../../contracts/events/inventory';
import { isKnownLocation } from '../lifecycle/locations';
import { locationsConsumer } from './locations';
import { writeTransaction, type WriteTx } from '../../../platform/write-path/write-tx';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

/** Applies one announcement the way the consumer's runner does, without its inbox. */
async function apply(tx: WriteTx, event: EventEnvelope): Promise<void> {
  const handler = locationsConsumer.handlers.find((candidate) => candidate.definition.type === event.type);
  if (!handler) throw new Error(`locationsConsumer does not handle ${event.type}`);
  const step = await handler.accept(event).prepare(false);
  await step(tx);
}

/** An announcement of `data` by inventory at `occurredAt`. */
const announcement = (type: string, data: LocationAnnouncedData, occurredAt: string): EventEnvelope => ({
  id: newId('evt'),
  type,
  version: 1,
  occurredAt,
  source: 'inventory',
  correlationId: 'test',
  causationId: null,
  aggregateId: data.locationId,
  data,
});

const store = { locationId: 'loc_store_rm', name: 'Store', kind: 'STORE' as const, city: 'Austin', unopenedReturnsSellable: false };

describe('returns’ read model of inventory’s locations', () => {
  it('knows a location once inventory registered it, follows its updates and ignores an older announcement arriving late', async () => {
    expect(await isKnownLocation(database.db, store.locationId)).toBe(false);
    await writeTransaction(database.db, 'returns', (tx) => apply(tx, announcement(LocationRegistered.type, store, '2026-01-01T10:00:00.000Z')));
    await writeTransaction(database.db, 'returns', (tx) =>
      apply(tx, announcement(LocationUpdated.type, { ...store, name: 'Store (renamed)' }, '2026-01-02T10:00:00.000Z')),
    );
    await writeTransaction(database.db, 'returns', (tx) => apply(tx, announcement(LocationRegistered.type, store, '2026-01-01T10:00:00.000Z')));
    expect(await isKnownLocation(database.db, store.locationId)).toBe(true);
    const { rows } = await database.db.query<{ name: string; kind: string }>(`SELECT name, kind FROM returns.locations WHERE id = $1`, [store.locationId]);
    expect(rows).toEqual([{ name: 'Store (renamed)', kind: 'STORE' }]);
  });

  it('treats an id with control characters or beyond any id’s length as unknown without asking the database', async () => {
    expect(await isKnownLocation(database.db, 'loc_store_rm\u0000')).toBe(false);
    expect(await isKnownLocation(database.db, `loc_${'x'.repeat(300)}`)).toBe(false);
    expect(await isKnownLocation(database.db, '')).toBe(false);
  });
});
