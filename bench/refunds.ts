import { randomBytes } from 'node:crypto';
import type { PostgresDb } from '../platform/db';
import { createBenchDatabase } from './support';
import { InternalTokens } from '../platform/auth';
import { EventPipeline } from '../platform/events/pipeline';
import { InProcessBus } from '../platform/events/in-process-bus';
import type { DeliveredEvent } from '../platform/events/envelope';
import { startSubgraph } from '../platform/subgraph';
import { defaultSubgraphSettings, subgraphNamed } from '../app/subgraphs';
import { buildConnectors } from '../app/connectors';
import type { BenchSettings } from './settings';
import { DEFAULT_REQUESTS_PER_SECOND } from '../connectors/erp/throttle';
import { OrderRecorded } from '../contracts/events/orders';
import { authorizedEvent, envelope, orderData, receivedEvent, type TestReturn } from '../subgraphs/refunds/testing/refunds-kit';

/**
 * Refunds settled per second end to end on the simulated gateway: N low-risk returns are received
 * at once (N `ReturnItemsReceived` on the in-process bus) and the refunds subgraph as it runs in
 * production — its consumers, the executor polling the simulated gateway and the credit-memo
 * posting worker posting to the reference ERP behind its shared limiter — pays each and books its memo.
 * Measured from the first trigger until every refund is SUCCEEDED with its memo POSTED.
 */

/** How long the whole run may take before the bench gives up. */
const RUN_TIMEOUT_MS = 180_000;
/** How often progress is read from the database. */
const POLL_MS = 50;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function waitUntil(what: string, db: PostgresDb, sql: string, target: number, params: unknown[] = []): Promise<void> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    const { rows } = await db.query<{ n: number }>(sql, params);
    if (Number(rows[0]?.n ?? 0) >= target) return;
    if (Date.now() > deadline) throw new Error(`${what}: ${rows[0]?.n} of ${target} after ${RUN_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** `npm run bench -- refunds`. */
export async function benchRefunds(bench: BenchSettings): Promise<void> {
  // Returns received at once, each on its own order, as at many tills (no two refunds share an order lock).
  const { refunds: returnCount, settlementDelayMs } = bench;
  const { db, drop } = await createBenchDatabase('refunds', bench.adminUrl);
  const settings = { ...defaultSubgraphSettings(), payments: { mode: 'simulated', settlementDelayMs } } as const;
  const bus = new InProcessBus();
  const pipeline = new EventPipeline(db, bus);
  try {
    const subgraph = await startSubgraph(subgraphNamed('refunds', { db, connectors: buildConnectors(db, settings.payments, [], settings.erp), settings }), {
      db,
      internalTokens: new InternalTokens(randomBytes(32).toString('base64url')),
      port: 0,
      pipeline,
    });
    await pipeline.start();
    let seq = 0;
    const publish = (events: ReturnType<typeof envelope>[]) => bus.publish(events.map((event): DeliveredEvent => ({ envelope: event, sourceSeq: ++seq })));

    // Orders (one line of 30.00 + 2.40 tax, paid by card) and their authorized returns, before the clock starts.
    const returns: TestReturn[] = [];
    const orders = Array.from({ length: returnCount }, () =>
      orderData({ lines: [{ sku: 'SKU-APP-001', quantity: 1, unitPriceMinor: 3000, taxMinor: 240 }], payments: [{ method: 'CARD', capturedMinor: 3240 }] }),
    );
    await publish(orders.map((order) => envelope(OrderRecorded, order.orderId, order)));
    await waitUntil('order snapshots', db, `SELECT count(*) AS n FROM refunds.order_snapshots`, returnCount);
    const authorized = orders.map((order) => authorizedEvent(order, [{ line: 0, quantity: 1 }]));
    returns.push(...authorized.map((a) => a.ret));
    await publish(authorized.map((a) => a.event));
    await waitUntil('return snapshots', db, `SELECT count(*) AS n FROM refunds.return_snapshots`, returnCount);

    const { rows: clock } = await db.query<{ t0: Date }>(`SELECT clock_timestamp() AS t0`);
    const started = performance.now();
    await publish(returns.map((ret) => receivedEvent(ret)));
    await waitUntil('refunds succeeded', db, `SELECT count(*) AS n FROM refunds.refunds WHERE status = 'SUCCEEDED'`, returnCount);
    const succeededSeconds = (performance.now() - started) / 1000;
    await waitUntil('memos posted', db, `SELECT count(*) AS n FROM refunds.credit_memos WHERE status = 'POSTED'`, returnCount);
    const postedSeconds = (performance.now() - started) / 1000;

    // Per refund, from the trigger (t0, database clock) to its success (memo queued in that transaction) and to the posting.
    const { rows } = await db.query<{ succeeded_ms: number; posted_ms: number }>(
      `SELECT extract(epoch FROM m.queued_at - $1::timestamptz) * 1000 AS succeeded_ms, extract(epoch FROM m.posted_at - $1::timestamptz) * 1000 AS posted_ms
         FROM refunds.credit_memos m`,
      [clock[0]?.t0],
    );
    const succeeded = rows.map((row) => Number(row.succeeded_ms)).sort((a, b) => a - b);
    const posted = rows.map((row) => Number(row.posted_ms)).sort((a, b) => a - b);
    const { rows: check } = await db.query<{ provider: number; journal: number }>(
      `SELECT (SELECT count(*) FROM payments_sim.refunds)::int8 AS provider, (SELECT count(*) FROM erp.journal_entries)::int8 AS journal`,
    );
    const ms = (value: number) => `${Math.round(value)} ms`;
    process.stdout.write(
      `\nRefund settlement end to end (PostgreSQL, in-process bus, simulated gateway settling after ${settlementDelayMs} ms, ERP throttle ${DEFAULT_REQUESTS_PER_SECOND}/s)\n`,
    );
    process.stdout.write(`${returnCount} returns received at once; ${check[0]?.provider} provider refunds, ${check[0]?.journal} journal entries\n`);
    process.stdout.write(
      `refunds SUCCEEDED: ${(returnCount / succeededSeconds).toFixed(1)}/s (all in ${succeededSeconds.toFixed(2)} s); trigger→SUCCEEDED p50 ${ms(percentile(succeeded, 50))}, p99 ${ms(percentile(succeeded, 99))}\n`,
    );
    process.stdout.write(
      `memos POSTED:      ${(returnCount / postedSeconds).toFixed(1)}/s (all in ${postedSeconds.toFixed(2)} s); trigger→POSTED p50 ${ms(percentile(posted, 50))}, p99 ${ms(percentile(posted, 99))}\n`,
    );
    await subgraph.close();
  } finally {
    await pipeline.stop();
    await drop();
  }
}
