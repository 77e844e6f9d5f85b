import type { Queryable } from '../../platform/db';
import { scopeCondition, type ReadScope } from '../../platform/auth';
import type { Cursor } from '../../platform/graphql/connection';

/** A return row as stored. */
export interface ReturnRow {
  id: string;
  order_id: string;
  status: string;
  financial_status: string;
  channel: string;
  store_id: string | null;
  customer_id: string | null;
  partner_id: string | null;
  requested_at: Date;
  updated_at: Date;
}

/** A return line row as stored. */
export interface ReturnLineRow {
  id: string;
  return_id: string;
  order_line_id: string;
  sku: string;
  quantity: number;
  reason: string;
  customer_note: string | null;
}

/** Filters of the `returns` list. */
export interface ReturnFilter {
  status?: string | null;
  channel?: string | null;
  storeId?: string | null;
  customerId?: string | null;
  requestedAfter?: Date | null;
  requestedBefore?: Date | null;
}

const RETURN_COLUMNS = 'id, order_id, status, financial_status, channel, store_id, customer_id, partner_id, requested_at, updated_at';

/** Returns by id, visible in `scope`; ids not found or not visible are simply absent. */
export async function returnsByIds(db: Queryable, ids: readonly string[], scope: ReadScope): Promise<ReturnRow[]> {
  const scoped = scopeCondition(scope, 2);
  const { rows } = await db.query<ReturnRow & Record<string, unknown>>(
    `SELECT ${RETURN_COLUMNS} FROM returns.returns WHERE id = ANY($1) AND ${scoped.sql}`,
    [ids, ...scoped.params],
  );
  return rows;
}

/** Returns of several orders at once, newest first, visible in `scope`. */
export async function returnsByOrderIds(db: Queryable, orderIds: readonly string[], scope: ReadScope): Promise<ReturnRow[]> {
  const scoped = scopeCondition(scope, 2);
  const { rows } = await db.query<ReturnRow & Record<string, unknown>>(
    `SELECT ${RETURN_COLUMNS} FROM returns.returns WHERE order_id = ANY($1) AND ${scoped.sql}
     ORDER BY requested_at DESC, id DESC`,
    [orderIds, ...scoped.params],
  );
  return rows;
}

/** Lines of several returns at once. */
export async function linesByReturnIds(db: Queryable, returnIds: readonly string[]): Promise<ReturnLineRow[]> {
  const { rows } = await db.query<ReturnLineRow & Record<string, unknown>>(
    `SELECT id, return_id, order_line_id, sku, quantity, reason, customer_note
       FROM returns.return_lines WHERE return_id = ANY($1) ORDER BY return_id, id`,
    [returnIds],
  );
  return rows;
}

/** One page of returns (keyset on requested_at desc, id desc), `limit + 1` rows to detect a next page. */
export async function listReturns(db: Queryable, filter: ReturnFilter, scope: ReadScope, limit: number, after?: Cursor): Promise<ReturnRow[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(params.length));
  };
  if (filter.status) add((n) => `status = $${n}`, filter.status);
  if (filter.channel) add((n) => `channel = $${n}`, filter.channel);
  if (filter.storeId) add((n) => `store_id = $${n}`, filter.storeId);
  if (filter.customerId) add((n) => `customer_id = $${n}`, filter.customerId);
  if (filter.requestedAfter) add((n) => `requested_at >= $${n}`, filter.requestedAfter);
  if (filter.requestedBefore) add((n) => `requested_at < $${n}`, filter.requestedBefore);
  if (after) {
    params.push(new Date(after.sort), after.id);
    conditions.push(`(requested_at, id) < ($${params.length - 1}, $${params.length})`);
  }
  const scoped = scopeCondition(scope, params.length + 1);
  conditions.push(scoped.sql);
  params.push(...scoped.params, limit + 1);
  const { rows } = await db.query<ReturnRow & Record<string, unknown>>(
    `SELECT ${RETURN_COLUMNS} FROM returns.returns WHERE ${conditions.join(' AND ')}
     ORDER BY requested_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows;
}
