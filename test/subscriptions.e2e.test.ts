import { randomUUID } from 'node:crypto';
import { generateSigningKeys, signClientToken, type Principal } from '../platform/auth';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { lineInput, mutateOk, recordOrder, WAREHOUSE_ID, type RecordedOrder } from './support/returns-kit';
import { connect, waitUntil, type WsConnection } from './support/subscription-client';

/**
 * Subscriptions through the gateway's graphql-ws endpoint: updates resolved across subgraphs,
 * in order; tenancy from the token whatever the arguments say; resumption by cursor; token checks;
 * listeners freed on unsubscribe and disconnect; misuse refused.
 */
let t: TestGraph;
let wsUrl: string;
const connections: WsConnection[] = [];

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
  wsUrl = t.url.replace(/^http/, 'ws');
});

afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.dispose()));
  await t.close();
});

/** A connection as `principal`, closed after the file. */
async function open(principal: Principal): Promise<WsConnection> {
  const connection = connect(wsUrl, await t.tokenFor(principal));
  connections.push(connection);
  return connection;
}

/** Waits until the gateway holds `count` live subscriptions: only then are updates routed to them. */
const subscribers = (count: number) =>
  waitUntil(
    () => t.graph.gateway.subscriberCount() === count,
    () => `gateway has ${t.graph.gateway.subscriberCount()} subscribers, not ${count}`,
  );

const newCustomer = () => `cus_s_${randomUUID().slice(0, 8)}`;
const order = (spec: { channel?: 'ECOMMERCE' | 'POS' | 'MARKETPLACE'; partnerId?: string; lines?: number }) =>
  recordOrder(t, t.database.db, {
    customerId: newCustomer(),
    channel: spec.channel ?? 'ECOMMERCE',
    partnerId: spec.partnerId ?? null,
    lines: Array.from({ length: spec.lines ?? 1 }, (_, i) => ({ sku: `SKU-APP-00${i + 1}`, category: 'apparel', quantity: 2, unitPrice: '25.00' })),
  });

/** How long the relay may take to give committed events their positions (it wakes on commit, polls every 250 ms). */
const STAMP_WAIT_MS = 10_000;

