import { randomUUID } from 'node:crypto';
import type { Principal } from '../platform/auth';
import { appendEvents, type NewEvent } from '../platform/events/outbox';
import { ReturnRequested } from '../contracts/events/returns';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { connect, waitUntil, type Subscription, type WsConnection } from './support/subscription-client';

/**
 * Event positions and catch-up through the gateway's hub: an event whose transaction commits after
 * a later-started one's is still delivered (live and on resumption), once, in position order; and
 * a subscriber who can see few of many logged events reads the log to its end.
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

/** How long to wait after the last expected update for a stray one (a duplicate or a foreign update). */
const QUIET_MS = 500;
/** Events appended per transaction when filling the log: quick, and many relay rounds. */
const FILL_BATCH = 200;

type StatusUpdate = { returnStatusChanged: { cursor: string; eventType: string; returnId: string; status: string } };
const SUBSCRIPTION = `subscription($after: String) { returnStatusChanged(after: $after) { cursor eventType returnId status } }`;

async function subscribe(principal: Principal, after: string | null = null): Promise<Subscription<StatusUpdate>> {
  const connection = connect(wsUrl, await t.tokenFor(principal));
  connections.push(connection);
  return connection.subscribe<StatusUpdate>(SUBSCRIPTION, after ? { after } : {});
}

/** Waits until the gateway holds `count` live subscriptions: only then are updates routed to them. */
const subscribers = (count: number) =>
  waitUntil(
    () => t.graph.gateway.subscriberCount() === count,
    () => `gateway has ${t.graph.gateway.subscriberCount()} subscribers, not ${count}`,
  );

/** A `ReturnRequested` of a return nobody else knows, owned by `owner`. No consumer handles this type. */
function requested(owner: { customerId?: string; partnerId?: string }): NewEvent<unknown> {
  const key = randomUUID().slice(0, 8);
  return {
    definition: ReturnRequested,
    aggregateId: `ret_pos_${key}`,
    data: {
      returnId: `ret_pos_${key}`,
      orderId: `ord_pos_${key}`,
      number: `RMA-POS-${key}`,
      status: 'REQUESTED',
      previousStatus: null,
      revision: 1,
      channel: owner.partnerId ? 'MARKETPLACE' : 'ECOMMERCE',
      storeId: null,
      customerId: owner.customerId ?? null,
      partnerId: owner.partnerId ?? null,
      destinationLocationId: null,
      refundMethod: null,
      valueMinor: 2500,
      currency: 'USD',
      fraudOutcome: 'APPROVE',
      lines: [
        {
          returnLineId: `rli_pos_${key}`,
          orderLineId: `oli_pos_${key}`,
          sku: 'SKU-APP-001',
          quantity: 1,
          reason: 'STYLE',
          netValueMinor: 2500,
          restockingFeeMinor: 0,
        },
      ],
    },
  };
}

/** Appends `events` to the returns outbox in one committed transaction. */
const commit = (events: NewEvent<unknown>[]) => t.database.db.transaction((tx) => appendEvents(tx, 'returns', 'returns', events));

/** How long the relay may take to publish what is committed (it polls every 250 ms and wakes on appends). */
const PUBLISH_WAIT_MS = 20_000;

