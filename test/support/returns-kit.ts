import { randomUUID } from 'node:crypto';
import type { Principal } from '../../platform/auth';
import type { Queryable } from '../../platform/db';
import type { Channel } from '../../contracts/vocabulary';
import { principals } from './principals';
import type { GraphQLResponse } from './subgraph-client';

/**
 * A small kit for the returns tests: record an order of chosen shape and wait for the returns
 * subgraph's snapshot of it, call the returns mutations, and measure what the returns schema holds
 * (so a refused mutation can be shown to have written nothing).
 */

/** Anything that can send an operation as a principal: the gateway (`TestGraph`) or a subgraph client. */
export interface Caller {
  query<T = Record<string, unknown>>(
    principal: Principal,
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
}

/** How long an order may take to reach the returns subgraph (outbox → relay → bus → consumer); the relay wakes on commit. */
export const SNAPSHOT_WAIT_MS = 10_000;
/** Poll interval while waiting for a snapshot: short, the wait is usually tens of milliseconds. */
const SNAPSHOT_POLL_MS = 25;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A fresh, valid idempotency key. */
export const newKey = (prefix = 'k'): string => `${prefix}-${randomUUID()}`;

/** An instant `days` days (and `minutes` minutes) before now. */
export const ago = (days: number, minutes = 0): Date => new Date(Date.now() - days * DAY_MS - minutes * 60_000);

/** One line of an order to record. */
export interface OrderLineSpec {
  sku: string;
  category: string;
  quantity: number;
  /** Unit price as a decimal string, default "20.00". */
  unitPrice?: string;
  /** The whole line's discount and tax as decimal strings; default none. */
  discount?: string;
  tax?: string;
  finalSale?: boolean;
}

/** The order to record; everything has a sensible default. */
export interface OrderSpec {
  customerId: string;
  channel?: Channel;
  storeId?: string | null;
  partnerId?: string | null;
  placedAt?: Date;
  /** Default: two days after placement; pass null for an undelivered order. */
  deliveredAt?: Date | null;
  lines: OrderLineSpec[];
  /** Default CARD, capturing the whole total. */
  paymentMethod?: 'CARD' | 'PAYPAL' | 'GIFT_CARD' | 'STORE_CREDIT' | 'CASH';
}

/** A recorded order as the tests use it. */
export interface RecordedOrder {
  id: string;
  number: string;
  customerId: string;
  lines: { id: string; sku: string; quantity: number }[];
}

const RECORD_ORDER = `mutation($input: RecordOrderInput!, $key: String!) {
  recordOrder(input: $input, idempotencyKey: $key) { order { id number lines { id sku quantity } } userErrors { code field message } }
}`;

type RecordResult = {
  recordOrder: { order: { id: string; number: string; lines: RecordedOrder['lines'] } | null; userErrors: { code: string; message: string }[] };
};

const cents = (amount: string) => Math.round(Number(amount) * 100);

/** The `recordOrder` input of a spec (no shipping, and no tax unless a line asks: values stay easy to reason about). */
export function recordOrderInput(spec: OrderSpec): Record<string, unknown> {
  const placedAt = spec.placedAt ?? ago(3);
  const deliveredAt = spec.deliveredAt === undefined ? new Date(placedAt.getTime() + 2 * DAY_MS) : spec.deliveredAt;
  const totalMinor = spec.lines.reduce(
    (sum, line) => sum + cents(line.unitPrice ?? '20.00') * line.quantity - cents(line.discount ?? '0') + cents(line.tax ?? '0'),
    0,
  );
  return {
    source: 'returns-test',
    externalId: randomUUID(),
    channel: spec.channel ?? 'ECOMMERCE',
    storeId: spec.storeId ?? null,
    marketplacePartnerId: spec.partnerId ?? null,
    customer: { id: spec.customerId },
    placedAt: placedAt.toISOString(),
    deliveredAt: deliveredAt ? deliveredAt.toISOString() : null,
    currencyCode: 'USD',
    lines: spec.lines.map((line) => ({
      sku: line.sku,
      title: `Test ${line.sku}`,
      category: line.category,
      quantity: line.quantity,
      unitPrice: line.unitPrice ?? '20.00',
      discount: line.discount ?? null,
      tax: line.tax ?? null,
      finalSale: line.finalSale ?? false,
    })),
    payments: [
      {
        provider: 'stripe',
        providerReference: `pi_${randomUUID().replace(/-/g, '')}`,
        method: spec.paymentMethod ?? 'CARD',
        capturedAmount: (totalMinor / 100).toFixed(2),
        capturedAt: placedAt.toISOString(),
      },
    ],
  };
}

/** Waits until the returns subgraph holds a snapshot of every order in `orderIds`. */
export async function waitForSnapshots(db: Queryable, orderIds: readonly string[], timeoutMs = SNAPSHOT_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM returns.order_snapshots WHERE order_id = ANY($1)`, [orderIds]);
    if ((rows[0]?.n ?? 0) === orderIds.length) return;
    if (Date.now() > deadline) throw new Error(`returns has ${rows[0]?.n ?? 0} of ${orderIds.length} order snapshots after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_POLL_MS));
  }
}

