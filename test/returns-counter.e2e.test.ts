import { randomUUID } from 'node:crypto';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { ago, codes, lineInput, mutate, mutateOk, newKey, recordOrder, type ReturnView } from './support/returns-kit';

/** Buy online, return in store; the over-return race; the `returns` list and its filters. */
let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
});

afterAll(async () => {
  await t.close();
});

const newCustomer = () => `cus_t_${randomUUID().slice(0, 8)}`;

const RETURN_WITH_TIMELINE = `query($id: ID!) { return(id: $id) { id status financialStatus
  timeline { fromStatus toStatus action actor roles channel storeId correlationId occurredAt } } }`;
type Timeline = { return: { id: string; status: string; financialStatus: string; timeline: Record<string, unknown>[] } | null };

describe('buy online, return in store', () => {
  it('takes a web order back at a store counter, receives it at once and inspects it, with a full timeline and ordered events', async () => {
    const order = await recordOrder(t, t.database.db, {
      customerId: newCustomer(),
      channel: 'ECOMMERCE',
      placedAt: ago(8),
      deliveredAt: ago(5),
      lines: [
        { sku: 'SKU-APP-006', category: 'apparel', quantity: 2 },
        { sku: 'SKU-HOM-005', category: 'home', quantity: 1 },
      ],
    });
    const associate = principals.storeAssociate('loc_store_nyc');
    const { payload, response } = await mutate(
      t,
      associate,
      'authorizeReturn',
      {
        orderId: order.id,
        channel: 'POS',
        storeId: 'loc_store_nyc',
        receiveNow: true,
        lines: order.lines.map((line) => lineInput(line.id, line.quantity, 'STYLE')),
      },
      { headers: { 'x-correlation-id': 'corr-boris-counter' } },
    );
    expect(response.headers.get('x-correlation-id')).toBe('corr-boris-counter');
    const taken = payload?.return as ReturnView;
    expect(taken).toMatchObject({ status: 'RECEIVED', channel: 'POS', storeId: 'loc_store_nyc', destinationLocationId: 'loc_store_nyc' });
    const bySku = [...taken.lines].sort((a, b) => a.sku.localeCompare(b.sku));
    expect(bySku.map((line) => [line.sku, line.state, line.receivedQuantity, line.pendingInspectionQuantity])).toEqual([
      ['SKU-APP-006', 'PENDING_INSPECTION', 2, 2],
      ['SKU-HOM-005', 'PENDING_INSPECTION', 1, 1],
    ]);

    const inspected = await mutate(
      t,
      associate,
      'recordInspection',
      {
        returnId: taken.id,
        locationId: 'loc_store_nyc',
        lines: [
          { returnLineId: bySku[0]?.id, dispositions: [{ disposition: 'SELLABLE', quantity: 2 }] },
          { returnLineId: bySku[1]?.id, dispositions: [{ disposition: 'DAMAGED', quantity: 1 }] },
        ],
      },
      { headers: { 'x-correlation-id': 'corr-boris-inspect' } },
    );
    // Inspected now; COMPLETED once the refund has succeeded and its credit memo is posted.
    expect(['INSPECTED', 'COMPLETED']).toContain(inspected.payload?.return?.status);
    const deadline = Date.now() + 15_000;
    let settled: { status: string; financialStatus: string; refunds: { status: string; trigger: string; creditMemo: { status: string } | null }[] } | undefined;
    while (Date.now() < deadline) {
      const state = await t.query<{ return: typeof settled }>(
        principals.storeAssociate('loc_store_nyc'),
        `query($id: ID!) { return(id: $id) { status financialStatus refunds { status trigger creditMemo { status } } } }`,
        { id: taken.id },
      );
      settled = state.data?.return ?? undefined;
      if (settled?.status === 'COMPLETED') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(settled).toMatchObject({ status: 'COMPLETED', financialStatus: 'SETTLED' });
    expect(settled?.refunds).toEqual([expect.objectContaining({ status: 'SUCCEEDED', creditMemo: { status: 'POSTED' } })]);

    const read = await t.query<Timeline>(principals.customer(order.customerId), RETURN_WITH_TIMELINE, { id: taken.id });
    expect(read.errors).toBeUndefined();
    const who = { actor: 'user:associate', roles: ['store_associate'], channel: 'POS', storeId: 'loc_store_nyc' };
    expect(read.data?.return?.timeline).toEqual([
      { fromStatus: null, toStatus: 'AUTHORIZED', action: 'authorize', ...who, correlationId: 'corr-boris-counter', occurredAt: expect.any(String) },
      { fromStatus: 'AUTHORIZED', toStatus: 'RECEIVED', action: 'receiveAll', ...who, correlationId: 'corr-boris-counter', occurredAt: expect.any(String) },
      { fromStatus: 'RECEIVED', toStatus: 'INSPECTED', action: 'inspect', ...who, correlationId: 'corr-boris-inspect', occurredAt: expect.any(String) },
      expect.objectContaining({ fromStatus: 'INSPECTED', toStatus: 'COMPLETED', action: 'complete' }),
    ]);

    const orderReturns = await t.query<{ order: { id: string; returns: { id: string; status: string }[] } }>(
      principals.storeAssociate('loc_store_nyc'),
      `query($id: ID!) { order(id: $id) { id returns { id status } } }`,
      { id: order.id },
    );
    expect(orderReturns.data?.order.returns).toEqual([{ id: taken.id, status: 'COMPLETED' }]);

    const { rows } = await t.database.db.query<{ type: string; revision: number; status: string; correlation_id: string }>(
      `SELECT type, (data->>'revision')::int AS revision, data->>'status' AS status, correlation_id FROM returns.outbox WHERE aggregate_id = $1 ORDER BY seq`,
      [taken.id],
    );
    expect(rows).toEqual([
      { type: 'ReturnAuthorized', revision: 1, status: 'AUTHORIZED', correlation_id: 'corr-boris-counter' },
      { type: 'ReturnItemsReceived', revision: 2, status: 'RECEIVED', correlation_id: 'corr-boris-counter' },
      { type: 'ReturnInspected', revision: 3, status: 'INSPECTED', correlation_id: 'corr-boris-inspect' },
      expect.objectContaining({ type: 'ReturnCompleted', revision: 4, status: 'COMPLETED' }),
    ]);
  });
});

describe('the over-return race', () => {
  it('lets exactly one of 20 concurrent authorizeReturn calls take the last unit of a line', async () => {
    const order = await recordOrder(t, t.database.db, { customerId: newCustomer(), lines: [{ sku: 'SKU-HOM-006', category: 'home', quantity: 3 }] });
    const lineId = order.lines[0]?.id as string;
    const manager = principals.storeManager('loc_store_chi');
    const input = { orderId: order.id, channel: 'POS', storeId: 'loc_store_chi', lines: [lineInput(lineId, 1)] };
    await mutateOk(t, manager, 'authorizeReturn', { ...input, lines: [lineInput(lineId, 2)] });

    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => mutate(t, manager, 'authorizeReturn', input, { key: newKey(`race-${i}`) })));
    for (const result of results) expect(result.response.errors).toBeUndefined();
    const winners = results.filter((result) => result.payload?.return?.status === 'AUTHORIZED');
    const losers = results.flatMap((result) => codes(result));
    expect(winners).toHaveLength(1);
    expect(losers).toEqual(Array.from({ length: 19 }, () => 'QUANTITY_EXCEEDS_RETURNABLE'));

    const { rows } = await t.database.db.query<{ returns: number; units: number }>(
      `SELECT count(DISTINCT r.id)::int8 AS returns, sum(l.quantity)::int8 AS units
         FROM returns.returns r JOIN returns.return_lines l ON l.return_id = r.id WHERE r.order_id = $1`,
      [order.id],
    );
    expect(rows[0]).toEqual({ returns: 2, units: 3 });
  });
});