/** Waits until the returns relay has published everything committed so far. */
async function published(): Promise<void> {
  const deadline = Date.now() + PUBLISH_WAIT_MS;
  for (;;) {
    const { rows } = await t.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM returns.outbox WHERE published_at IS NULL');
    if (rows[0]?.n === 0) return;
    if (Date.now() > deadline) throw new Error(`${rows[0]?.n} events still unpublished after ${PUBLISH_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The log position a cursor names (cursors are opaque to clients; the test may look inside). */
const positionOf = (cursor: string) => Number(Buffer.from(cursor, 'base64url').toString('utf8').split(':')[1]);
const returnIds = (subscription: Subscription<StatusUpdate>) => subscription.updates.map((update) => update.returnStatusChanged.returnId);
const quiet = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));

describe('positions in commit order', () => {
  it('delivers an event whose transaction commits after a later one, live and on resumption, once each, in position order', async () => {
    const customer = principals.customer(`cus_pos_${randomUUID().slice(0, 8)}`);
    const owner = { customerId: customer.customerId as string };
    const before = t.graph.gateway.subscriberCount();
    const live = await subscribe(customer);
    await subscribers(before + 1);

    // C: committed and published before the race, so a cursor before both A and B exists.
    const [c] = await commit([requested(owner)]);
    await live.waitFor(1);
    const cursorC = live.updates[0]?.returnStatusChanged.cursor as string;

    // A appends first (takes the lower seq) and stays open; B appends later and commits first.
    let releaseA!: () => void;
    let appendedA!: (events: { aggregateId: string }[]) => void;
    const held = new Promise<void>((resolve) => (releaseA = resolve));
    const aAppended = new Promise<{ aggregateId: string }[]>((resolve) => (appendedA = resolve));
    const transactionA = t.database.db.transaction(async (tx) => {
      appendedA(await appendEvents(tx, 'returns', 'returns', [requested(owner)]));
      await held;
    });
    const [a] = await aAppended;
    const [b] = await commit([requested(owner)]);
    await live.waitFor(2);
    await published();

    // Resuming from before both while A is still open: B from the log, then A when it commits.
    const fromBeforeBoth = await subscribe(customer, cursorC);
    await fromBeforeBoth.waitFor(1);
    await subscribers(before + 2);

    releaseA();
    await transactionA;
    await live.waitFor(3);
    await fromBeforeBoth.waitFor(2);
    await published();
    const cursorB = live.updates.find((update) => update.returnStatusChanged.returnId === b?.aggregateId)?.returnStatusChanged.cursor as string;
    const afterB = await subscribe(customer, cursorB);
    await afterB.waitFor(1);
    await quiet();

    expect(returnIds(live)).toEqual([c?.aggregateId, b?.aggregateId, a?.aggregateId]);
    expect(returnIds(fromBeforeBoth)).toEqual([b?.aggregateId, a?.aggregateId]);
    expect(returnIds(afterB)).toEqual([a?.aggregateId]);
    const positions = live.updates.map((update) => positionOf(update.returnStatusChanged.cursor));
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    expect(new Set(positions).size).toBe(3);
    // Every subscriber names A by the same cursor.
    const cursorsOfA = [live, fromBeforeBoth, afterB].map((each) => each.updates.at(-1)?.returnStatusChanged.cursor);
    expect(new Set(cursorsOfA).size).toBe(1);
    expect([...live.errors, ...fromBeforeBoth.errors, ...afterB.errors]).toEqual([]);
  });
});

describe('catch-up to the end of the log', () => {
  it('sends a partner resuming over 2,000 events all 30 of its own and nothing of other partners', async () => {
    const mine = principals.partner(`mkp_pos_${randomUUID().slice(0, 8)}`);
    const partnerId = mine.partnerId as string;
    const others = ['mkp_pos_other_1', 'mkp_pos_other_2', 'mkp_pos_other_3'];
    const before = t.graph.gateway.subscriberCount();
    const live = await subscribe(mine);
    await subscribers(before + 1);
    await commit([requested({ partnerId })]);
    await live.waitFor(1);
    const start = live.updates[0]?.returnStatusChanged.cursor as string;
    live.unsubscribe();
    await subscribers(before);

    // 2,000 events; every 66th (from the 10th) is mine, 30 of them, spread over every page.
    const OWN_EVERY = 66;
    const isMine = (i: number) => i % OWN_EVERY === 10 && i < 30 * OWN_EVERY;
    const events = Array.from({ length: 2_000 }, (_, i) => requested({ partnerId: isMine(i) ? partnerId : (others[i % others.length] as string) }));
    const own = events.filter((event) => (event.data as { partnerId: string }).partnerId === partnerId).map((event) => event.aggregateId);
    expect(own).toHaveLength(30);
    for (let i = 0; i < events.length; i += FILL_BATCH) await commit(events.slice(i, i + FILL_BATCH));
    await published();

    const resumed = await subscribe(mine, start);
    await resumed.waitFor(30, 20_000);
    await quiet();
    expect(returnIds(resumed)).toEqual(own);
    expect(resumed.errors).toEqual([]);
    expect(resumed.finished).toBe(false);
  });
});
