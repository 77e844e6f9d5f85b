import { randomBytes } from 'node:crypto';
import type { PostgresDb } from '../platform/db';
import { InternalTokens } from '../platform/auth';
import { EventPipeline } from '../platform/events/pipeline';
import { InProcessBus } from '../platform/events/in-process-bus';
import type { DeliveredEvent } from '../platform/events/envelope';
import { startSubgraph } from '../platform/subgraph';
import { defaultSubgraphSettings, subgraphNamed } from '../app/subgraphs';
import { buildConnectors } from '../app/connectors';
import { OrderRecorded } from '../contracts/events/orders';
import { ReferenceErp } from '../connectors/erp/reference/reference-erp';
import { SharedErpLimiter } from '../connectors/erp/limiter/shared-limiter';
import { SharedThrottledErp } from '../connectors/erp/limiter/shared-throttled-erp';
import { DEFAULT_BURST, DEFAULT_MAX_CONCURRENCY, DEFAULT_REQUESTS_PER_SECOND } from '../connectors/erp/throttle';
import type { ErpConnector, ErpCreditMemo, ErpStockMovement } from '../connectors/erp/port';
import { CreditMemoPoster } from '../subgraphs/refunds/erp-posting/credit-memo-poster';
import { authorizedEvent, envelope, orderData, receivedEvent } from '../subgraphs/refunds/testing/refunds-kit';
import { FlakyErp, queueState, queueTestPostings, referenceBooks, type ErpUnderTestFactory } from '../subgraphs/refunds/testing/erp-postings-kit';
import { createBenchDatabase } from './support';
import type { BenchSettings } from './settings';

/**
 * The ERP posting path at the ERP's configured limit (the shared limiter's defaults, 10/s, burst 1,
 * 4 in flight), over every ERP in `ERPS_UNDER_BENCH`:
 * (a) credit memos POSTED per second end to end — the refunds subgraph as it runs in production
 *     pays refunds on the simulated gateway; from each refund's success (its memo QUEUED in that
 *     transaction) through the credit-memo consumer and the posting worker to POSTED;
 * (b) the time to drain a 1,000-memo backlog after a 60 s outage: the postings are queued, the
 *     ERP is down for 60 s (the worker keeps trying, backing off), then back.
 */

/** The ERPs benched; the lead adds the NetSuite and Business Central fakes here after merging. */
const ERPS_UNDER_BENCH: ReadonlyArray<{ name: string; factory: ErpUnderTestFactory }> = [
  { name: 'reference', factory: (db) => Promise.resolve({ erp: new ReferenceErp(db), booked: (ids) => referenceBooks(db, ids) }) },
];
/** Added to every ERP call: a SaaS ERP's typical write latency, so the cap of 4 in flight matters as it would. */
const ERP_LATENCY_MS = 150;
/** Backlog of (b), and the outage before it drains: the figures. */
const BACKLOG = 1_000;
const OUTAGE_MS = 60_000;
/** How long one measurement may take before the bench gives up. */
const RUN_TIMEOUT_MS = 600_000;
const POLL_MS = 50;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Adds `ERP_LATENCY_MS` to every call. */
class LatentErp implements ErpConnector {
  constructor(private readonly inner: ErpConnector) {}
  async postStockMovements(movements: readonly ErpStockMovement[]) {
    await sleep(ERP_LATENCY_MS);
    return this.inner.postStockMovements(movements);
  }
  async postCreditMemo(memo: ErpCreditMemo) {
    await sleep(ERP_LATENCY_MS);
    return this.inner.postCreditMemo(memo);
  }
}

