import type { PostgresDb } from '../platform/db';
import { defaultSubgraphSettings } from '../app/subgraphs';
import { buildConnectors } from '../app/connectors';
import { ReferenceErp } from '../connectors/erp/reference/reference-erp';
import { SharedErpLimiter } from '../connectors/erp/limiter/shared-limiter';
import { SharedThrottledErp } from '../connectors/erp/limiter/shared-throttled-erp';
import { DEFAULT_BURST, DEFAULT_MAX_CONCURRENCY, DEFAULT_REQUESTS_PER_SECOND } from '../connectors/erp/throttle';
import type { ErpConnector, ErpCreditMemo, ErpStockMovement } from '../connectors/erp/port';
import { CreditMemoPoster } from '../subgraphs/refunds/erp-posting/credit-memo-poster';
import { receivedEvent } from '../subgraphs/refunds/testing/refunds-kit';
import {
  FlakyErp,
  queueState,
  queueTestPostings,
  referenceBooks,
  type ErpUnderTest,
  type ErpUnderTestFactory,
} from '../subgraphs/refunds/testing/erp-postings-kit';
import { businessCentralUnderTest, netSuiteUnderTest } from '../subgraphs/refunds/testing/erp-fakes-under-test';
import { DEFAULT_BC_REQUEST_LIMITS } from '../connectors/erp/business-central/bc-options';
import { createBenchDatabase } from './support';
import { ordersWithReturns, percentile, startRefundsRig, waitUntil } from './refunds-rig';
import type { BenchSettings } from './settings';

/**
 * The ERP posting path at the ERP's configured limit (the shared limiter's defaults, 10/s, burst 1,
 * 4 in flight, and each ERP's own: the fake NetSuite's concurrency limit, BC's request pacing),
 * over every ERP in `ERPS_UNDER_BENCH` (the reference ERP, and the NetSuite and Business Central
 * connectors over their HTTP fakes):
 * (a) credit memos POSTED per second end to end — the refunds subgraph as it runs in production
 *     pays refunds on the simulated gateway; from each refund's success (its memo QUEUED in that
 *     transaction) through the credit-memo consumer and the posting worker to POSTED;
 * (b) the time to drain a 1,000-memo backlog after a 60 s outage: the postings are queued, the
 *     ERP is down for 60 s (the worker keeps trying, backing off), then back.
 */

/** Added to every reference ERP call: a SaaS ERP's typical write latency, so the cap of 4 in flight matters as it would. */
const ERP_LATENCY_MS = 150;
/** Backlog of (b), and the outage before it drains: the figures. */
const BACKLOG = 1_000;
/** The SKU of the bench's refunds in (a): the fakes are seeded with it. */
const BENCH_SKUS = ['SKU-APP-001'];
/** Each request to the fake NetSuite takes this long: a standalone memo is about two requests (SuiteQL lookup, create), ~150 ms as the reference's. */
const NETSUITE_REQUEST_LATENCY_MS = 75;
/** A default NetSuite account's concurrency limit (requests in flight; beyond → 429 CONCURRENCY_LIMIT_EXCEEDED). */
const NETSUITE_CONCURRENCY_LIMIT = 5;
/**
 * BC's backlog in (b): the adapter paces at `DEFAULT_BC_REQUEST_LIMITS` (15 requests/s) and a memo
 * costs ~14 requests, ~1 memo/s, so 1,000 would drain in ~16 min; 200 show the same rate.
 */
const BC_BACKLOG = 200;

/** An ERP benched: how it is built, what limits it runs at, whether the bench adds the latency, its (b) backlog. */
interface ErpBenched {
  name: string;
  factory: ErpUnderTestFactory;
  limits: string;
  /** The bench adds `ERP_LATENCY_MS` per call (an in-process ERP); a fake has its own latency or pacing. */
  addLatency: boolean;
  backlog: number;
}

