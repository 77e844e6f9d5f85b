import type { Queryable } from '../../platform/db';
import { newId } from '../../platform/ids';
import type { NewOrder, NewPayment } from '../../contracts/orders';
import type { OrderFilter, OrderLineRecord, OrderPage, OrderRecord, PaymentRecord } from './domain/order-records';
import { lineTotal, orderTotals } from './domain/totals';
import { insertRows } from './sql/insert-rows';
import { columnNames, LINE_INSERT, ORDER_INSERT, PAYMENT_INSERT, rowValues } from './sql/insert-columns';

/** Order columns under the names of `OrderRecord`, so rows need no mapping. */
const ORDER_COLUMNS = `o.id, o.number, o.source, o.external_id AS "externalId", o.channel, o.store_id AS "storeId",
  o.marketplace_partner_id AS "marketplacePartnerId", o.customer_id AS "customerId", o.customer_email AS "customerEmail",
  o.customer_name AS "customerName", o.placed_at AS "placedAt", o.delivered_at AS "deliveredAt", o.currency,
  o.shipping_method AS "shippingMethod", o.shipping_minor AS "shippingMinor", o.shipping_tax_minor AS "shippingTaxMinor",
  o.subtotal_minor AS "subtotalMinor", o.discount_total_minor AS "discountTotalMinor", o.tax_total_minor AS "taxTotalMinor",
  o.total_minor AS "totalMinor", o.captured_total_minor AS "capturedTotalMinor", o.cancelled_at AS "cancelledAt",
  o.source_updated_at AS "sourceUpdatedAt"`;

/** Line columns under the names of `OrderLineRecord`; joined with the order for currency and tenancy. */
const LINE_COLUMNS = `l.id, l.order_id AS "orderId", l.line_number AS "lineNumber", l.sku, l.title, l.category, l.quantity,
  l.unit_price_minor AS "unitPriceMinor", l.discount_minor AS "discountMinor", l.tax_minor AS "taxMinor",
  l.final_sale AS "finalSale", l.total_minor AS "totalMinor", o.currency, o.customer_id AS "customerId",
  o.marketplace_partner_id AS "marketplacePartnerId"`;

/** Payment columns under the names of `PaymentRecord`. */
const PAYMENT_COLUMNS = `p.id, p.order_id AS "orderId", p.provider, p.provider_reference AS "providerReference", p.method,
  p.captured_minor AS "capturedMinor", p.captured_at AS "capturedAt", p.refunded_externally_minor AS "refundedExternallyMinor", o.currency`;

/** An order ready to insert: ids and number assigned, totals computed. */
export interface PreparedOrder {
  order: OrderRecord;
  lines: Omit<OrderLineRecord, 'currency' | 'customerId' | 'marketplacePartnerId'>[];
  payments: Omit<PaymentRecord, 'currency'>[];
}

/**
 * The orders subgraph's store: the `orders` schema in PostgreSQL, the only place orders are kept
 * (commerce platforms feed it through `recordOrder`). Bound to the database or to an open
 * transaction; it never opens transactions itself, so writes commit together with whatever the
 * caller adds (idempotency records, outbox events).
 */
export class OrdersStore {
  constructor(private readonly db: Queryable) {}