/** Records an order through `recordOrder` (role service) without waiting for its snapshot. */
export async function recordOrderOnly(caller: Caller, spec: OrderSpec): Promise<RecordedOrder> {
  const response = await caller.query<RecordResult>(principals.service(), RECORD_ORDER, { input: recordOrderInput(spec), key: newKey('order') });
  const order = response.data?.recordOrder.order;
  if (!order) throw new Error(`recordOrder failed: ${JSON.stringify(response.errors ?? response.data?.recordOrder.userErrors)}`);
  return { ...order, customerId: spec.customerId };
}

/** Records an order and waits until returns can take a return on it. */
export async function recordOrder(caller: Caller, db: Queryable, spec: OrderSpec): Promise<RecordedOrder> {
  const order = await recordOrderOnly(caller, spec);
  await waitForSnapshots(db, [order.id]);
  return order;
}

/** The fields every test reads of a return. */
export const RETURN_FIELDS = `id number status financialStatus channel storeId refundMethod destinationLocationId revision policyVersion requestedAt
  value { amount currencyCode } approval declineReason tracking { carrier trackingNumber }
  fraudAssessment { outcome reasons { signal outcome } }
  lines { id sku quantity reason state receivedQuantity pendingInspectionQuantity inspectedQuantity orderLine { id }
    dispositions { disposition quantity locationId inspectedBy } netValue { amount } restockingFee { amount } }`;

/** A return as `RETURN_FIELDS` reads it. */
export interface ReturnView {
  id: string;
  number: string;
  status: string;
  financialStatus: string;
  channel: string;
  storeId: string | null;
  refundMethod: string | null;
  destinationLocationId: string | null;
  revision: number;
  policyVersion: number;
  requestedAt: string;
  value: { amount: string; currencyCode: string };
  approval: string;
  declineReason: string | null;
  tracking: { carrier: string | null; trackingNumber: string | null } | null;
  fraudAssessment: { outcome: string; reasons: { signal: string; outcome: string }[] };
  lines: {
    id: string;
    sku: string;
    quantity: number;
    reason: string;
    state: string;
    receivedQuantity: number;
    pendingInspectionQuantity: number;
    inspectedQuantity: number;
    orderLine: { id: string };
    dispositions: { disposition: string; quantity: number; locationId: string; inspectedBy: string }[];
    netValue: { amount: string };
    restockingFee: { amount: string };
  }[];
}

/** A userError as the API shows it. */
export interface UserErrorView {
  code: string;
  field: string[] | null;
  message: string;
}

/** Every mutation's payload. */
export interface ReturnPayloadView {
  return: ReturnView | null;
  userErrors: UserErrorView[];
}

/** The returns mutations, by name, with their input type. */
export const RETURN_MUTATIONS = {
  requestReturn: 'RequestReturnInput',
  authorizeReturn: 'AuthorizeReturnInput',
  approveReturn: 'ApproveReturnInput',
  declineReturn: 'DeclineReturnInput',
  cancelReturn: 'CancelReturnInput',
  markReturnInTransit: 'MarkReturnInTransitInput',
  receiveReturnItems: 'ReceiveReturnItemsInput',
  recordInspection: 'RecordInspectionInput',
} as const;

/** A returns mutation's name. */
export type ReturnMutation = keyof typeof RETURN_MUTATIONS;

