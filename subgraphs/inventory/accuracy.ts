import type { Queryable } from '../../platform/db';
import { STOCK_STATES, type StockState } from '../../contracts/vocabulary';

/** One (SKU, state) where the balance projection and the fold of the ledger disagree. */
export interface Mismatch {
  sku: string;
  state: StockState;
  projected: number;
  ledger: number;
}

/** Per location: projection vs ledger per state, mismatches, and units by disposition state. */
export interface LocationAccuracy {
  locationId: string;
  states: { state: StockState; projected: number; ledger: number; difference: number }[];
  mismatches: Mismatch[];
  /** Units written off as SCRAP at this location (they left stock; the ledger keeps them). */
  scrapped: number;
}

/** One (location, SKU, state) position: the balance projection and the fold of the ledger. */
export type AccuracyPosition = {
  location_id: string;
  sku: string;
  state: StockState;
  projected: number;
  ledger: number;
};

/** Every (location, SKU, state) position with its projected and ledger quantities (what both the report and the KPIs read). */
export async function accuracyPositions(db: Queryable, locationIds?: readonly string[] | null): Promise<AccuracyPosition[]> {
  const filter = locationIds && locationIds.length > 0;
  const { rows } = await db.query<AccuracyPosition>(
    `WITH folded AS (
       SELECT location_id, sku, state, sum(delta)::int8 AS quantity FROM (
         SELECT location_id, sku, to_state AS state, quantity AS delta FROM inventory.movements WHERE to_state IS NOT NULL
         UNION ALL
         SELECT location_id, sku, from_state AS state, -quantity AS delta FROM inventory.movements WHERE from_state IS NOT NULL
       ) m GROUP BY location_id, sku, state
     )
     SELECT coalesce(b.location_id, f.location_id) AS location_id, coalesce(b.sku, f.sku) AS sku, coalesce(b.state, f.state) AS state,
            coalesce(b.quantity, 0)::int8 AS projected, coalesce(f.quantity, 0)::int8 AS ledger
       FROM inventory.stock_balances b
       FULL OUTER JOIN folded f ON f.location_id = b.location_id AND f.sku = b.sku AND f.state = b.state
      WHERE ${filter ? 'coalesce(b.location_id, f.location_id) = ANY($1)' : 'TRUE'}`,
    filter ? [locationIds] : [],
  );
  return rows.map((row) => ({ ...row, projected: Number(row.projected), ledger: Number(row.ledger) }));
}

/**
 * The accuracy report: the balance projection against a fold of the append-only ledger (units
 * into a state minus units out of it), per location and state. They must always agree — every
 * change writes both in one transaction — so any mismatch is a defect to investigate.
 */
export async function accuracyReport(db: Queryable, locationIds?: readonly string[] | null): Promise<LocationAccuracy[]> {
  const filter = locationIds && locationIds.length > 0;
  const rows = await accuracyPositions(db, locationIds);
  const { rows: scrap } = await db.query<{ location_id: string; n: number }>(
    `SELECT location_id, coalesce(sum(quantity), 0)::int8 AS n FROM inventory.movements
      WHERE to_state IS NULL AND reason = 'RETURN_INSPECTED' ${filter ? 'AND location_id = ANY($1)' : ''} GROUP BY location_id`,
    filter ? [locationIds] : [],
  );
  const { rows: locations } = await db.query<{ id: string }>(
    `SELECT id FROM inventory.locations ${filter ? 'WHERE id = ANY($1)' : ''} ORDER BY id`,
    filter ? [locationIds] : [],
  );
  return locations.map(({ id }) => {
    const here = rows.filter((row) => row.location_id === id);
    return {
      locationId: id,
      states: STOCK_STATES.map((state) => {
        const inState = here.filter((row) => row.state === state);
        const projected = inState.reduce((sum, row) => sum + row.projected, 0);
        const ledger = inState.reduce((sum, row) => sum + row.ledger, 0);
        return { state, projected, ledger, difference: projected - ledger };
      }),
      mismatches: here
        .filter((row) => row.projected !== row.ledger)
        .map((row) => ({ sku: row.sku, state: row.state, projected: row.projected, ledger: row.ledger })),
      scrapped: scrap.find((row) => row.location_id === id)?.n ?? 0,
    };
  });
}
