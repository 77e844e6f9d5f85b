import { randomUUID } from 'node:crypto';
import type { Principal } from '../platform/auth';
import { newId } from '../platform/ids';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import {
  codes,
  footprint,
  lineInput,
  mutate,
  mutateOk,
  newKey,
  recordOrder,
  returnInStatus,
  topLevelCode,
  WAREHOUSE_ID,
  type BuildableStatus,
  type ReturnMutation,
  type UserErrorView,
} from './support/returns-kit';

/** Every returns mutation's happy path and each of its userErrors, idempotency, and illegal transitions. */
let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
});

afterAll(async () => {
  await t.close();
});

const wms = principals.service();
const backOffice = principals.serviceDesk();
const newCustomer = () => `cus_t_${randomUUID().slice(0, 8)}`;

/** Sends a mutation that must be refused with exactly `expected` and must leave the returns schema as it was. */
async function expectRefused(principal: Principal, name: ReturnMutation, input: Record<string, unknown>, expected: Partial<UserErrorView>[], key?: string) {
  const scope = { returnId: stringField(input.returnId), orderId: stringField(input.orderId) };
  const before = await footprint(t.database.db, scope);
  const result = await mutate(t, principal, name, input, { key });
  expect(result.response.errors).toBeUndefined();
  expect(result.payload?.return).toBeNull();
  expect(result.payload?.userErrors).toEqual(expected.map((error) => expect.objectContaining(error)));
  expect(await footprint(t.database.db, scope)).toEqual(before);
  return result;
}

const stringField = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

async function twoLineOrder() {
  return recordOrder(t, t.database.db, {
    customerId: newCustomer(),
    lines: [
      { sku: 'SKU-APP-001', category: 'apparel', quantity: 2 },
      { sku: 'SKU-HOM-002', category: 'home', quantity: 1 },
    ],
  });
}

