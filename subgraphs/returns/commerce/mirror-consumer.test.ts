import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { subgraphRequest, testInternalTokens } from '../../../test/support/subgraph-client';
import { principals } from '../../../test/support/principals';
import { TEST_SETTINGS } from '../../../test/support/settings';
import { startSubgraph, type RunningSubgraph } from '../../../platform/subgraph';
import { ConsumerRunner } from '../../../platform/events/consumer';
import { InProcessBus } from '../../../platform/events/in-process-bus';
import type { EventDefinition } from '../../../platform/events/catalog';
import { newId } from '../../../platform/ids';
import { ReferenceCommerce } from '../../../connectors/commerce/reference/reference-commerce';
import { ReturnAuthorized, ReturnCanceled, ReturnCompleted, ReturnInspected, type ReturnEventHeader } from '../../../contracts/events/returns';
import { RefundSucceeded } from '../../../contracts/events/refunds';
import { returnsSubgraph } from '../index';
import { commerceMirrorConsumer } from './mirror-consumer';

let database: TestDatabase;
let shop: ReferenceCommerce;
let runner: ConsumerRunner;
let subgraph: RunningSubgraph;
let sequence = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  shop = new ReferenceCommerce(database.db, { webhookSecret: 'mirror-test-secret-0123' });
  // A runner on a bus nobody publishes to: the test hands it each event as the bus would.
  runner = new ConsumerRunner(database.db, new InProcessBus(), commerceMirrorConsumer(database.db, [shop.mirror]));
  subgraph = await startSubgraph(returnsSubgraph({ settings: TEST_SETTINGS.returns, db: database.db, mirrors: [shop.mirror] }), {
    db: database.db,
    internalTokens: testInternalTokens,
    port: 0,
  });
});
afterAll(async () => {
  await subgraph?.close();
  await database?.drop();
});

/** A return of two SKU-A units and one SKU-B unit on an order of `source`, written as the lifecycle would have. */
async function seedReturn(source: string | null) {
  const orderId = newId('ord');
  const returnId = newId('ret');
  const lines = [
    { id: newId('rli'), sku: 'SKU-A', quantity: 2 },
    { id: newId('rli'), sku: 'SKU-B', quantity: 1 },
  ];
  await database.db.query(
    `INSERT INTO returns.order_snapshots (order_id, number, channel, customer_id, placed_at, currency, total_minor, lines, payments, last_event_id, last_event_at, source, external_id)
     VALUES ($1, $2, 'ECOMMERCE', 'cus_m', now(), 'USD', 10000, '[]', '[]', 'evt', now(), $3, $4)`,
    [orderId, `R9${String(++sequence).padStart(5, '0')}`, source, source ? `ext-${orderId}` : null],
  );
  await database.db.query(`INSERT INTO returns.returns (id, order_id, status, channel, customer_id) VALUES ($1, $2, 'AUTHORIZED', 'ECOMMERCE', 'cus_m')`, [
    returnId,
    orderId,
  ]);
  for (const line of lines) {
    await database.db.query(`INSERT INTO returns.return_lines (id, return_id, order_line_id, sku, quantity, reason) VALUES ($1, $2, $3, $4, $5, 'UNWANTED')`, [
      line.id,
      returnId,
      newId('oli'),
      line.sku,
      line.quantity,
    ]);
  }
  return { orderId, returnId, lines };
}

function header(ret: { orderId: string; returnId: string }, status: ReturnEventHeader['status']): ReturnEventHeader {
  return {
    returnId: ret.returnId,
    orderId: ret.orderId,
    number: 'RMA-100001',
    status,
    previousStatus: null,
    revision: ++sequence,
    channel: 'ECOMMERCE',
    storeId: null,
    customerId: 'cus_m',
    partnerId: null,
  };
}

async function deliver<T>(definition: EventDefinition<T>, aggregateId: string, data: T): Promise<void> {
  const envelope = {
    id: newId('evt'),
    type: definition.type,
    version: definition.version,
    occurredAt: new Date().toISOString(),
    source: 'returns',
    correlationId: `test:${aggregateId}`,
    causationId: null,
    aggregateId,
    data,
  };
  await runner.receive({ envelope, sourceSeq: ++sequence });
}

type Seeded = Awaited<ReturnType<typeof seedReturn>>;

const authorized = (ret: Seeded) =>
  deliver(ReturnAuthorized, ret.returnId, {
    ...header(ret, 'AUTHORIZED'),
    destinationLocationId: 'loc_wh_nj',
    refundMethod: 'ORIGINAL_PAYMENT',
    valueMinor: 3000,
    currency: 'USD',
    fraudOutcome: 'APPROVE',
    lines: ret.lines.map((line) => ({
      returnLineId: line.id,
      orderLineId: newId('oli'),
      sku: line.sku,
      quantity: line.quantity,
      reason: 'UNWANTED',
      netValueMinor: 1000,
      restockingFeeMinor: 0,
    })),
  });

