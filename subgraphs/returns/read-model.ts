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
  number: string;
  refund_method: string | null;
  destination_location_id: string | null;
  value_minor: number | null;
  currency: string | null;
  policy_version: number | null;
  fraud_outcome: string | null;
  fraud_reasons: { signal: string; outcome: string; message: string }[];
  approval: string | null;
  decline_reason: string | null;
  carrier: string | null;
  tracking_number: string | null;
  revision: number;
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
  received_quantity: number;
  net_value_minor: number;
  restocking_fee_minor: number;
}

/** A disposition row as stored. */
export interface DispositionRow {
  return_line_id: string;
  disposition: string;
  quantity: number;
  location_id: string;
  inspected_by: string;
  inspected_at: Date;
}

/** A timeline row as stored. */
export interface TimelineRow {
  return_id: string;
  from_status: string | null;
  to_status: string;
  action: string;
  actor: string;
  roles: string[];
  channel: string | null;
  store_id: string | null;
  correlation_id: string | null;
  note: string | null;
  occurred_at: Date;
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

const RETURN_COLUMNS = `id, order_id, status, financial_status, channel, store_id, customer_id, partner_id, requested_at, updated_at, number,
  refund_method, destination_location_id, value_minor, currency, policy_version, fraud_outcome, fraud_reasons, approval, decline_reason,
  carrier, tracking_number, revision`;

/** Returns by id, visible in `scope`; ids not found or not visible are simply absent. */
export async function returnsByIds(db: Queryable, ids: readonly string[], scope: ReadScope): Promise<ReturnRow[]> {
  const scoped = scopeCondition(scope, 2);
  const { rows } = await db.query<ReturnRow & Record<string, unknown>>(`SELECT ${RETURN_COLUMNS} FROM returns.returns WHERE id = ANY($1) AND ${scoped.sql}`, [
    ids,
    ...scoped.params,
  ]);
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
    `SELECT id, return_id, order_line_id, sku, quantity, reason, customer_note, received_quantity, net_value_minor, restocking_fee_minor
       FROM returns.return_lines WHERE return_id = ANY($1) ORDER BY return_id, position, id`,
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

/** Dispositions of several return lines at once, oldest first. */
export async function dispositionsByLineIds(db: Queryable, lineIds: readonly string[]): Promise<DispositionRow[]> {
  const { rows } = await db.query<DispositionRow & Record<string, unknown>>(
    `SELECT return_line_id, disposition, quantity, location_id, inspected_by, inspected_at
       FROM returns.return_line_dispositions WHERE return_line_id = ANY($1) ORDER BY id`,
    [lineIds],
  );
  return rows;
}

/** Timelines of several returns at once, oldest entry first. */
export async function timelinesByReturnIds(db: Queryable, returnIds: readonly string[]): Promise<TimelineRow[]> {
  const { rows } = await db.query<TimelineRow & Record<string, unknown>>(
    `SELECT return_id, from_status, to_status, action, actor, roles, channel, store_id, correlation_id, note, occurred_at
       FROM returns.return_timeline WHERE return_id = ANY($1) ORDER BY id`,
    [returnIds],
  );
  return rows;
}