describe('requestReturn and authorizeReturn', () => {
  it('requests a return for the customer with its lines, value and refund method, and announces ReturnAuthorized', async () => {
    const order = await twoLineOrder();
    const created = await mutateOk(t, principals.customer(order.customerId), 'requestReturn', {
      orderId: order.id,
      channel: 'MOBILE',
      refundMethod: 'STORE_CREDIT',
      lines: [{ ...lineInput(order.lines[0]?.id as string, 2, 'SIZE_TOO_SMALL'), customerNote: 'Too tight' }],
    });
    expect(created).toMatchObject({
      status: 'AUTHORIZED',
      financialStatus: 'NOT_STARTED',
      channel: 'MOBILE',
      storeId: null,
      refundMethod: 'STORE_CREDIT',
      destinationLocationId: WAREHOUSE_ID,
      revision: 1,
      value: { amount: '40.00', currencyCode: 'USD' },
      lines: [{ sku: 'SKU-APP-001', quantity: 2, reason: 'SIZE_TOO_SMALL', state: 'EXPECTED', receivedQuantity: 0, orderLine: { id: order.lines[0]?.id } }],
    });
    expect(created.number).toMatch(/^RMA-\d{6,}$/);
    const { rows } = await t.database.db.query<{ type: string }>(`SELECT type FROM returns.outbox WHERE aggregate_id = $1 ORDER BY seq`, [created.id]);
    expect(rows.map((row) => row.type)).toEqual(['ReturnAuthorized']);
  });

  it('refuses malformed requests with the matching userError and writes nothing', async () => {
    const order = await twoLineOrder();
    const customer = principals.customer(order.customerId);
    const [first, second] = order.lines.map((line) => line.id) as [string, string];
    const request = (extra: Record<string, unknown>) => ({ orderId: order.id, channel: 'ECOMMERCE', lines: [lineInput(first)], ...extra });
    await expectRefused(backOffice, 'requestReturn', request({ orderId: newId('ord') }), [{ code: 'ORDER_NOT_FOUND', field: ['input', 'orderId'] }]);
    await expectRefused(customer, 'requestReturn', request({ lines: [] }), [{ code: 'NO_LINES', field: ['input', 'lines'] }]);
    await expectRefused(customer, 'requestReturn', request({ lines: [lineInput(first), lineInput(first)] }), [
      { code: 'DUPLICATE_LINE', field: ['input', 'lines', '1', 'orderLineId'] },
    ]);
    await expectRefused(customer, 'requestReturn', request({ lines: [lineInput(newId('oli'))] }), [
      { code: 'LINE_NOT_ON_ORDER', field: ['input', 'lines', '0', 'orderLineId'] },
    ]);
    await expectRefused(customer, 'requestReturn', request({ lines: [lineInput(second, 0)] }), [
      { code: 'INVALID_QUANTITY', field: ['input', 'lines', '0', 'quantity'] },
    ]);
    await expectRefused(customer, 'requestReturn', request({ lines: [{ ...lineInput(first), customerNote: 'x'.repeat(2001) }] }), [
      { code: 'INVALID_VALUE', field: ['input', 'lines', '0', 'customerNote'] },
    ]);
    await expectRefused(customer, 'requestReturn', request({ refundMethod: 'CASH' }), [
      { code: 'REFUND_METHOD_NOT_ALLOWED', field: ['input', 'refundMethod'] },
    ]);
    await expectRefused(customer, 'requestReturn', request({}), [{ code: 'INVALID_IDEMPOTENCY_KEY', field: ['idempotencyKey'] }], 'not a key!');
  });

  it('authorizes at the counter, and refuses a counter return without its store with STORE_REQUIRED', async () => {
    const order = await twoLineOrder();
    const associate = principals.storeAssociate('loc_store_sfo');
    await expectRefused(associate, 'authorizeReturn', { orderId: order.id, channel: 'POS', lines: [lineInput(order.lines[1]?.id as string)] }, [
      { code: 'STORE_REQUIRED', field: ['input', 'storeId'] },
    ]);
    const created = await mutateOk(t, associate, 'authorizeReturn', {
      orderId: order.id,
      channel: 'POS',
      storeId: 'loc_store_sfo',
      lines: [lineInput(order.lines[1]?.id as string)],
    });
    expect(created).toMatchObject({
      status: 'AUTHORIZED',
      channel: 'POS',
      storeId: 'loc_store_sfo',
      destinationLocationId: 'loc_store_sfo',
      lines: [{ state: 'EXPECTED' }],
    });
  });
});