  async findOrders(ids: readonly string[]): Promise<OrderRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.query<OrderRecord & Record<string, unknown>>(`SELECT ${ORDER_COLUMNS} FROM orders.orders o WHERE o.id = ANY($1::text[])`, [
      ids,
    ]);
    return rows.map(trimCurrency);
  }

  async findOrderByNumber(number: string): Promise<OrderRecord | null> {
    const { rows } = await this.db.query<OrderRecord & Record<string, unknown>>(`SELECT ${ORDER_COLUMNS} FROM orders.orders o WHERE o.number = $1`, [number]);
    return rows[0] ? trimCurrency(rows[0]) : null;
  }

  async findOrderByExternalId(source: string, externalId: string): Promise<OrderRecord | null> {
    return this.byExternalId(source, externalId, '');
  }

  async lockOrderByExternalId(source: string, externalId: string): Promise<OrderRecord | null> {
    return this.byExternalId(source, externalId, 'FOR UPDATE');
  }

  async findLines(ids: readonly string[]): Promise<OrderLineRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.query<OrderLineRecord & Record<string, unknown>>(
      `SELECT ${LINE_COLUMNS} FROM orders.order_lines l JOIN orders.orders o ON o.id = l.order_id WHERE l.id = ANY($1::text[])`,
      [ids],
    );
    return rows.map(trimCurrency);
  }

  async findLinesOfOrders(orderIds: readonly string[]): Promise<OrderLineRecord[]> {
    if (orderIds.length === 0) return [];
    const { rows } = await this.db.query<OrderLineRecord & Record<string, unknown>>(
      `SELECT ${LINE_COLUMNS} FROM orders.order_lines l JOIN orders.orders o ON o.id = l.order_id
       WHERE l.order_id = ANY($1::text[]) ORDER BY l.order_id, l.line_number`,
      [orderIds],
    );
    return rows.map(trimCurrency);
  }

  async findPaymentsOfOrders(orderIds: readonly string[]): Promise<PaymentRecord[]> {
    if (orderIds.length === 0) return [];
    const { rows } = await this.db.query<PaymentRecord & Record<string, unknown>>(
      `SELECT ${PAYMENT_COLUMNS} FROM orders.payments p JOIN orders.orders o ON o.id = p.order_id
       WHERE p.order_id = ANY($1::text[]) ORDER BY p.order_id, p.captured_at, p.id`,
      [orderIds],
    );
    return rows.map(trimCurrency);
  }

  async listOrders(filter: OrderFilter, page: OrderPage): Promise<OrderRecord[]> {
    const { where, params } = filterClause(filter);
    if (page.after) {
      params.push(page.after.placedAt, page.after.id);
      where.push(`(o.placed_at, o.id) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(page.limit);
    const { rows } = await this.db.query<OrderRecord & Record<string, unknown>>(
      `SELECT ${ORDER_COLUMNS} FROM orders.orders o ${whereSql(where)} ORDER BY o.placed_at DESC, o.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(trimCurrency);
  }

  async countOrders(filter: OrderFilter): Promise<number> {
    const { where, params } = filterClause(filter);
    const { rows } = await this.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM orders.orders o ${whereSql(where)}`, params);
    return rows[0]?.n ?? 0;
  }

  /** Inserts a new order (skipped when its (source, external id) exists); `sourceUpdatedAt` is the platform's time of this version. */
  async insertOrder(order: NewOrder, sourceUpdatedAt: Date | null = null): Promise<OrderRecord | null> {
    const { rows } = await this.db.query<{ n: number }>(`SELECT nextval('orders.order_number_seq')::int8 AS n`);
    const prepared = prepareOrder(order, { orderId: newId('ord'), number: `R${rows[0]?.n}`, lineId: () => newId('oli'), paymentId: () => newId('pay') });
    prepared.order.sourceUpdatedAt = sourceUpdatedAt;
    const inserted = await insertPreparedOrders(this.db, [prepared], { onConflict: 'skip' });
    return inserted === 1 ? prepared.order : null;
  }

  /**
   * Updates an order's mutable facts: delivery, captures, and — when given — cancellation and the
   * platform's time of this version (kept at the newest seen).
   */
  async updateOrderFacts(orderId: string, facts: OrderFacts): Promise<OrderRecord> {
    if (facts.payments.length > 0) {
      const rows = facts.payments.map((p) => [newId('pay'), orderId, p.provider, p.providerReference, p.method, p.capturedMinor, p.capturedAt]);
      await insertRows(this.db, 'orders.payments', ['id', 'order_id', 'provider', 'provider_reference', 'method', 'captured_minor', 'captured_at'], rows, {
        suffix: `ON CONFLICT (order_id, provider, provider_reference) DO UPDATE SET method = EXCLUDED.method,
          captured_minor = EXCLUDED.captured_minor, captured_at = EXCLUDED.captured_at, updated_at = now()`,
      });
    }
    // The captured total is recomputed from the rows, so it cannot drift from them; the CHECK on
    // orders refuses the update if captures now exceed the total.
    const { rows } = await this.db.query<OrderRecord & Record<string, unknown>>(
      `UPDATE orders.orders o SET delivered_at = $2, updated_at = now(),
         cancelled_at = CASE WHEN $3 THEN $4::timestamptz ELSE o.cancelled_at END,
         source_updated_at = GREATEST(o.source_updated_at, $5::timestamptz),
         captured_total_minor = (SELECT coalesce(sum(captured_minor), 0) FROM orders.payments WHERE order_id = o.id)
       WHERE o.id = $1 RETURNING ${ORDER_COLUMNS}`,
      [orderId, facts.deliveredAt, facts.cancelledAt !== undefined, facts.cancelledAt ?? null, facts.sourceUpdatedAt ?? null],
    );
    if (!rows[0]) throw new Error(`order ${orderId} vanished inside its own transaction`);
    return trimCurrency(rows[0]);
  }

  private async byExternalId(source: string, externalId: string, lock: '' | 'FOR UPDATE'): Promise<OrderRecord | null> {
    const { rows } = await this.db.query<OrderRecord & Record<string, unknown>>(
      `SELECT ${ORDER_COLUMNS} FROM orders.orders o WHERE o.source = $1 AND o.external_id = $2 ${lock}`,
      [source, externalId],
    );
    return rows[0] ? trimCurrency(rows[0]) : null;
  }
}

/** The facts of an order that may change after it is recorded. */
export interface OrderFacts {
  deliveredAt: Date | null;
  payments: NewPayment[];
  /** Absent: left as it is (`recordOrder` has no cancellation); null: the order stands again. */
  cancelledAt?: Date | null;
  /** The platform's time of the version these facts come from; the stored one only grows. */
  sourceUpdatedAt?: Date | null;
}

/** Ids an order needs before it can be inserted; the demo passes deterministic ones. */
export interface OrderIdentity {
  orderId: string;
  number: string;
  lineId(index: number): string;
  paymentId(index: number): string;
}

/** Assigns ids and number and computes every total of `order`. */
export function prepareOrder(order: NewOrder, identity: OrderIdentity): PreparedOrder {
  const totals = orderTotals(order.lines, order.shipping);
  const captured = order.payments.reduce((sum, p) => sum + p.capturedMinor, 0);
  return {
    order: {
      id: identity.orderId,
      number: identity.number,
      source: order.source,
      externalId: order.externalId,
      channel: order.channel,
      storeId: order.storeId,
      marketplacePartnerId: order.marketplacePartnerId,
      customerId: order.customerId,
      customerEmail: order.customerEmail,
      customerName: order.customerName,
      placedAt: order.placedAt,
      deliveredAt: order.deliveredAt,
      cancelledAt: order.cancelledAt ?? null,
      sourceUpdatedAt: null,
      currency: order.currency,
      shippingMethod: order.shipping?.method ?? null,
      shippingMinor: order.shipping?.amountMinor ?? 0,
      shippingTaxMinor: order.shipping?.taxMinor ?? 0,
      subtotalMinor: totals.subtotalMinor,
      discountTotalMinor: totals.discountTotalMinor,
      taxTotalMinor: totals.taxTotalMinor,
      totalMinor: totals.totalMinor,
      capturedTotalMinor: captured,
    },
    lines: order.lines.map((line, index) => ({
      ...line,
      id: identity.lineId(index),
      orderId: identity.orderId,
      lineNumber: index + 1,
      totalMinor: lineTotal(line),
    })),
    payments: order.payments.map((payment, index) => ({ ...payment, id: identity.paymentId(index), orderId: identity.orderId })),
  };
}

/**
 * Inserts prepared orders with their lines and payments in multi-row statements. With
 * `onConflict: 'skip'` an order whose (source, external id) exists is skipped with its lines and
 * payments. Returns how many orders were inserted. Call inside a transaction.
 */
export async function insertPreparedOrders(db: Queryable, orders: readonly PreparedOrder[], options: { onConflict: 'skip' | 'fail' }): Promise<number> {
  const insertedIds = await insertRows(
    db,
    'orders.orders',
    columnNames(ORDER_INSERT),
    orders.map(({ order }) => rowValues(ORDER_INSERT, order)),
    { suffix: options.onConflict === 'skip' ? 'ON CONFLICT (source, external_id) DO NOTHING RETURNING id' : 'RETURNING id' },
  );
  const inserted = new Set(insertedIds);
  const kept = orders.filter(({ order }) => inserted.has(order.id));
  await insertRows(
    db,
    'orders.order_lines',
    columnNames(LINE_INSERT),
    kept.flatMap(({ lines }) => lines.map((line) => rowValues(LINE_INSERT, line))),
  );
  await insertRows(
    db,
    'orders.payments',
    columnNames(PAYMENT_INSERT),
    kept.flatMap(({ payments }) => payments.map((payment) => rowValues(PAYMENT_INSERT, payment))),
  );
  return kept.length;
}

function filterClause(filter: OrderFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(sql(params.length));
  };
  if (filter.customerId !== undefined) add((n) => `o.customer_id = $${n}`, filter.customerId);
  if (filter.marketplacePartnerId !== undefined) add((n) => `o.marketplace_partner_id = $${n}`, filter.marketplacePartnerId);
  if (filter.channel !== undefined) add((n) => `o.channel = $${n}`, filter.channel);
  if (filter.storeId !== undefined) add((n) => `o.store_id = $${n}`, filter.storeId);
  if (filter.placedAfter !== undefined) add((n) => `o.placed_at >= $${n}`, filter.placedAfter);
  if (filter.placedBefore !== undefined) add((n) => `o.placed_at < $${n}`, filter.placedBefore);
  return { where, params };
}

function whereSql(where: string[]): string {
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

/** char(3) comes back padded on some drivers; currencies are always three letters anyway. */
function trimCurrency<T extends { currency: string }>(row: T): T {
  return row.currency.length === 3 ? row : { ...row, currency: row.currency.trim() };
}