/** The ERPs benched, each at its configured limit behind the posting queue's shared limiter. */
const ERPS_UNDER_BENCH: readonly ErpBenched[] = [
  {
    name: 'reference',
    factory: (db) => Promise.resolve({ erp: new ReferenceErp(db), booked: (ids) => referenceBooks(db, ids) }),
    limits: `ERP latency ${ERP_LATENCY_MS} ms per call`,
    addLatency: true,
    backlog: BACKLOG,
  },
  {
    name: 'fake NetSuite',
    factory: () => netSuiteUnderTest({ concurrencyLimit: NETSUITE_CONCURRENCY_LIMIT, latencyMs: NETSUITE_REQUEST_LATENCY_MS, skus: BENCH_SKUS }),
    limits: `NetSuite connector over HTTP (OAuth 2.0), fake account limit ${NETSUITE_CONCURRENCY_LIMIT} requests in flight, ${NETSUITE_REQUEST_LATENCY_MS} ms per request`,
    addLatency: false,
    backlog: BACKLOG,
  },
  {
    name: 'fake Business Central',
    factory: () =>
      businessCentralUnderTest({ requestsPerSecond: 20, maxConcurrentRequests: 5, erp: { requestLimits: DEFAULT_BC_REQUEST_LIMITS }, skus: BENCH_SKUS }),
    limits: `BC adapter over HTTP paced at ${DEFAULT_BC_REQUEST_LIMITS.requestsPerSecond} requests/s, burst ${DEFAULT_BC_REQUEST_LIMITS.burst}, ${DEFAULT_BC_REQUEST_LIMITS.maxConcurrency} in flight; fake BC 20 requests/s, 5 in flight`,
    addLatency: false,
    backlog: BC_BACKLOG,
  },
];
const OUTAGE_MS = 60_000;
/** How long one measurement may take before the bench gives up. */
const RUN_TIMEOUT_MS = 600_000;

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

const queueLimits = `queue limiter ${DEFAULT_REQUESTS_PER_SECOND} memos/s, burst ${DEFAULT_BURST}, ${DEFAULT_MAX_CONCURRENCY} in flight`;

/** `npm run bench -- erp`. */
export async function benchErp(bench: BenchSettings): Promise<void> {
  for (const benched of ERPS_UNDER_BENCH) {
    await endToEnd(bench, benched);
    await backlogAfterOutage(bench, benched);
  }
}

const connectorOf = (benched: ErpBenched, underTest: ErpUnderTest): ErpConnector => (benched.addLatency ? new LatentErp(underTest.erp) : underTest.erp);

/** (a): refunds paid, memos posted through the running refunds subgraph. */
async function endToEnd(bench: BenchSettings, benched: ErpBenched): Promise<void> {
  const { name, factory } = benched;
  const count = bench.refunds;
  const { db, drop } = await createBenchDatabase('erp_e2e', bench.adminUrl);
  const settings = { ...defaultSubgraphSettings(), payments: { mode: 'simulated', settlementDelayMs: bench.settlementDelayMs } } as const;
  const underTest = await factory(db);
  const erp = new SharedThrottledErp(connectorOf(benched, underTest), new SharedErpLimiter(db, { accountKey: `bench:${name}` }));
  const rig = await startRefundsRig(db, { ...buildConnectors(db, settings.payments), erp }, settings);
  try {
    const returns = await ordersWithReturns(rig, db, count, RUN_TIMEOUT_MS);
    await rig.publish(returns.map((ret) => receivedEvent(ret)));
    await waitUntil('memos posted', db, `SELECT count(*) AS n FROM refunds.credit_memos WHERE status = 'POSTED'`, count, RUN_TIMEOUT_MS);
    await rig.subgraph.close();

    const { rows } = await db.query<{ latency_ms: number; span_s: number }>(
      `SELECT extract(epoch FROM posted_at - queued_at) * 1000 AS latency_ms,
              extract(epoch FROM (SELECT max(posted_at) - min(queued_at) FROM refunds.credit_memos)) AS span_s
         FROM refunds.credit_memos`,
    );
    const latencies = rows.map((row) => Number(row.latency_ms)).sort((a, b) => a - b);
    const spanSeconds = Number(rows[0]?.span_s ?? 0);
    const books = await underTest.booked(await postedRefundIds(db));
    process.stdout.write(`\n(a) ${name} ERP, ${queueLimits}, ${benched.limits}: ${count} refunds received at once\n`);
    process.stdout.write(
      `memos POSTED: ${(count / spanSeconds).toFixed(1)}/s (first SUCCEEDED → last POSTED ${spanSeconds.toFixed(2)} s); SUCCEEDED→POSTED p50 ${Math.round(percentile(latencies, 50))} ms, p99 ${Math.round(percentile(latencies, 99))} ms; ${[...books.values()].filter((n) => n === 1).length} booked once in the ERP\n`,
    );
  } finally {
    await rig.pipeline.stop();
    await underTest.close?.();
    await drop();
  }
}