describe('deciding, canceling and shipping', () => {
  it('approves a requested return (back office) and refuses RETURN_NOT_FOUND', async () => {
    const { ret } = await returnInStatus(t, t.database.db, 'REQUESTED');
    expect(ret).toMatchObject({ status: 'REQUESTED', approval: 'NEEDS_APPROVAL' });
    const approved = await mutateOk(t, backOffice, 'approveReturn', { returnId: ret.id, note: 'ok' });
    expect(approved).toMatchObject({ status: 'AUTHORIZED', revision: 2 });
    await expectRefused(backOffice, 'approveReturn', { returnId: newId('ret') }, [{ code: 'RETURN_NOT_FOUND', field: ['input', 'returnId'] }]);
  });

  it('refuses approval of a return flagged for review by a role that does not decide, and lets the service desk approve it', async () => {
    const order = await recordOrder(t, t.database.db, { customerId: newCustomer(), lines: [{ sku: 'SKU-HOM-003', category: 'home', quantity: 5 }] });
    const customer = principals.customer(order.customerId);
    const request = () => mutateOk(t, customer, 'requestReturn', { orderId: order.id, channel: 'ECOMMERCE', lines: [lineInput(order.lines[0]?.id as string)] });
    await request();
    await request();
    const flagged = await request();
    expect(flagged).toMatchObject({ status: 'REQUESTED', fraudAssessment: { outcome: 'REVIEW' } });
    // Deciding online returns belongs to the service desk and operations (the capability table), not to integrations or stores.
    for (const refused of [wms, principals.storeManager('loc_store_nyc')]) {
      expect(topLevelCode(await mutate(t, refused, 'approveReturn', { returnId: flagged.id }))).toBe('FORBIDDEN');
    }
    expect(await mutateOk(t, backOffice, 'approveReturn', { returnId: flagged.id })).toMatchObject({ status: 'AUTHORIZED' });
  });

  it('declines a requested return with its reason and closes its lines', async () => {
    const { ret } = await returnInStatus(t, t.database.db, 'REQUESTED');
    const declined = await mutateOk(t, backOffice, 'declineReturn', { returnId: ret.id, reason: 'SUSPECTED_FRAUD', note: 'pattern' });
    expect(declined).toMatchObject({ status: 'DECLINED', declineReason: 'SUSPECTED_FRAUD', lines: [{ state: 'CLOSED' }] });
    await expectRefused(backOffice, 'declineReturn', { returnId: newId('ret'), reason: 'X' }, [{ code: 'RETURN_NOT_FOUND' }]);
  });

  it('cancels an authorized return for its customer', async () => {
    const { ret, order } = await returnInStatus(t, t.database.db, 'AUTHORIZED');
    const canceled = await mutateOk(t, principals.customer(order.customerId), 'cancelReturn', { returnId: ret.id, note: 'changed my mind' });
    expect(canceled).toMatchObject({ status: 'CANCELED', lines: [{ state: 'CLOSED' }] });
    await expectRefused(backOffice, 'cancelReturn', { returnId: newId('ret') }, [{ code: 'RETURN_NOT_FOUND' }]);
  });

  it('marks an authorized return in transit with its tracking and cancels it from there', async () => {
    const { ret, order } = await returnInStatus(t, t.database.db, 'AUTHORIZED');
    const customer = principals.customer(order.customerId);
    const shipped = await mutateOk(t, customer, 'markReturnInTransit', { returnId: ret.id, carrier: 'UPS', trackingNumber: '1Z12345' });
    expect(shipped).toMatchObject({ status: 'IN_TRANSIT', tracking: { carrier: 'UPS', trackingNumber: '1Z12345' }, revision: 2 });
    await expectRefused(customer, 'markReturnInTransit', { returnId: newId('ret') }, [{ code: 'RETURN_NOT_FOUND' }]);
    expect(await mutateOk(t, customer, 'cancelReturn', { returnId: ret.id })).toMatchObject({ status: 'CANCELED' });
  });
});

