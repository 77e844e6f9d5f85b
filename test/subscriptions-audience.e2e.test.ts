import { randomUUID } from 'node:crypto';
import { canSeeUpdate, type Principal } from '../platform/auth';
import { metricsRegistry } from '../platform/metrics';
import { audienceClass } from '../gateway/subscriptions/audience';
import { startTestGraph, type TestGraph } from './support/graph';
import { parseMetrics, sum } from './support/metrics-scrape';
import { lineInput, mutateOk, recordOrder, type RecordedOrder } from './support/returns-kit';
import { connect, waitUntil, type Subscription, type WsConnection } from './support/subscription-client';

/**
 * Audience classes through the real graph: subscribers with distinct principals — three associates
 * of one store (one class), an associate of another store, that store's manager, the customer, a
 * stranger customer, the back office — each receive exactly what resolving their OWN principal
 * alone gives (the gateway's one-update query, asked over HTTP as them), while the gateway resolves
 * each update once per class, not once per subscriber. Unit-level property test:
 * gateway/subscriptions/hub-audience.test.ts.
 */
let t: TestGraph;
const connections: WsConnection[] = [];

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
});

afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.dispose()));
  await t.close();
});

/** Fields that do not change after the event (a later read must give the same answer). */
const SELECTION = 'cursor sequence eventType returnId status previousStatus return { number order { number channel } }';
const SUBSCRIPTION = `subscription { returnStatusChanged { ${SELECTION} } }`;
const SOLO = `query($cursor: String!) { returnStatusUpdate(cursor: $cursor) { ${SELECTION} } }`;
const STATUS_TYPES = [
  'ReturnRequested',
  'ReturnAuthorized',
  'ReturnDeclined',
  'ReturnCanceled',
  'ReturnInTransit',
  'ReturnItemsReceived',
  'ReturnInspected',
  'ReturnCompleted',
];
type Update = { returnStatusChanged: Record<string, unknown> & { cursor: string } };

const RESOLUTIONS = 'returns_graph_gateway_subscription_resolutions_total';
const resolutions = async () => sum(parseMetrics(await metricsRegistry.metrics()), RESOLUTIONS, { source: 'returns' });

it('gives every subscriber what its own principal alone resolves, resolving once per audience class', async () => {
  const customerId = `cus_aud_${randomUUID().slice(0, 8)}`;
  const bought: RecordedOrder = await recordOrder(t, t.database.db, {
    customerId,
    lines: [{ sku: 'SKU-APP-001', category: 'apparel', quantity: 1, unitPrice: '25.00' }],
  });
  const nycAssociate = (n: number): Principal => ({ subject: `user:nyc-${n}`, roles: ['store_associate'], storeIds: ['loc_store_nyc'] });
  const subscribers: Principal[] = [
    nycAssociate(1),
    nycAssociate(2),
    // Same class, stores listed twice: a set.
    { subject: 'user:nyc-3', roles: ['store_associate'], storeIds: ['loc_store_nyc', 'loc_store_nyc'] },
    { subject: 'user:sfo-1', roles: ['store_associate'], storeIds: ['loc_store_sfo'] },
    { subject: 'user:nyc-manager', roles: ['store_manager'], storeIds: ['loc_store_nyc'] },
    { subject: `user:${customerId}`, roles: ['customer'], customerId, storeIds: [] },
    { subject: 'user:stranger', roles: ['customer'], customerId: `cus_other_${randomUUID().slice(0, 8)}`, storeIds: [] },
    { subject: 'user:ops-1', roles: ['operations_admin'], storeIds: [] },
    { subject: 'user:ops-2', roles: ['operations_admin'], storeIds: [] },
  ];
  const before = t.graph.gateway.subscriberCount();
  const streams: Subscription<Update>[] = [];
  for (const principal of subscribers) {
    const connection = connect(t.url.replace(/^http/, 'ws'), await t.tokenFor(principal));
    connections.push(connection);
    streams.push(connection.subscribe<Update>(SUBSCRIPTION));
  }
  await waitUntil(
    () => t.graph.gateway.subscriberCount() === before + subscribers.length,
    () => `gateway has ${t.graph.gateway.subscriberCount()} subscribers`,
  );
  const start =
    (await t.database.db.query<{ position: number }>('SELECT coalesce(max(position), 0)::int8 AS position FROM returns.outbox')).rows[0]?.position ?? 0;
  const resolvedBefore = await resolutions();

  // A counter return at New York, received and inspected there; the refund completes it.
  const associate = nycAssociate(1);
  const taken = await mutateOk(t, associate, 'authorizeReturn', {
    orderId: bought.id,
    channel: 'POS',
    storeId: 'loc_store_nyc',
    receiveNow: true,
    lines: [lineInput(bought.lines[0]?.id as string)],
  });
  await mutateOk(t, associate, 'recordInspection', {
    returnId: taken.id,
    locationId: 'loc_store_nyc',
    lines: taken.lines.map((line) => ({ returnLineId: line.id, dispositions: [{ disposition: 'SELLABLE', quantity: line.quantity }] })),
  });
  const ops = streams[7] as Subscription<Update>;
  await waitUntil(
    () => ops.updates.some((update) => update.returnStatusChanged.status === 'COMPLETED'),
    () => JSON.stringify(ops.updates),
    20_000,
  );
  const { rows: events } = await t.database.db.query<{ position: number; data: Record<string, unknown> }>(
    'SELECT position::int8 AS position, data FROM returns.outbox WHERE position > $1 AND type = ANY($2) ORDER BY position',
    [start, STATUS_TYPES],
  );
  const cursors = events.map((event) => Buffer.from(`returns:${event.position}`).toString('base64url'));

  // What each principal alone resolves for every event since the start, in log order.
  const solo: Record<string, unknown>[][] = [];
  for (const principal of subscribers) {
    const own: Record<string, unknown>[] = [];
    for (const cursor of cursors) {
      const response = await t.query<{ returnStatusUpdate: Record<string, unknown> | null }>(principal, SOLO, { cursor });
      expect(response.errors).toBeUndefined();
      if (response.data?.returnStatusUpdate) own.push(response.data.returnStatusUpdate);
    }
    solo.push(own);
  }
  await waitUntil(
    () => streams.every((stream, i) => stream.updates.length >= (solo[i] as unknown[]).length),
    () => streams.map((stream, i) => `${stream.updates.length}/${solo[i]?.length}`).join(' '),
  );
  // Give a stray extra update time to arrive before comparing.
  await new Promise((resolve) => setTimeout(resolve, 300));
  streams.forEach((stream, i) => {
    expect(stream.updates.map((update) => update.returnStatusChanged)).toEqual(solo[i]);
    expect(stream.errors).toEqual([]);
  });
  // Who sees what: New York's staff, the customer and the back office all of it; San Francisco and the stranger nothing.
  expect(solo.map((own) => own.length > 0)).toEqual([true, true, true, false, true, true, false, true, true]);

  // One resolution per event and class that may see it: the three New York associates share one, the two operators another.
  const classes = new Map(subscribers.map((principal) => [audienceClass(principal), principal]));
  const expected = events.reduce((total, event) => total + [...classes.values()].filter((principal) => canSeeUpdate(principal, event.data)).length, 0);
  expect(classes.size).toBe(6);
  expect((await resolutions()) - resolvedBefore).toBe(expected);
});
