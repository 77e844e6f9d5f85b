import DataLoader from 'dataloader';
import type { Db } from '../../platform/db';
import type { Principal } from '../../platform/auth';
import type { OrderLineRecord, OrderRecord, PaymentRecord } from './domain/order-records';
import { OrdersStore } from './store';
import { canSee, orderScope, type OrderScope } from './tenancy';

/**
 * Most keys per batch: one `= ANY($1)` query with this many ids stays a fast index scan, and a
 * query plan asking for more is split into several such queries rather than one unbounded one.
 */
export const LOADER_MAX_BATCH = 500;

/**
 * Per-request loaders of the orders subgraph. Every read of an order or line by id goes through
 * them, so N entity references in one query plan cost one SQL query per table, and tenancy is
 * applied in one place: a row the caller may not see loads as null (or is left out of lists).
 */
export interface OrdersLoaders {
  /** The caller's read scope, from the verified principal. */
  scope: OrderScope;
  /** The orders store, bound to the database (not to a transaction), for lookups by number and listings. */
  store: OrdersStore;
  /** Order by id; null when unknown or not visible. */
  order: DataLoader<string, OrderRecord | null>;
  /** Order line by id; null when unknown or not visible. */
  line: DataLoader<string, OrderLineRecord | null>;
  /** Lines of an order id, in line-number order. */
  linesByOrder: DataLoader<string, OrderLineRecord[]>;
  /** Payments of an order id, oldest capture first. */
  paymentsByOrder: DataLoader<string, PaymentRecord[]>;
}

/** Builds fresh loaders for one request. */
export function createOrdersLoaders(db: Db, principal: Principal): OrdersLoaders {
  const store = new OrdersStore(db);
  const scope = orderScope(principal);
  const options = { maxBatchSize: LOADER_MAX_BATCH };
  return {
    scope,
    store,
    order: new DataLoader(async (ids) => {
      const found = byId(await store.findOrders(ids));
      return ids.map((id) => visible(scope, found.get(id)));
    }, options),
    line: new DataLoader(async (ids) => {
      const found = byId(await store.findLines(ids));
      return ids.map((id) => visible(scope, found.get(id)));
    }, options),
    linesByOrder: new DataLoader(async (orderIds) => groupBy(await store.findLinesOfOrders(orderIds), orderIds), options),
    paymentsByOrder: new DataLoader(async (orderIds) => groupBy(await store.findPaymentsOfOrders(orderIds), orderIds), options),
  };
}

function visible<T extends { customerId: string; marketplacePartnerId: string | null }>(scope: OrderScope, row: T | undefined): T | null {
  return row && canSee(scope, row) ? row : null;
}

function byId<T extends { id: string }>(rows: T[]): Map<string, T> {
  return new Map(rows.map((row) => [row.id, row]));
}

/** Rows grouped by order id, in the order the query returned them, one (possibly empty) list per key. */
function groupBy<T extends { orderId: string }>(rows: T[], orderIds: readonly string[]): T[][] {
  const groups = new Map<string, T[]>(orderIds.map((id) => [id, []]));
  for (const row of rows) groups.get(row.orderId)?.push(row);
  return orderIds.map((id) => groups.get(id) ?? []);
}
