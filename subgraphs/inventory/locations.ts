import type { Db } from '../../platform/db';
import { writeTransaction, type WriteTx } from '../../platform/write-path/write-tx';
import { LocationRegistered, LocationUpdated, type LocationAnnouncedData } from '../../contracts/events/inventory';
import type { LocationRow } from './store';

/**
 * The one way locations are written: every new location and every change of what inventory
 * announces about one goes out through the outbox in the same transaction (`LocationRegistered`,
 * `LocationUpdated`), so the subgraphs that check commands against inventory's locations (returns)
 * always converge on the same list. Nothing is announced when nothing changed, so a re-sync of the
 * ERP's list (or a restart of the demo) is silent.
 */

/** A location as the ERP describes it. */
export type LocationInput = Omit<LocationRow, 'safety_stock' | 'unopened_returns_sellable'> & { safety_stock?: number; unopened_returns_sellable?: boolean };

/** Settings inventory keeps per location beside the ERP's description. */
export interface LocationSettings {
  safetyStock?: number;
  unopenedReturnsSellable?: boolean;
}

type AnnouncedRow = Pick<LocationRow, 'id' | 'name' | 'kind' | 'city' | 'unopened_returns_sellable'>;

const announced = (row: AnnouncedRow): LocationAnnouncedData => ({
  locationId: row.id,
  name: row.name,
  kind: row.kind,
  city: row.city,
  unopenedReturnsSellable: row.unopened_returns_sellable,
});

/**
 * Inserts new locations and updates changed ones (the ERP's list) in the caller's transaction,
 * announcing each; answers the ids it inserted (`upsertLocation` reports `created` from them).
 */
export async function registerLocations(tx: WriteTx, locations: readonly LocationInput[]): Promise<string[]> {
  const inserted: string[] = [];
  for (const location of locations) {
    // `xmax = 0` only on a freshly inserted row; no row at all when the update's WHERE found nothing new.
    const { rows } = await tx.query<AnnouncedRow & { inserted: boolean }>(
      `INSERT INTO inventory.locations AS l (id, name, kind, city, safety_stock, unopened_returns_sellable) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, city = EXCLUDED.city
        WHERE (l.name, l.kind, l.city) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.city)
       RETURNING id, name, kind, city, unopened_returns_sellable, (xmax = 0) AS inserted`,
      [location.id, location.name, location.kind, location.city, location.safety_stock ?? 0, location.unopened_returns_sellable ?? false],
    );
    const row = rows[0];
    if (!row) continue;
    if (row.inserted) inserted.push(row.id);
    const definition = row.inserted ? LocationRegistered : LocationUpdated;
    await tx.emit(definition, row.id, announced(row));
  }
  return inserted;
}

/** `registerLocations` in a transaction of its own: the ERP sync, the demo loader, tests. */
export async function upsertLocations(db: Db, locations: readonly LocationInput[]): Promise<void> {
  await writeTransaction(db, 'inventory', async (tx) => {
    await registerLocations(tx, locations);
  });
}

/**
 * Changes inventory's own settings of a location; announces `LocationUpdated` when an announced
 * one changed (the safety stock is inventory's alone). False when the location does not exist.
 */
export async function configureLocation(tx: WriteTx, locationId: string, settings: LocationSettings): Promise<boolean> {
  const { rows: before } = await tx.query<AnnouncedRow>(
    `SELECT id, name, kind, city, unopened_returns_sellable FROM inventory.locations WHERE id = $1 FOR UPDATE`,
    [locationId],
  );
  const current = before[0];
  if (!current) return false;
  await tx.query(
    `UPDATE inventory.locations SET safety_stock = coalesce($2, safety_stock), unopened_returns_sellable = coalesce($3, unopened_returns_sellable) WHERE id = $1`,
    [locationId, settings.safetyStock ?? null, settings.unopenedReturnsSellable ?? null],
  );
  const fastTrack = settings.unopenedReturnsSellable ?? current.unopened_returns_sellable;
  if (fastTrack !== current.unopened_returns_sellable) {
    await tx.emit(LocationUpdated, locationId, announced({ ...current, unopened_returns_sellable: fastTrack }));
  }
  return true;
}