describe('the returns list', () => {
  const customer = newCustomer();
  const other = newCustomer();
  const made: ReturnView[] = [];
  const LIST = `query($first: Int, $after: String, $status: ReturnStatus, $channel: Channel, $storeId: ID, $customerId: ID, $requestedAfter: DateTime, $requestedBefore: DateTime) {
    returns(first: $first, after: $after, status: $status, channel: $channel, storeId: $storeId, customerId: $customerId, requestedAfter: $requestedAfter, requestedBefore: $requestedBefore) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
  type List = { returns: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

  const ids = async (variables: Record<string, unknown>, principal = principals.operations()) => {
    const response = await t.query<List>(principal, LIST, { first: 50, ...variables });
    expect(response.errors).toBeUndefined();
    return response.data?.returns.edges.map((edge) => edge.node.id) ?? [];
  };
  /** Newest first, as the list sorts. */
  const newestFirst = (...indexes: number[]) => indexes.sort((a, b) => b - a).map((index) => made[index]?.id);

  beforeAll(async () => {
    const order = await recordOrder(t, t.database.db, {
      customerId: customer,
      lines: [
        { sku: 'SKU-APP-007', category: 'apparel', quantity: 4 },
        { sku: 'SKU-FTW-004', category: 'footwear', quantity: 1, unitPrice: '300.00' },
        // Not returned: keeps the returned share of purchases below the fraud ratio.
        { sku: 'SKU-HOM-008', category: 'home', quantity: 10, unitPrice: '100.00' },
      ],
    });
    const otherOrder = await recordOrder(t, t.database.db, { customerId: other, lines: [{ sku: 'SKU-APP-007', category: 'apparel', quantity: 1 }] });
    const [shirts, shoes] = order.lines.map((line) => line.id) as [string, string];
    const me = principals.customer(customer);
    // 0: web, authorized; 1: mobile, requested (above auto-approval); 2: POS at Austin; 3: POS at Austin, canceled; 4: another customer's.
    made.push(await mutateOk(t, me, 'requestReturn', { orderId: order.id, channel: 'ECOMMERCE', lines: [lineInput(shirts)] }));
    made.push(await mutateOk(t, me, 'requestReturn', { orderId: order.id, channel: 'MOBILE', lines: [lineInput(shoes)] }));
    // A manager: the third return in 30 days is flagged for review.
    const austin = principals.storeManager('loc_store_aus');
    made.push(await mutateOk(t, austin, 'authorizeReturn', { orderId: order.id, channel: 'POS', storeId: 'loc_store_aus', lines: [lineInput(shirts)] }));
    const canceled = await mutateOk(t, austin, 'authorizeReturn', { orderId: order.id, channel: 'POS', storeId: 'loc_store_aus', lines: [lineInput(shirts)] });
    made.push(await mutateOk(t, austin, 'cancelReturn', { returnId: canceled.id }));
    made.push(
      await mutateOk(t, principals.customer(other), 'requestReturn', {
        orderId: otherOrder.id,
        channel: 'ECOMMERCE',
        lines: [lineInput(otherOrder.lines[0]?.id as string)],
      }),
    );
  });

  it('filters by customer, channel, store and status, newest first', async () => {
    expect(await ids({ customerId: customer })).toEqual(newestFirst(0, 1, 2, 3));
    expect(await ids({ customerId: customer, channel: 'POS' })).toEqual(newestFirst(2, 3));
    expect(await ids({ storeId: 'loc_store_aus' })).toEqual(newestFirst(2, 3));
    expect(await ids({ storeId: 'loc_store_aus', status: 'CANCELED' })).toEqual(newestFirst(3));
    expect(await ids({ customerId: customer, status: 'REQUESTED' })).toEqual(newestFirst(1));
    expect(await ids({ customerId: customer, channel: 'MARKETPLACE' })).toEqual([]);
  });

  it('filters by requested time: at or after one instant, before another', async () => {
    const at = made[2]?.requestedAt as string;
    expect(await ids({ customerId: customer, requestedAfter: at })).toEqual(newestFirst(2, 3));
    expect(await ids({ customerId: customer, requestedBefore: at })).toEqual(newestFirst(0, 1));
    expect(await ids({ customerId: customer, requestedAfter: made[1]?.requestedAt, requestedBefore: made[3]?.requestedAt })).toEqual(newestFirst(1, 2));
  });

  it('pages a filtered list without overlap', async () => {
    const first = await t.query<List>(principals.operations(), LIST, { first: 3, customerId: customer });
    expect(first.data?.returns.pageInfo.hasNextPage).toBe(true);
    const second = await t.query<List>(principals.operations(), LIST, { first: 3, customerId: customer, after: first.data?.returns.pageInfo.endCursor });
    expect(second.data?.returns.pageInfo.hasNextPage).toBe(false);
    const all = [...(first.data?.returns.edges ?? []), ...(second.data?.returns.edges ?? [])].map((edge) => edge.node.id);
    expect(all).toEqual(newestFirst(0, 1, 2, 3));
  });

  it('keeps a customer to their own returns whatever the filter says', async () => {
    const mine = await ids({}, principals.customer(customer));
    expect(mine).toEqual(newestFirst(0, 1, 2, 3));
    expect(await ids({ customerId: other }, principals.customer(customer))).toEqual([]);
  });
});
