/**
 * What the refunds benches share: the refunds subgraph as it runs in production on an in-process
 * bus, orders with one authorized return each published before the clock starts, and polling the
 * database until a count is reached.
 */
import { randomBytes } from 'node:crypto';
import type { PostgresDb } from '../platform/db';
import { InternalTokens } from '../platform/auth';
import { EventPipeline } from '../platform/events/pipeline';
import { InProcessBus } from '../platform/events/in-process-bus';
import type { DeliveredEvent } from '../platform/events/envelope';
import { startSubgraph, type RunningSubgraph } from '../platform/subgraph';
import { subgraphNamed, type SubgraphSettings } from '../app/subgraphs';
import type { Connectors } from '../app/connectors';
import { OrderRecorded } from '../contracts/events/orders';
import { authorizedEvent, envelope, orderData, type TestReturn } from '../subgraphs/refunds/testing/refunds-kit';

/** How often progress is read from the database. */
const POLL_MS = 50;

/** The `p`th percentile of ascending `sorted`. */
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Waits until `sql` (a count `n`) reaches `target`; throws naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, db: PostgresDb, sql: string, target: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ n: number }>(sql);
    if (Number(rows[0]?.n ?? 0) >= target) return;
    if (Date.now() > deadline) throw new Error(`${what}: ${rows[0]?.n} of ${target} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** A running refunds subgraph and how to put events on its bus. */
export interface RefundsRig {
  subgraph: RunningSubgraph;
  pipeline: EventPipeline;
  publish(events: readonly ReturnType<typeof envelope>[]): Promise<void>;
}

/** Starts the refunds subgraph over `db` with its event pipeline on an in-process bus. Stop `pipeline` when done. */
export async function startRefundsRig(db: PostgresDb, connectors: Connectors, settings: SubgraphSettings): Promise<RefundsRig> {
  const bus = new InProcessBus();
  const pipeline = new EventPipeline(db, bus);
  const subgraph = await startSubgraph(subgraphNamed('refunds', { db, connectors, settings }), {
    db,
    internalTokens: new InternalTokens(randomBytes(32).toString('base64url')),
    port: 0,
    pipeline,
  });
  await pipeline.start();
  let seq = 0;
  const publish = async (events: readonly ReturnType<typeof envelope>[]) =>
    bus.publish(events.map((event): DeliveredEvent => ({ envelope: event, sourceSeq: ++seq })));
  return { subgraph, pipeline, publish };
}

/**
 * Publishes `count` orders (one line of 30.00 + 2.40 tax, paid by card), each with one authorized
 * return of that line, and waits until the refunds subgraph holds them all. Returns the returns.
 */
export async function ordersWithReturns(rig: RefundsRig, db: PostgresDb, count: number, timeoutMs: number): Promise<TestReturn[]> {
  const orders = Array.from({ length: count }, () =>
    orderData({ lines: [{ sku: 'SKU-APP-001', quantity: 1, unitPriceMinor: 3000, taxMinor: 240 }], payments: [{ method: 'CARD', capturedMinor: 3240 }] }),
  );
  await rig.publish(orders.map((order) => envelope(OrderRecorded, order.orderId, order)));
  await waitUntil('order snapshots', db, `SELECT count(*) AS n FROM refunds.order_snapshots`, count, timeoutMs);
  const authorized = orders.map((order) => authorizedEvent(order, [{ line: 0, quantity: 1 }]));
  await rig.publish(authorized.map((a) => a.event));
  await waitUntil('return snapshots', db, `SELECT count(*) AS n FROM refunds.return_snapshots`, count, timeoutMs);
  return authorized.map((a) => a.ret);
}
