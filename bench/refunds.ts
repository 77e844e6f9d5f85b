import { createBenchDatabase } from './support';
import { defaultSubgraphSettings } from '../app/subgraphs';
import { buildConnectors } from '../app/connectors';
import type { BenchSettings } from './settings';
import { DEFAULT_REQUESTS_PER_SECOND } from '../connectors/erp/throttle';
import { receivedEvent } from '../subgraphs/refunds/testing/refunds-kit';
import { ordersWithReturns, percentile, startRefundsRig, waitUntil } from './refunds-rig';

/**
 * Refunds settled per second end to end on the simulated gateway: N low-risk returns are received
 * at once (N `ReturnItemsReceived` on the in-process bus) and the refunds subgraph as it runs in
 * production — its consumers, the executor polling the simulated gateway and the credit-memo
 * posting worker posting to the reference ERP behind its shared limiter — pays each and books its memo.
 * Measured from the first trigger until every refund is SUCCEEDED with its memo POSTED.
 */

/**
 * How long each stage may take before the bench gives up: three minutes, plus twice the time the
 * memos need at the ERP's limit (a 2,000-return surge posts for 200 s at 10/s).
 */
const runTimeoutMs = (returnCount: number) => 180_000 + Math.ceil((returnCount / DEFAULT_REQUESTS_PER_SECOND) * 2_000);

/** `npm run bench -- refunds`. */
export async function benchRefunds(bench: BenchSettings): Promise<void> {
  // Returns received at once, each on its own order, as at many tills (no two refunds share an order lock).
  const { refunds: returnCount, settlementDelayMs } = bench;
  const RUN_TIMEOUT_MS = runTimeoutMs(returnCount);
  const { db, drop } = await createBenchDatabase('refunds', bench.adminUrl);
  const settings = { ...defaultSubgraphSettings(), payments: { mode: 'simulated', settlementDelayMs } } as const;
  const rig = await startRefundsRig(db, buildConnectors(db, settings.payments, [], settings.erp), settings);
  try {
    const returns = await ordersWithReturns(rig, db, returnCount, RUN_TIMEOUT_MS);

    const { rows: clock } = await db.query<{ t0: Date }>(`SELECT clock_timestamp() AS t0`);
    const started = performance.now();
    await rig.publish(returns.map((ret) => receivedEvent(ret)));
    await waitUntil('refunds succeeded', db, `SELECT count(*) AS n FROM refunds.refunds WHERE status = 'SUCCEEDED'`, returnCount, RUN_TIMEOUT_MS);
    const succeededSeconds = (performance.now() - started) / 1000;
    await waitUntil('memos posted', db, `SELECT count(*) AS n FROM refunds.credit_memos WHERE status = 'POSTED'`, returnCount, RUN_TIMEOUT_MS);
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
    // The ERP idling while memos wait shows as a gap between consecutive postings (at 10/s, ~100 ms is the pace).
    const longestGap = posted.reduce((gap, at, i) => (i === 0 ? 0 : Math.max(gap, at - (posted[i - 1] ?? at))), 0);
    process.stdout.write(
      `\nRefund settlement end to end (PostgreSQL, in-process bus, simulated gateway settling after ${settlementDelayMs} ms, ERP throttle ${DEFAULT_REQUESTS_PER_SECOND}/s)\n`,
    );
    process.stdout.write(`${returnCount} returns received at once; ${check[0]?.provider} provider refunds, ${check[0]?.journal} journal entries\n`);
    process.stdout.write(
      `refunds SUCCEEDED: ${(returnCount / succeededSeconds).toFixed(1)}/s (all in ${succeededSeconds.toFixed(2)} s); trigger→SUCCEEDED p50 ${ms(percentile(succeeded, 50))}, p99 ${ms(percentile(succeeded, 99))}\n`,
    );
    process.stdout.write(
      `memos POSTED:      ${(returnCount / postedSeconds).toFixed(1)}/s (all in ${postedSeconds.toFixed(2)} s); trigger→POSTED p50 ${ms(percentile(posted, 50))}, p99 ${ms(percentile(posted, 99))}; longest gap between postings ${ms(longestGap)}\n`,
    );
    await rig.subgraph.close();
  } finally {
    await rig.pipeline.stop();
    await drop();
  }
}