describe('receiving and inspecting', () => {
  it('receives partially, then the rest, with units pending inspection, and refuses bad receipts', async () => {
    const { ret } = await returnInStatus(t, t.database.db, 'IN_TRANSIT');
    const lineId = ret.lines[0]?.id as string;
    const receive = (lines: unknown[]) => ({ returnId: ret.id, locationId: WAREHOUSE_ID, lines });
    await expectRefused(wms, 'receiveReturnItems', receive([]), [{ code: 'NO_LINES' }]);
    await expectRefused(wms, 'receiveReturnItems', receive([{ returnLineId: newId('rli'), quantity: 1 }]), [
      { code: 'RETURN_LINE_NOT_FOUND', field: ['input', 'lines', '0', 'returnLineId'] },
    ]);
    await expectRefused(wms, 'receiveReturnItems', receive([{ returnLineId: lineId, quantity: 0 }]), [
      { code: 'INVALID_QUANTITY', field: ['input', 'lines', '0', 'quantity'] },
    ]);
    await expectRefused(wms, 'receiveReturnItems', receive([{ returnLineId: lineId, quantity: 3 }]), [
      { code: 'QUANTITY_EXCEEDS_OUTSTANDING', field: ['input', 'lines', '0', 'quantity'] },
    ]);
    await expectRefused(
      wms,
      'receiveReturnItems',
      receive([
        { returnLineId: lineId, quantity: 1 },
        { returnLineId: lineId, quantity: 1 },
      ]),
      [{ code: 'DUPLICATE_LINE', field: ['input', 'lines', '1', 'returnLineId'] }],
    );
    await expectRefused(wms, 'receiveReturnItems', { ...receive([{ returnLineId: lineId, quantity: 1 }]), returnId: newId('ret') }, [
      { code: 'RETURN_NOT_FOUND' },
    ]);

    const partial = await mutateOk(t, wms, 'receiveReturnItems', receive([{ returnLineId: lineId, quantity: 1 }]));
    expect(partial).toMatchObject({
      status: 'PARTIALLY_RECEIVED',
      lines: [{ receivedQuantity: 1, pendingInspectionQuantity: 1, state: 'PENDING_INSPECTION' }],
    });
    await expectRefused(wms, 'receiveReturnItems', receive([{ returnLineId: lineId, quantity: 2 }]), [{ code: 'QUANTITY_EXCEEDS_OUTSTANDING' }]);
    const full = await mutateOk(t, wms, 'receiveReturnItems', receive([{ returnLineId: lineId, quantity: 1 }]));
    expect(full).toMatchObject({
      status: 'RECEIVED',
      revision: partial.revision + 1,
      lines: [{ receivedQuantity: 2, pendingInspectionQuantity: 2, inspectedQuantity: 0 }],
    });
    const { rows } = await t.database.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM returns.return_receipts WHERE return_id = $1`, [ret.id]);
    expect(rows[0]?.n).toBe(2);
  });

  it('keeps PARTIALLY_RECEIVED through a second partial receipt and bumps the revision', async () => {
    const order = await recordOrder(t, t.database.db, { customerId: newCustomer(), lines: [{ sku: 'SKU-BEA-002', category: 'beauty', quantity: 3 }] });
    const ret = await mutateOk(t, principals.customer(order.customerId), 'requestReturn', {
      orderId: order.id,
      channel: 'ECOMMERCE',
      lines: [lineInput(order.lines[0]?.id as string, 3)],
    });
    const lines = [{ returnLineId: ret.lines[0]?.id, quantity: 1 }];
    const first = await mutateOk(t, wms, 'receiveReturnItems', { returnId: ret.id, locationId: WAREHOUSE_ID, lines });
    const second = await mutateOk(t, wms, 'receiveReturnItems', { returnId: ret.id, locationId: WAREHOUSE_ID, lines });
    expect([first.status, second.status]).toEqual(['PARTIALLY_RECEIVED', 'PARTIALLY_RECEIVED']);
    expect(second.revision).toBe(first.revision + 1);
    expect(second.lines[0]?.receivedQuantity).toBe(2);
  });

  it('records dispositions that add up to the received units, and refuses those that do not', async () => {
    const { ret } = await returnInStatus(t, t.database.db, 'RECEIVED');
    const lineId = ret.lines[0]?.id as string;
    const inspect = (dispositions: unknown[], returnLineId = lineId) => ({
      returnId: ret.id,
      locationId: WAREHOUSE_ID,
      lines: [{ returnLineId, dispositions }],
    });
    await expectRefused(wms, 'recordInspection', { returnId: ret.id, locationId: WAREHOUSE_ID, lines: [] }, [{ code: 'NO_LINES' }]);
    await expectRefused(wms, 'recordInspection', inspect([{ disposition: 'SELLABLE', quantity: 1 }]), [
      { code: 'DISPOSITIONS_MUST_MATCH_RECEIVED', field: ['input', 'lines', '0', 'dispositions'] },
    ]);
    await expectRefused(
      wms,
      'recordInspection',
      inspect([
        { disposition: 'SELLABLE', quantity: 3 },
        { disposition: 'SCRAP', quantity: -1 },
      ]),
      [{ code: 'INVALID_QUANTITY', field: ['input', 'lines', '0', 'dispositions', '1', 'quantity'] }],
    );
    await expectRefused(wms, 'recordInspection', inspect([{ disposition: 'SELLABLE', quantity: 2 }], newId('rli')), [{ code: 'RETURN_LINE_NOT_FOUND' }]);
    await expectRefused(wms, 'recordInspection', { ...inspect([{ disposition: 'SELLABLE', quantity: 2 }]), returnId: newId('ret') }, [
      { code: 'RETURN_NOT_FOUND' },
    ]);

    const inspected = await mutateOk(
      t,
      wms,
      'recordInspection',
      inspect([
        { disposition: 'SELLABLE', quantity: 1 },
        { disposition: 'DAMAGED', quantity: 1 },
      ]),
    );
    expect(inspected).toMatchObject({
      // COMPLETED when a refund at receipt already settled (low-risk returns are refunded on arrival).
      status: expect.stringMatching(/^(INSPECTED|COMPLETED)$/),
      // The refund follows inspection through the refunds subgraph, asynchronously.
      financialStatus: expect.stringMatching(/^(NOT_STARTED|PENDING|REFUNDED|SETTLED)$/),
      lines: [
        {
          state: 'INSPECTED',
          inspectedQuantity: 2,
          pendingInspectionQuantity: 0,
          dispositions: [
            { disposition: 'SELLABLE', quantity: 1, locationId: WAREHOUSE_ID, inspectedBy: wms.subject },
            { disposition: 'DAMAGED', quantity: 1, locationId: WAREHOUSE_ID, inspectedBy: wms.subject },
          ],
        },
      ],
    });
    await expectRefused(wms, 'recordInspection', inspect([{ disposition: 'SELLABLE', quantity: 1 }]), [{ code: 'INVALID_TRANSITION' }]);
  });

  it('inspects the received units of a partly received return and refuses NOTHING_TO_INSPECT for a line with none waiting', async () => {
    const { ret } = await returnInStatus(t, t.database.db, 'PARTIALLY_RECEIVED');
    const lineId = ret.lines[0]?.id as string;
    const inspect = {
      returnId: ret.id,
      locationId: WAREHOUSE_ID,
      lines: [{ returnLineId: lineId, dispositions: [{ disposition: 'REFURBISH', quantity: 1 }] }],
    };
    const partly = await mutateOk(t, wms, 'recordInspection', inspect);
    expect(partly).toMatchObject({
      status: 'PARTIALLY_RECEIVED',
      lines: [{ inspectedQuantity: 1, pendingInspectionQuantity: 0, state: 'PARTIALLY_RECEIVED' }],
    });
    await expectRefused(wms, 'recordInspection', inspect, [{ code: 'NOTHING_TO_INSPECT', field: ['input', 'lines', '0', 'returnLineId'] }]);
    await mutateOk(t, wms, 'receiveReturnItems', { returnId: ret.id, locationId: WAREHOUSE_ID, lines: [{ returnLineId: lineId, quantity: 1 }] });
    expect(await mutateOk(t, wms, 'recordInspection', inspect)).toMatchObject({
      status: expect.stringMatching(/^(INSPECTED|COMPLETED)$/),
      lines: [{ inspectedQuantity: 2, state: 'INSPECTED' }],
    });
  });
});

describe('idempotency of authorizeReturn', () => {
  it('replays the same key and input with the same payload and creates one return', async () => {
    const order = await twoLineOrder();
    const input = { orderId: order.id, channel: 'POS', storeId: 'loc_store_nyc', lines: [lineInput(order.lines[0]?.id as string)] };
    const key = newKey('till-1');
    const associate = principals.storeAssociate('loc_store_nyc');
    const first = await mutate(t, associate, 'authorizeReturn', input, { key });
    const replay = await mutate(t, associate, 'authorizeReturn', input, { key });
    expect(first.payload?.return?.status).toBe('AUTHORIZED');
    expect(replay.payload).toEqual(first.payload);
    const { rows } = await t.database.db.query<{ n: number; events: number }>(
      `SELECT count(*)::int8 AS n, (SELECT count(*) FROM returns.outbox WHERE aggregate_id = $2)::int8 AS events FROM returns.returns WHERE order_id = $1`,
      [order.id, first.payload?.return?.id],
    );
    expect(rows[0]).toEqual({ n: 1, events: 1 });
  });

  it('refuses the same key with different input with IDEMPOTENCY_KEY_PARAMETER_MISMATCH and writes nothing', async () => {
    const order = await twoLineOrder();
    const associate = principals.storeAssociate('loc_store_nyc');
    const input = { orderId: order.id, channel: 'POS', storeId: 'loc_store_nyc', lines: [lineInput(order.lines[0]?.id as string)] };
    const key = newKey('till-2');
    await mutateOk(t, associate, 'authorizeReturn', input);
    await mutate(t, associate, 'authorizeReturn', input, { key });
    await expectRefused(
      associate,
      'authorizeReturn',
      { ...input, lines: [lineInput(order.lines[1]?.id as string)] },
      [{ code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH', field: ['idempotencyKey'] }],
      key,
    );
  });

  it('keeps no key for a refused request, so the corrected request may reuse it', async () => {
    const order = await twoLineOrder();
    const associate = principals.storeAssociate('loc_store_nyc');
    const key = newKey('till-3');
    const input = { orderId: order.id, channel: 'POS', storeId: 'loc_store_nyc', lines: [lineInput(order.lines[0]?.id as string, 5)] };
    await expectRefused(associate, 'authorizeReturn', input, [{ code: 'QUANTITY_EXCEEDS_RETURNABLE' }], key);
    const corrected = await mutate(t, associate, 'authorizeReturn', { ...input, lines: [lineInput(order.lines[0]?.id as string, 2)] }, { key });
    expect(corrected.payload?.return?.status).toBe('AUTHORIZED');
  });
});

describe('illegal transitions', () => {
  const cases: [BuildableStatus, ReturnMutation, (ret: { id: string; lines: { id: string }[] }) => Record<string, unknown>][] = [
    ['AUTHORIZED', 'approveReturn', (ret) => ({ returnId: ret.id })],
    ['AUTHORIZED', 'declineReturn', (ret) => ({ returnId: ret.id, reason: 'LATE' })],
    ['DECLINED', 'approveReturn', (ret) => ({ returnId: ret.id })],
    ['REQUESTED', 'markReturnInTransit', (ret) => ({ returnId: ret.id })],
    ['REQUESTED', 'receiveReturnItems', (ret) => ({ returnId: ret.id, locationId: WAREHOUSE_ID, lines: [{ returnLineId: ret.lines[0]?.id, quantity: 1 }] })],
    ['CANCELED', 'cancelReturn', (ret) => ({ returnId: ret.id })],
    ['CANCELED', 'receiveReturnItems', (ret) => ({ returnId: ret.id, locationId: WAREHOUSE_ID, lines: [{ returnLineId: ret.lines[0]?.id, quantity: 1 }] })],
    ['IN_TRANSIT', 'markReturnInTransit', (ret) => ({ returnId: ret.id })],
    ['PARTIALLY_RECEIVED', 'cancelReturn', (ret) => ({ returnId: ret.id })],
    ['RECEIVED', 'cancelReturn', (ret) => ({ returnId: ret.id })],
    ['RECEIVED', 'receiveReturnItems', (ret) => ({ returnId: ret.id, locationId: WAREHOUSE_ID, lines: [{ returnLineId: ret.lines[0]?.id, quantity: 1 }] })],
    [
      'AUTHORIZED',
      'recordInspection',
      (ret) => ({
        returnId: ret.id,
        locationId: WAREHOUSE_ID,
        lines: [{ returnLineId: ret.lines[0]?.id, dispositions: [{ disposition: 'SELLABLE', quantity: 1 }] }],
      }),
    ],
    ['INSPECTED', 'cancelReturn', (ret) => ({ returnId: ret.id })],
  ];

  it.each(cases)('refuses %s → %s with INVALID_TRANSITION and changes nothing', async (status, name, input) => {
    const { ret } = await returnInStatus(t, t.database.db, status);
    expect(ret.status).toBe(status);
    const result = await expectRefused(backOffice, name, input(ret), [{ code: 'INVALID_TRANSITION', field: ['input', 'returnId'] }]);
    expect(result.payload?.userErrors[0]?.message).toContain(status);
    expect(codes(await mutate(t, backOffice, name, input(ret)))).toEqual(['INVALID_TRANSITION']);
  });
});