async function waitUntil(what: string, db: PostgresDb, sql: string, target: number): Promise<void> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    const { rows } = await db.query<{ n: number }>(sql);
    if (Number(rows[0]?.n ?? 0) >= target) return;
    if (Date.now() > deadline) throw new Error(`${what}: ${rows[0]?.n} of ${target} after ${RUN_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

const limitsText = `limit ${DEFAULT_REQUESTS_PER_SECOND}/s, burst ${DEFAULT_BURST}, ${DEFAULT_MAX_CONCURRENCY} in flight, ERP latency ${ERP_LATENCY_MS} ms`;

/** `npm run bench -- erp`. */
export async function benchErp(bench: BenchSettings): Promise<void> {
  for (const { name, factory } of ERPS_UNDER_BENCH) {
    await endToEnd(bench, name, factory);
    await backlogAfterOutage(bench, name, factory);
  }
}

/** (a): refunds paid, memos posted through the running refunds subgraph. */
async function endToEnd(bench: BenchSettings, name: string, factory: ErpUnderTestFactory): Promise<void> {
  const count = bench.refunds;
  const { db, drop } = await createBenchDatabase('erp_e2e', bench.adminUrl);
  const settings = { ...defaultSubgraphSettings(), payments: { mode: 'simulated', settlementDelayMs: bench.settlementDelayMs } } as const;
  const underTest = await factory(db);
  const erp = new SharedThrottledErp(new LatentErp(underTest.erp), new SharedErpLimiter(db, { accountKey: `bench:${name}` }));
  const bus = new InProcessBus();
  const pipeline = new EventPipeline(db, bus);
  try {
    const connectors = { ...buildConnectors(db, settings.payments), erp };
    const subgraph = await startSubgraph(subgraphNamed('refunds', { db, connectors, settings }), {
      db,
      internalTokens: new InternalTokens(randomBytes(32).toString('base64url')),
      port: 0,
      pipeline,
    });
    await pipeline.start();
    let seq = 0;
    const publish = (events: ReturnType<typeof envelope>[]) => bus.publish(events.map((event): DeliveredEvent => ({ envelope: event, sourceSeq: ++seq })));
    const orders = Array.from({ length: count }, () =>
      orderData({ lines: [{ sku: 'SKU-APP-001', quantity: 1, unitPriceMinor: 3000, taxMinor: 240 }], payments: [{ method: 'CARD', capturedMinor: 3240 }] }),
    );
    await publish(orders.map((order) => envelope(OrderRecorded, order.orderId, order)));
    await waitUntil('order snapshots', db, `SELECT count(*) AS n FROM refunds.order_snapshots`, count);
    const authorized = orders.map((order) => authorizedEvent(order, [{ line: 0, quantity: 1 }]));
    await publish(authorized.map((a) => a.event));
    await waitUntil('return snapshots', db, `SELECT count(*) AS n FROM refunds.return_snapshots`, count);
    await publish(authorized.map((a) => receivedEvent(a.ret)));
    await waitUntil('memos posted', db, `SELECT count(*) AS n FROM refunds.credit_memos WHERE status = 'POSTED'`, count);
    await subgraph.close();

    const { rows } = await db.query<{ latency_ms: number; span_s: number }>(
      `SELECT extract(epoch FROM posted_at - queued_at) * 1000 AS latency_ms,
              extract(epoch FROM (SELECT max(posted_at) - min(queued_at) FROM refunds.credit_memos)) AS span_s
         FROM refunds.credit_memos`,
    );
    const latencies = rows.map((row) => Number(row.latency_ms)).sort((a, b) => a - b);
    const spanSeconds = Number(rows[0]?.span_s ?? 0);
    process.stdout.write(`\n(a) ${name} ERP, ${limitsText}: ${count} refunds received at once\n`);
    process.stdout.write(
      `memos POSTED: ${(count / spanSeconds).toFixed(1)}/s (first SUCCEEDED → last POSTED ${spanSeconds.toFixed(2)} s); SUCCEEDED→POSTED p50 ${Math.round(percentile(latencies, 50))} ms, p99 ${Math.round(percentile(latencies, 99))} ms\n`,
    );
  } finally {
    await pipeline.stop();
    await underTest.close?.();
    await drop();
  }
}

/** (b): a backlog queued during an outage, drained when the ERP returns. */
async function backlogAfterOutage(bench: BenchSettings, name: string, factory: ErpUnderTestFactory): Promise<void> {
  const { db, drop } = await createBenchDatabase('erp_backlog', bench.adminUrl);
  const underTest = await factory(db);
  const flaky = new FlakyErp(new LatentErp(underTest.erp));
  const poster = new CreditMemoPoster(db, new SharedThrottledErp(flaky, new SharedErpLimiter(db, { accountKey: `bench:${name}` })));
  try {
    flaky.down = true;
    poster.start();
    const ids = await queueTestPostings(db, BACKLOG);
    await sleep(OUTAGE_MS);
    flaky.down = false;
    const back = performance.now();
    const { rows: before } = await db.query<{ paused_ms: number }>(
      `SELECT greatest(0, extract(epoch FROM paused_until - clock_timestamp()) * 1000) AS paused_ms FROM refunds.erp_posting_queue`,
    );
    await waitUntil('first memo posted', db, `SELECT count(*) AS n FROM refunds.credit_memos WHERE status = 'POSTED'`, 1);
    const firstSeconds = (performance.now() - back) / 1000;
    await waitUntil('backlog drained', db, `SELECT count(*) AS n FROM refunds.credit_memos WHERE status = 'POSTED'`, BACKLOG);
    const drainSeconds = (performance.now() - back) / 1000;
    await poster.stop();
    const state = await queueState(db, ids);
    const books = await underTest.booked(ids);
    const bookedOnce = ids.filter((id) => books.get(id) === 1).length;
    process.stdout.write(`\n(b) ${name} ERP, ${limitsText}: ${BACKLOG} memos queued, ERP down ${OUTAGE_MS / 1000} s\n`);
    process.stdout.write(
      `calls refused while down: ${flaky.refusedWhileDown}; queue still paused ${Math.round(Number(before[0]?.paused_ms ?? 0))} ms when the ERP returned\n`,
    );
    process.stdout.write(
      `first memo POSTED ${firstSeconds.toFixed(2)} s after the ERP returned; backlog drained in ${drainSeconds.toFixed(1)} s (${(BACKLOG / drainSeconds).toFixed(1)}/s); ${bookedOnce} booked once, ${state.queued} queued, ${state.failed} failed\n`,
    );
  } finally {
    await poster.stop();
    await underTest.close?.();
    await drop();
  }
}
