import type { Queryable } from '../../platform/db';
import type { Cursor } from '../../platform/graphql/connection';
import type { Balance } from './domain/stock-levels';

/** A location row as stored. */
export interface LocationRow {
  id: string;
  name: string;
  kind: 'STORE' | 'WAREHOUSE';
  city: string | null;
  safety_stock: number;
  unopened_returns_sellable: boolean;
}

/** A ledger row as stored. */
export interface MovementRow {
  id: string;
  sku: string;
  location_id: string;
  from_state: string | null;
  to_state: string | null;
  quantity: number;
  reason: string;
  cause_id: string;
  correlation_id: string | null;
  actor: string;
  occurred_at: Date;
}

/** Every location, by id. */
export async function allLocations(db: Queryable): Promise<LocationRow[]> {
  const { rows } = await db.query<LocationRow & Record<string, unknown>>(
    'SELECT id, name, kind, city, safety_stock, unopened_returns_sellable FROM inventory.locations ORDER BY id',
  );
  return rows;
}

/** Balances of several SKUs at once (all locations; callers filter). */
export async function balancesBySkus(db: Queryable, skus: readonly string[]): Promise<Balance[]> {
  const { rows } = await db.query<Balance & Record<string, unknown>>(
    'SELECT sku, location_id, state, quantity FROM inventory.stock_balances WHERE sku = ANY($1)',
    [skus],
  );
  return rows;
}

/** One page of a SKU's ledger, newest first, `limit + 1` rows to detect a next page. */
export async function ledgerPage(db: Queryable, sku: string, locationId: string | null | undefined, limit: number, after?: Cursor): Promise<MovementRow[]> {
  const params: unknown[] = [sku];
  const conditions = ['sku = $1'];
  if (locationId) {
    params.push(locationId);
    conditions.push(`location_id = $${params.length}`);
  }
  if (after) {
    params.push(new Date(after.sort), after.id);
    conditions.push(`(occurred_at, id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(limit + 1);
  const { rows } = await db.query<MovementRow & Record<string, unknown>>(
    `SELECT id, sku, location_id, from_state, to_state, quantity, reason, cause_id, correlation_id, actor, occurred_at
       FROM inventory.movements WHERE ${conditions.join(' AND ')}
      ORDER BY occurred_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows;
}
