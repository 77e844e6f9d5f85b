import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { validateEventData } from '../../platform/events/catalog';
import { isId } from '../../platform/ids';
import { configureLocation, upsertLocations } from './locations';
import { writeTransaction } from '../../platform/write-path/write-tx';

/** Crockford base32, as platform/ids.ts writes ids. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The instant encoded in the first 10 characters of an id's body (48 bits of milliseconds). */
const idTime = (id: string): number => [...id.slice(4, 14)].reduce((ms, char) => ms * 32 + ALPHABET.indexOf(char), 0);
/** How far the migration's clock may be from the test's: same machine, same minute. */
const CLOCK_TOLERANCE_MS = 60_000;

/** The migration that announces the locations that existed before inventory announced any. */
const ANNOUNCE_MIGRATION = join(__dirname, 'migrations/010_announce_locations.sql');

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

type Announcement = { id: string; type: string; version: number; correlation_id: string; data: Record<string, unknown> };

/** Inventory's outbox rows about these locations, in append order. */
async function announcements(...locationIds: string[]): Promise<Announcement[]> {
  const { rows } = await database.db.query<Announcement>(
    `SELECT id, type, version, correlation_id, data FROM inventory.outbox WHERE aggregate_id = ANY($1) ORDER BY seq`,
    [locationIds],
  );
  return rows;
}

describe('inventory announces its locations', () => {
  it('announces a new location with LocationRegistered, a changed one with LocationUpdated, and nothing for an unchanged re-sync', async () => {
    const store = { id: 'loc_store_ann_a', name: 'Store A', kind: 'STORE' as const, city: 'Boston' };
    await upsertLocations(database.db, [store]);
    await upsertLocations(database.db, [store]);
    await upsertLocations(database.db, [{ ...store, name: 'Store A (Back Bay)' }]);
    const rows = await announcements(store.id);
    expect(rows.map((row) => [row.type, row.data])).toEqual([
      ['LocationRegistered', { locationId: store.id, name: 'Store A', kind: 'STORE', city: 'Boston', unopenedReturnsSellable: false }],
      ['LocationUpdated', { locationId: store.id, name: 'Store A (Back Bay)', kind: 'STORE', city: 'Boston', unopenedReturnsSellable: false }],
    ]);
  });

  it('announces a change of fast-tracked returns but not of safety stock, which is inventory’s alone', async () => {
    const store = { id: 'loc_store_ann_b', name: 'Store B', kind: 'STORE' as const, city: 'Denver' };
    await upsertLocations(database.db, [store]);
    await writeTransaction(database.db, 'inventory', (tx) => configureLocation(tx, store.id, { safetyStock: 3 }));
    await writeTransaction(database.db, 'inventory', (tx) => configureLocation(tx, store.id, { unopenedReturnsSellable: true }));
    await writeTransaction(database.db, 'inventory', (tx) => configureLocation(tx, store.id, { unopenedReturnsSellable: true }));
    expect((await announcements(store.id)).map((row) => [row.type, row.data.unopenedReturnsSellable])).toEqual([
      ['LocationRegistered', false],
      ['LocationUpdated', true],
    ]);
    expect(await writeTransaction(database.db, 'inventory', (tx) => configureLocation(tx, 'loc_store_ann_missing', { safetyStock: 1 }))).toBe(false);
  });

  it('announces, by migration, the locations that existed before announcements, with ids and data every consumer accepts', async () => {
    // A location as the ERP sync wrote it before inventory announced anything.
    await database.db.query(
      `INSERT INTO inventory.locations (id, name, kind, city, unopened_returns_sellable) VALUES ('loc_wh_ann_old', 'Old Warehouse', 'WAREHOUSE', NULL, true)`,
    );
    const up = readFileSync(ANNOUNCE_MIGRATION, 'utf8').split('-- Down Migration')[0] as string;
    await database.db.query(up);
    const rows = await announcements('loc_wh_ann_old');
    expect(rows).toHaveLength(1);
    const [row] = rows as [Announcement];
    expect(row).toMatchObject({ type: 'LocationRegistered', version: 1, correlation_id: 'migration:010_announce_locations' });
    expect(isId('evt', row.id)).toBe(true);
    expect(Math.abs(idTime(row.id) - Date.now())).toBeLessThan(CLOCK_TOLERANCE_MS);
    expect(validateEventData(row.type, row.version, row.data)).toEqual({
      locationId: 'loc_wh_ann_old',
      name: 'Old Warehouse',
      kind: 'WAREHOUSE',
      city: null,
      unopenedReturnsSellable: true,
    });
  });
});