/** Waits until the returns relay has given every committed event its log position. */
async function stamped(): Promise<void> {
  const deadline = Date.now() + STAMP_WAIT_MS;
  for (;;) {
    const { rows } = await t.database.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM returns.outbox WHERE position IS NULL');
    if (rows[0]?.n === 0) return;
    if (Date.now() > deadline) throw new Error(`${rows[0]?.n} events still without a position after ${STAMP_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The status updates of the returns event log matching `where` (on the event's data), in position order: the record. */
async function loggedCursors(where: string, params: unknown[]): Promise<string[]> {
  await stamped();
  const { rows } = await t.database.db.query<{ position: number }>(`SELECT position FROM returns.outbox WHERE type = ANY($1) AND ${where} ORDER BY position`, [
    ['ReturnRequested', 'ReturnAuthorized', 'ReturnDeclined', 'ReturnCanceled', 'ReturnInTransit', 'ReturnItemsReceived', 'ReturnInspected', 'ReturnCompleted'],
    ...params,
  ]);
  return rows.map((row) => Buffer.from(`returns:${row.position}`).toString('base64url'));
}

const STATUS_SELECTION = `cursor sequence eventType returnId status previousStatus occurredAt
  return { number order { number channel } refunds { status } }`;
type StatusUpdate = {
  returnStatusChanged: {
    cursor: string;
    sequence: number;
    eventType: string;
    returnId: string;
    status: string;
    previousStatus: string | null;
    occurredAt: string;
    return: { number: string; order: { number: string; channel: string }; refunds: { status: string }[] } | null;
  };
};
type RefundUpdate = {
  refundUpdated: {
    cursor: string;
    sequence: number;
    eventType: string;
    refundId: string;
    status: string;
    refund: { amount: { amount: string }; breakdown: { total: { amount: string } } };
  };
};
const byOrder = `subscription($orderId: ID, $after: String) { returnStatusChanged(orderId: $orderId, after: $after) { ${STATUS_SELECTION} } }`;

describe('updates across subgraphs', () => {
  it('delivers a counter return and its refund, with order, return and refund fields, in order with increasing sequence', async () => {
    const bought = await order({ lines: 2 });
    const associate = principals.storeAssociate('loc_store_nyc');
    const connection = await open(associate);
    const before = t.graph.gateway.subscriberCount();
    const statuses = connection.subscribe<StatusUpdate>(byOrder, { orderId: bought.id });
    const refunds = connection.subscribe<RefundUpdate>(
      `subscription($orderId: ID) { refundUpdated(orderId: $orderId) { cursor sequence eventType refundId status refund { amount { amount } breakdown { total { amount } } } } }`,
      { orderId: bought.id },
    );
    await subscribers(before + 2);

    const taken = await mutateOk(t, associate, 'authorizeReturn', {
      orderId: bought.id,
      channel: 'POS',
      storeId: 'loc_store_nyc',
      receiveNow: true,
      lines: bought.lines.map((line) => lineInput(line.id, line.quantity, 'STYLE')),
    });
    await mutateOk(t, associate, 'recordInspection', {
      returnId: taken.id,
      locationId: 'loc_store_nyc',
      lines: taken.lines.map((line) => ({ returnLineId: line.id, dispositions: [{ disposition: 'SELLABLE', quantity: line.quantity }] })),
    });
    // The refund settles and the return completes on its own, a few events later.
    await waitUntil(
      () => statuses.updates.some((update) => update.returnStatusChanged.status === 'COMPLETED'),
      () => JSON.stringify(statuses.updates),
      20_000,
    );

    const received = statuses.updates.map((update) => update.returnStatusChanged);
    expect(received.map((update) => update.cursor)).toEqual(await loggedCursors(`data->>'orderId' = $2`, [bought.id]));
    expect(received.map((update) => update.status)).toEqual(['AUTHORIZED', 'RECEIVED', 'INSPECTED', 'COMPLETED']);
    const sequences = received.map((update) => update.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    for (const update of received) {
      expect(update.returnId).toBe(taken.id);
      expect(update.return).toMatchObject({ number: taken.number, order: { number: bought.number, channel: 'ECOMMERCE' } });
    }
    expect(received.at(-1)?.return?.refunds.map((refund) => refund.status)).toEqual(['SUCCEEDED']);
    expect(statuses.errors).toEqual([]);

    await waitUntil(
      () => refunds.updates.some((update) => update.refundUpdated.status === 'SUCCEEDED'),
      () => JSON.stringify(refunds.updates),
    );
    const refundUpdates = refunds.updates.map((update) => update.refundUpdated);
    const refundSequences = refundUpdates.map((update) => update.sequence);
    expect(refundSequences).toEqual([...refundSequences].sort((a, b) => a - b));
    expect(new Set(refundUpdates.map((update) => update.refundId)).size).toBe(1);
    // Two lines of two units at 25.00, refunded in full: 100.00.
    for (const update of refundUpdates) expect(update.refund).toEqual({ amount: { amount: '100.00' }, breakdown: { total: { amount: '100.00' } } });
    expect(refunds.errors).toEqual([]);
  });
});

describe('tenancy', () => {
  it("never sends a partner, customer or store associate another tenant's update, and sends each all of its own", async () => {
    const partners = ['mkp_sub_a', 'mkp_sub_b'] as const;
    const orders: Record<string, RecordedOrder[]> = { mkp_sub_a: [], mkp_sub_b: [] };
    for (let i = 0; i < 10; i++) for (const partnerId of partners) orders[partnerId]?.push(await order({ channel: 'MARKETPLACE', partnerId }));
    const other = (partnerId: string) => (partnerId === partners[0] ? partners[1] : partners[0]);

    const before = t.graph.gateway.subscriberCount();
    const watching: { partnerId: string; updates: StatusUpdate[] }[] = [];
    const foreignFilters: { updates: unknown[] }[] = [];
    for (const partnerId of partners) {
      const connection = await open(principals.partner(partnerId));
      // Six see everything of their own (some in one group, some with their own filters) ...
      for (let i = 0; i < 4; i++) watching.push({ partnerId, updates: connection.subscribe<StatusUpdate>(byOrder, {}).updates });
      watching.push({
        partnerId,
        updates: connection.subscribe<StatusUpdate>(`subscription { returnStatusChanged(channel: MARKETPLACE) { ${STATUS_SELECTION} } }`).updates,
      });
      watching.push({ partnerId, updates: (await open(principals.partner(partnerId))).subscribe<StatusUpdate>(byOrder, {}).updates });
      // ... and four name the other partner's orders: they must receive nothing.
      for (const foreign of orders[other(partnerId)]?.slice(0, 4) ?? []) foreignFilters.push(connection.subscribe(byOrder, { orderId: foreign.id }));
    }
    const firstOrder = orders[partners[0]]?.[0] as RecordedOrder;
    const customer = (await open(principals.customer(firstOrder.customerId))).subscribe<StatusUpdate>(byOrder, {});
    const customerPrying = (await open(principals.customer(firstOrder.customerId))).subscribe<StatusUpdate>(byOrder, { orderId: orders[partners[0]]?.[1]?.id });
    const austin = (await open(principals.storeAssociate('loc_store_aus'))).subscribe<StatusUpdate>(byOrder, {});
    await subscribers(before + 12 + 8 + 3);
    await stamped();
    const start =
      (await t.database.db.query<{ position: number }>('SELECT coalesce(max(position), 0)::int8 AS position FROM returns.outbox')).rows[0]?.position ?? 0;

    // Twenty marketplace returns, each authorized then canceled by its partner: forty updates.
    for (let i = 0; i < 10; i++) {
      for (const partnerId of partners) {
        const bought = orders[partnerId]?.[i] as RecordedOrder;
        const partner = principals.partner(partnerId);
        const ret = await mutateOk(t, partner, 'requestReturn', {
          orderId: bought.id,
          channel: 'MARKETPLACE',
          lines: [lineInput(bought.lines[0]?.id as string)],
        });
        await mutateOk(t, partner, 'cancelReturn', { returnId: ret.id });
      }
    }
    // Two counter returns, at New York and at Austin.
    for (const storeId of ['loc_store_nyc', 'loc_store_aus']) {
      const bought = await order({});
      await mutateOk(t, principals.storeAssociate(storeId), 'authorizeReturn', {
        orderId: bought.id,
        channel: 'POS',
        storeId,
        lines: [lineInput(bought.lines[0]?.id as string)],
      });
    }

    const expected = {
      mkp_sub_a: await loggedCursors(`position > $2 AND data->>'partnerId' = $3`, [start, partners[0]]),
      mkp_sub_b: await loggedCursors(`position > $2 AND data->>'partnerId' = $3`, [start, partners[1]]),
      customer: await loggedCursors(`position > $2 AND data->>'customerId' = $3`, [start, firstOrder.customerId]),
      austin: await loggedCursors(`position > $2 AND data->>'storeId' = $3`, [start, 'loc_store_aus']),
    };
    expect(expected.mkp_sub_a).toHaveLength(20);
    expect(expected.mkp_sub_b).toHaveLength(20);
    const cursors = (updates: StatusUpdate[]) => updates.map((update) => update.returnStatusChanged.cursor);
    await waitUntil(
      () => watching.every((each) => each.updates.length >= 20) && customer.updates.length >= 2 && austin.updates.length >= 1,
      () => `received ${watching.map((each) => each.updates.length).join(',')} / customer ${customer.updates.length} / austin ${austin.updates.length}`,
    );
    for (const each of watching) expect(cursors(each.updates)).toEqual(expected[each.partnerId as keyof typeof expected]);
    expect(cursors(customer.updates)).toEqual(expected.customer);
    expect(cursors(austin.updates)).toEqual(expected.austin);
    // The returns themselves resolve under the subscriber's authorization, too.
    for (const each of watching) for (const update of each.updates) expect(update.returnStatusChanged.return?.order.channel).toBe('MARKETPLACE');
    // Filters naming another tenant's orders get nothing (give any stray update time to arrive).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(foreignFilters.map((each) => each.updates.length)).toEqual(foreignFilters.map(() => 0));
    expect(customerPrying.updates).toEqual([]);
  });
});

describe('resumption', () => {
  it('resumes after a disconnect with exactly the missed updates in order, then live ones, none twice', async () => {
    const bought = await order({ lines: 3 });
    const customer = principals.customer(bought.customerId);
    const returnLine = (i: number) => ({ orderId: bought.id, channel: 'ECOMMERCE', lines: [lineInput(bought.lines[i]?.id as string)] });
    const before = t.graph.gateway.subscriberCount();
    const first = await open(customer);
    const live = first.subscribe<StatusUpdate>(byOrder, { orderId: bought.id });
    await subscribers(before + 1);
    const one = await mutateOk(t, customer, 'requestReturn', returnLine(0));
    await mutateOk(t, customer, 'markReturnInTransit', { returnId: one.id, carrier: 'UPS', trackingNumber: '1Z1' });
    await live.waitFor(2);
    await first.dispose();
    await subscribers(before);

    // Missed while away: one is received at the warehouse, a second return is asked for and withdrawn.
    await mutateOk(t, principals.service(), 'receiveReturnItems', {
      returnId: one.id,
      locationId: WAREHOUSE_ID,
      lines: [{ returnLineId: one.lines[0]?.id, quantity: 1 }],
    });
    const two = await mutateOk(t, customer, 'requestReturn', returnLine(1));
    await mutateOk(t, customer, 'cancelReturn', { returnId: two.id });
    const missed = (await loggedCursors(`data->>'orderId' = $2`, [bought.id])).length - 2;
    expect(missed).toBeGreaterThanOrEqual(3);

    const lastCursor = live.updates.at(-1)?.returnStatusChanged.cursor;
    const resumed = (await open(customer)).subscribe<StatusUpdate>(byOrder, { orderId: bought.id, after: lastCursor });
    await resumed.waitFor(missed);
    await mutateOk(t, customer, 'requestReturn', returnLine(2));
    await waitUntil(
      () => resumed.updates.some((update) => update.returnStatusChanged.returnId !== one.id && update.returnStatusChanged.returnId !== two.id),
      () => 'no live update',
    );

    // Quiet: refunds of the received unit may still add updates; wait until the log and the client agree.
    const all = () => [...live.updates, ...resumed.updates].map((update) => update.returnStatusChanged.cursor);
    let logged: string[] = [];
    await new Promise((resolve) => setTimeout(resolve, 300));
    logged = await loggedCursors(`data->>'orderId' = $2`, [bought.id]);
    await waitUntil(
      () => all().length >= logged.length,
      () => `${all().length} of ${logged.length}`,
    );
    expect(all()).toEqual(logged);
    expect(resumed.errors).toEqual([]);
  });

  it('refuses a cursor of another stream', async () => {
    const foreign = Buffer.from('refunds:1').toString('base64url');
    const resumed = (await open(principals.operations())).subscribe(byOrder, { after: foreign });
    await resumed.ended();
    expect(resumed.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('tokens', () => {
  it('closes the socket with 4403 for a bad token and for no token', async () => {
    const forged = connect(wsUrl, 'not-a-jwt');
    const wrongKey = connect(wsUrl, await signClientToken(principals.operations(), (await generateSigningKeys()).privateJwk));
    const none = connect(wsUrl, null);
    connections.push(forged, wrongKey, none);
    expect(await forged.closed()).toBe(4403);
    expect(await wrongKey.closed()).toBe(4403);
    expect(await none.closed()).toBe(4403);
  });

  it('closes the socket with 4403 when the token expires, and frees its subscriptions', async () => {
    const before = t.graph.gateway.subscriberCount();
    const connection = connect(wsUrl, await signClientToken(principals.operations(), t.keys.privateJwk, 2));
    connections.push(connection);
    connection.subscribe(byOrder, {});
    await subscribers(before + 1);
    const opened = Date.now();
    expect(await connection.closed(6_000)).toBe(4403);
    expect(Date.now() - opened).toBeGreaterThan(500);
    await subscribers(before);
  });
});

describe('listeners', () => {
  it('frees the listener when the client unsubscribes and when it disconnects', async () => {
    const before = t.graph.gateway.subscriberCount();
    const connection = await open(principals.operations());
    const one = connection.subscribe(byOrder, {});
    connection.subscribe(byOrder, { orderId: 'ord_none' });
    connection.subscribe(`subscription { refundUpdated { cursor } }`);
    await subscribers(before + 3);
    one.unsubscribe();
    await subscribers(before + 2);
    await connection.dispose();
    await subscribers(before);
  });
});

describe('misuse', () => {
  it('refuses a query or a mutation over the WebSocket with a clear error', async () => {
    const connection = await open(principals.operations());
    const query = connection.subscribe(`query { returns(first: 1) { edges { cursor } } }`);
    await query.ended();
    expect(query.errors[0]).toMatchObject({
      message: 'Only subscriptions are served over WebSocket; send queries and mutations over HTTP.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(query.updates).toEqual([]);
  });

  it('answers an invalid subscription with validation errors', async () => {
    const connection = await open(principals.operations());
    const invalid = connection.subscribe(`subscription { returnStatusChanged { cursor noSuchField } }`);
    await invalid.ended();
    expect(invalid.errors[0]?.message).toMatch(/Cannot query field "noSuchField" on type "ReturnStatusUpdate"/);
    const twoRoots = connection.subscribe(`subscription { a: returnStatusChanged { cursor } b: refundUpdated { cursor } }`);
    await twoRoots.ended();
    expect(twoRoots.errors.length).toBeGreaterThan(0);
  });
});