async function inspect(ret: Seeded, lineIndex: number, disposition: string, quantity: number): Promise<void> {
  const line = ret.lines[lineIndex] as Seeded['lines'][number];
  await database.db.query(
    `INSERT INTO returns.return_line_dispositions (return_line_id, disposition, quantity, location_id, inspected_by) VALUES ($1, $2, $3, 'loc_wh_nj', 'test')`,
    [line.id, disposition, quantity],
  );
  await deliver(ReturnInspected, ret.returnId, {
    ...header(ret, 'INSPECTED'),
    locationId: 'loc_wh_nj',
    fullyInspected: false,
    lines: [{ returnLineId: line.id, sku: line.sku, dispositions: [{ disposition: disposition as 'SELLABLE', quantity }] }],
  });
}

async function shopReturn(returnId: string) {
  const { rows } = await database.db.query<{ status: string; dispositions: Record<string, { restocked: number; notRestocked: number }>; lines: unknown }>(
    `SELECT status, dispositions, lines FROM commerce_ref.returns WHERE return_id = $1`,
    [returnId],
  );
  return rows[0] ?? null;
}

async function mirrorRow(returnId: string) {
  const { rows } = await database.db.query<{ source: string; external_return_id: string; status: string }>(
    `SELECT source, external_return_id, status FROM returns.commerce_mirrors WHERE return_id = $1`,
    [returnId],
  );
  return rows[0] ?? null;
}

describe('returns.commerce-mirror over the reference shop', () => {
  it('opens on authorization, brings dispositions up cumulatively on each inspection, and closes on completion', async () => {
    const ret = await seedReturn('demo');
    await authorized(ret);
    expect(await shopReturn(ret.returnId)).toMatchObject({
      status: 'OPEN',
      lines: [
        { sku: 'SKU-A', quantity: 2 },
        { sku: 'SKU-B', quantity: 1 },
      ],
    });
    const mirror = await mirrorRow(ret.returnId);
    expect(mirror).toMatchObject({ source: 'demo', status: 'OPEN', external_return_id: expect.stringMatching(/^rr_/) });

    await inspect(ret, 0, 'SELLABLE', 1);
    await inspect(ret, 0, 'DAMAGED', 1);
    await inspect(ret, 1, 'SELLABLE', 1);
    expect((await shopReturn(ret.returnId))?.dispositions).toEqual({
      'SKU-A': { restocked: 1, notRestocked: 1, locationId: 'loc_wh_nj' },
      'SKU-B': { restocked: 1, notRestocked: 0, locationId: 'loc_wh_nj' },
    });

    await deliver(ReturnCompleted, ret.returnId, header(ret, 'COMPLETED'));
    expect((await shopReturn(ret.returnId))?.status).toBe('CLOSED');
    expect(await mirrorRow(ret.returnId)).toMatchObject({ status: 'CLOSED', external_return_id: mirror?.external_return_id });
  });

  it('opens a return it never saw authorized before cancelling it, and notes a refund once', async () => {
    const ret = await seedReturn('demo');
    const refundId = newId('rfd');
    const refund = {
      refundId,
      orderId: ret.orderId,
      returnId: ret.returnId,
      status: 'SUCCEEDED' as const,
      revision: 2,
      amountMinor: 2500,
      currency: 'USD' as const,
      customerId: 'cus_m',
      partnerId: null,
      storeId: null,
      taxMinor: 0,
    };
    await deliver(RefundSucceeded, refundId, refund);
    await deliver(RefundSucceeded, refundId, refund);
    const notes = await database.db.query(`SELECT amount_minor FROM commerce_ref.return_refund_notes WHERE return_id = $1`, [ret.returnId]);
    expect(notes.rows).toEqual([{ amount_minor: 2500 }]);
    await deliver(ReturnCanceled, ret.returnId, { ...header(ret, 'CANCELED'), destinationLocationId: 'loc_wh_nj', wasAuthorized: true, lines: [] });
    expect((await shopReturn(ret.returnId))?.status).toBe('CANCELED');
    expect((await mirrorRow(ret.returnId))?.status).toBe('CANCELED');
  });

  it('skips returns of orders whose platform has no mirror, or that carry no source', async () => {
    for (const source of ['shopify', null]) {
      const ret = await seedReturn(source);
      await authorized(ret);
      expect(await shopReturn(ret.returnId)).toBeNull();
      expect(await mirrorRow(ret.returnId)).toBeNull();
    }
  });

  it('shows Return.commerceMirror to staff only', async () => {
    const ret = await seedReturn('demo');
    await authorized(ret);
    const query = `query($id: ID!) { return(id: $id) { commerceMirror { source externalReturnId status } } }`;
    const staff = await subgraphRequest<{ return: { commerceMirror: unknown } }>(subgraph.url, principals.serviceDesk(), query, { id: ret.returnId });
    expect(staff.errors).toBeUndefined();
    expect(staff.data?.return.commerceMirror).toEqual({ source: 'demo', externalReturnId: expect.stringMatching(/^rr_/), status: 'OPEN' });
    const customer = await subgraphRequest<{ return: { commerceMirror: unknown } }>(subgraph.url, principals.customer('cus_m'), query, { id: ret.returnId });
    expect(customer.data?.return).toEqual({ commerceMirror: null });
  });
});