/** Refund ids of the memos POSTED. */
async function postedRefundIds(db: PostgresDb): Promise<string[]> {
  const { rows } = await db.query<{ refund_id: string }>(`SELECT refund_id FROM refunds.credit_memos WHERE status = 'POSTED'`);
  return rows.map((row) => row.refund_id);
}

/** (b): a backlog queued during an outage (the fake's own 503s, or a `FlakyErp`'s), drained when the ERP returns. */
async function backlogAfterOutage(bench: BenchSettings, benched: ErpBenched): Promise<void> {
  const { name, factory, backlog } = benched;
  const { db, drop } = await createBenchDatabase('erp_backlog', bench.adminUrl);
  const underTest = await factory(db);
  const flaky = new FlakyErp(connectorOf(benched, underTest));
  const faults = underTest.faults ?? flaky;
  const poster = new CreditMemoPoster(db, new SharedThrottledErp(flaky, new SharedErpLimiter(db, { accountKey: `bench:${name}` })));
  try {
    faults.goDown(OUTAGE_MS);
    const downAt = performance.now();
    poster.start();
    const ids = await queueTestPostings(db, backlog);
    // The outage is timed from its start (the fake ends it by itself), whatever queueing took.
    await sleep(Math.max(0, OUTAGE_MS - (performance.now() - downAt)));
    const back = performance.now();
    const { rows: before } = await db.query<{ paused_ms: number }>(
      `SELECT greatest(0, extract(epoch FROM paused_until - clock_timestamp()) * 1000) AS paused_ms FROM refunds.erp_posting_queue`,
    );
    await waitUntil('first memo posted', db, `SELECT count(*) AS n FROM refunds.credit_memos WHERE status = 'POSTED'`, 1, RUN_TIMEOUT_MS);
    const firstSeconds = (performance.now() - back) / 1000;
    await waitUntil('backlog drained', db, `SELECT count(*) AS n FROM refunds.credit_memos WHERE status = 'POSTED'`, backlog, RUN_TIMEOUT_MS);
    const drainSeconds = (performance.now() - back) / 1000;
    await poster.stop();
    const state = await queueState(db, ids);
    const books = await underTest.booked(ids);
    const bookedOnce = ids.filter((id) => books.get(id) === 1).length;
    const counted = faults.counts();
    const smaller = backlog === BACKLOG ? '' : ` (not ${BACKLOG}: at this ERP's pace ${BACKLOG} would take too long; the rate is the figure)`;
    process.stdout.write(`\n(b) ${name} ERP, ${queueLimits}, ${benched.limits}: ${backlog} memos queued${smaller}, ERP down ${OUTAGE_MS / 1000} s\n`);
    process.stdout.write(
      `requests refused while down: ${counted.refusedWhileDown}; 429s: ${counted.tooManyRequests}; queue still paused ${Math.round(Number(before[0]?.paused_ms ?? 0))} ms when the ERP returned\n`,
    );
    process.stdout.write(
      `first memo POSTED ${firstSeconds.toFixed(2)} s after the ERP returned; backlog drained in ${drainSeconds.toFixed(1)} s (${(backlog / drainSeconds).toFixed(1)}/s); ${bookedOnce} booked once, ${state.queued} queued, ${state.failed} failed\n`,
    );
  } finally {
    await poster.stop();
    await underTest.close?.();
    await drop();
  }
}