/** The document of a returns mutation selecting `RETURN_FIELDS` and userErrors. */
export const mutationDocument = (name: ReturnMutation): string =>
  `mutation($input: ${RETURN_MUTATIONS[name]}!, $key: String!) { ${name}(input: $input, idempotencyKey: $key) { return { ${RETURN_FIELDS} } userErrors { code field message } } }`;

/** The response of one returns mutation: its payload (absent when it failed at the top level) and the raw response. */
export interface MutationResult {
  payload: ReturnPayloadView | null;
  response: GraphQLResponse<Record<string, ReturnPayloadView | null>>;
}

/** Sends a returns mutation as `principal`, with a fresh key unless one is given. */
export async function mutate(
  caller: Caller,
  principal: Principal,
  name: ReturnMutation,
  input: Record<string, unknown>,
  options: { key?: string; headers?: Record<string, string> } = {},
): Promise<MutationResult> {
  const response = await caller.query<Record<string, ReturnPayloadView | null>>(
    principal,
    mutationDocument(name),
    { input, key: options.key ?? newKey(name) },
    options.headers,
  );
  return { payload: response.data?.[name] ?? null, response };
}

/** Sends a mutation that must succeed and returns the return it produced. */
export async function mutateOk(
  caller: Caller,
  principal: Principal,
  name: ReturnMutation,
  input: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<ReturnView> {
  const { payload, response } = await mutate(caller, principal, name, input, { headers });
  if (response.errors || !payload?.return || payload.userErrors.length > 0) {
    throw new Error(`${name} failed: ${JSON.stringify(response.errors ?? payload?.userErrors)}`);
  }
  return payload.return;
}

/** The codes of a payload's userErrors. */
export const codes = (result: MutationResult): string[] => result.payload?.userErrors.map((error) => error.code) ?? [];

/** The `extensions.code` of a response's first top-level error. */
export const topLevelCode = (result: MutationResult | GraphQLResponse): unknown =>
  ('response' in result ? result.response : result).errors?.[0]?.extensions?.code;

/** One line to return, as `ReturnLineInput`. */
export const lineInput = (orderLineId: string, quantity = 1, reason = 'UNWANTED') => ({ orderLineId, quantity, reason });

/** What the returns schema holds: rows that a refused mutation must leave untouched. */
export interface ReturnsFootprint {
  returns: number;
  lines: number;
  timeline: number;
  outbox: number;
  receipts: number;
  dispositions: number;
  /** Sum of every return's revision and received units: catches in-place updates. */
  revisions: number;
  received: number;
  statuses: string;
}

/**
 * Which returns a footprint watches closely. Refunds settle and returns complete on their own,
 * after the request that started them answered, so a schema-wide status or revision sum moves
 * under a test that acted on something else. Scoped, the per-return rows (timeline, outbox,
 * revisions, statuses) are those of this return or of this order's returns; row counts that only
 * requests create (returns, lines, receipts, dispositions, received units) stay schema-wide.
 */
export interface FootprintScope {
  returnId?: string;
  orderId?: string;
}

/** The scope of a mutation's input: the return or order it names, if it names one. */
export function scopeOf(input: Record<string, unknown>): FootprintScope {
  return {
    ...(typeof input.returnId === 'string' && { returnId: input.returnId }),
    ...(typeof input.orderId === 'string' && { orderId: input.orderId }),
  };
}

/** Measures the returns schema, optionally scoped (see `FootprintScope`). */
export async function footprint(db: Queryable, scope: FootprintScope = {}): Promise<ReturnsFootprint> {
  const scoped = scope.returnId !== undefined || scope.orderId !== undefined;
  // $1/$2 are the scope; without one every return is watched.
  const watched = scoped ? '(SELECT id FROM returns.returns WHERE id = $1 OR order_id = $2)' : '(SELECT id FROM returns.returns)';
  const { rows } = await db.query<Omit<ReturnsFootprint, 'statuses'> & { statuses: string | null }>(
    `SELECT (SELECT count(*) FROM returns.returns)::int8 AS returns,
            (SELECT count(*) FROM returns.return_lines)::int8 AS lines,
            (SELECT count(*) FROM returns.return_timeline WHERE return_id IN ${watched})::int8 AS timeline,
            (SELECT count(*) FROM returns.outbox WHERE ${scoped ? `aggregate_id IN ${watched}` : 'TRUE'})::int8 AS outbox,
            (SELECT count(*) FROM returns.return_receipts)::int8 AS receipts,
            (SELECT count(*) FROM returns.return_line_dispositions)::int8 AS dispositions,
            (SELECT coalesce(sum(revision), 0) FROM returns.returns WHERE id IN ${watched})::int8 AS revisions,
            (SELECT coalesce(sum(received_quantity), 0) FROM returns.return_lines)::int8 AS received,
            (SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM returns.returns WHERE id IN ${watched}) AS statuses`,
    scoped ? [scope.returnId ?? null, scope.orderId ?? null] : [],
  );
  const row = rows[0];
  if (!row) throw new Error('footprint query returned no row');
  return { ...row, statuses: row.statuses ?? '' };
}

/** Runs `act` and returns the footprint before and after, for `expect(after).toEqual(before)`. */
export async function unchangedBy(db: Queryable, act: () => Promise<unknown>): Promise<{ before: ReturnsFootprint; after: ReturnsFootprint }> {
  const before = await footprint(db);
  await act();
  return { before, after: await footprint(db) };
}

/** The returns warehouse of the demo retailer, where ship-backs are received by the WMS (role service). */
export const WAREHOUSE_ID = 'loc_wh_nj';

/** Statuses `returnInStatus` can build. */
export type BuildableStatus = 'REQUESTED' | 'AUTHORIZED' | 'DECLINED' | 'CANCELED' | 'IN_TRANSIT' | 'PARTIALLY_RECEIVED' | 'RECEIVED' | 'INSPECTED';

/** A return built for a test, with the order it is on. */
export interface BuiltReturn {
  order: RecordedOrder;
  ret: ReturnView;
}

/**
 * A fresh customer's order of two units of one line and a ship-back return of both units, driven
 * through the API to `status`. REQUESTED and DECLINED returns are priced above the auto-approval
 * limit so the request waits for a decision.
 */
export async function returnInStatus(caller: Caller, db: Queryable, status: BuildableStatus): Promise<BuiltReturn> {
  const needsDecision = status === 'REQUESTED' || status === 'DECLINED';
  const order = await recordOrder(caller, db, {
    customerId: `cus_t_${randomUUID().slice(0, 8)}`,
    lines: [{ sku: 'SKU-APP-004', category: 'apparel', quantity: 2, unitPrice: needsDecision ? '150.00' : '30.00' }],
  });
  const customer = principals.customer(order.customerId);
  const backOffice = principals.serviceDesk();
  let ret = await mutateOk(caller, customer, 'requestReturn', { orderId: order.id, channel: 'ECOMMERCE', lines: [lineInput(order.lines[0]?.id as string, 2)] });
  const lineId = ret.lines[0]?.id as string;
  if (status === 'REQUESTED') return { order, ret };
  if (status === 'DECLINED') return { order, ret: await mutateOk(caller, backOffice, 'declineReturn', { returnId: ret.id, reason: 'OUTSIDE_POLICY' }) };
  if (status === 'CANCELED') return { order, ret: await mutateOk(caller, customer, 'cancelReturn', { returnId: ret.id }) };
  if (status === 'AUTHORIZED') return { order, ret };
  ret = await mutateOk(caller, customer, 'markReturnInTransit', { returnId: ret.id, carrier: 'UPS', trackingNumber: '1Z999' });
  if (status === 'IN_TRANSIT') return { order, ret };
  const wms = principals.service();
  ret = await mutateOk(caller, wms, 'receiveReturnItems', { returnId: ret.id, locationId: WAREHOUSE_ID, lines: [{ returnLineId: lineId, quantity: 1 }] });
  if (status === 'PARTIALLY_RECEIVED') return { order, ret };
  ret = await mutateOk(caller, wms, 'receiveReturnItems', { returnId: ret.id, locationId: WAREHOUSE_ID, lines: [{ returnLineId: lineId, quantity: 1 }] });
  if (status === 'RECEIVED') return { order, ret };
  ret = await mutateOk(caller, wms, 'recordInspection', {
    returnId: ret.id,
    locationId: WAREHOUSE_ID,
    lines: [{ returnLineId: lineId, dispositions: [{ disposition: 'SELLABLE', quantity: 2 }] }],
  });
  return { order, ret };
}
