/**
 * Metrics of the calls to outside systems and of the database pool: refunds by status and provider,
 * payment-provider latency, ERP postings and the wait for the ERP's limiter, and the pg pool's
 * clients. Provider names come from data (a tender's provider), so they are capped.
 */
import { BoundedLabel } from './labels';
import { LAG_BUCKETS_S, LATENCY_BUCKETS_S, ScrapeSources, defineCounter, defineGauge, defineHistogram, stopwatch } from './registry';

/** Payment providers configured at once: a handful (stripe, adyen, store credit, internal); past this, `other`. */
const MAX_PROVIDERS = 16;
/** Refund and tender statuses: the six of the refund state machine. */
const MAX_STATUSES = 8;
/** Posting queues (credit memos, stock movements) and limiters: a few names in code. */
const MAX_KINDS = 8;
/** Pools per process: one per service in production, a few in the embedded default and tests. */
const MAX_POOLS = 16;

const providers = new BoundedLabel(MAX_PROVIDERS);
const statuses = new BoundedLabel(MAX_STATUSES);
const kinds = new BoundedLabel(MAX_KINDS);
const poolNames = new BoundedLabel(MAX_POOLS);

const refundTransitions = defineCounter({
  name: 'refund_tender_transitions_total',
  help: 'Refund tenders moving to a status (SUBMITTED, SUCCEEDED, FAILED, REQUIRES_ACTION, CANCELED), by status and payment provider.',
  labelNames: ['status', 'provider'],
});
const providerCalls = defineHistogram({
  name: 'payment_provider_call_duration_seconds',
  help: 'Latency of refund calls to payment providers, by provider and outcome (ok, declined: refused for good, error: outcome unknown, retried).',
  labelNames: ['provider', 'outcome'],
  buckets: LATENCY_BUCKETS_S,
});
const postings = defineCounter({
  name: 'erp_postings_total',
  help: 'ERP postings by kind (credit_memo, stock_movement) and event (queued, posted, failed: refused for good, retried: an attempt that will be repeated).',
  labelNames: ['kind', 'event'],
});
const throttleWait = defineHistogram({
  name: 'erp_throttle_wait_seconds',
  help: "Time an ERP call waited for the ERP's rate and concurrency limits before it was sent, by limiter (shared: across instances in PostgreSQL; process: in this process).",
  labelNames: ['limiter'],
  buckets: LAG_BUCKETS_S,
});

/** What a pg pool tells about its clients (pg's `Pool` has these fields). */
export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}
const pools = new ScrapeSources<{ name: string; max: number; counts: PoolCounts }>();

defineGauge({
  name: 'db_pool_clients',
  help: 'PostgreSQL pool clients by pool (the application_name) and state (total, idle, in_use, waiting: requests queued for a client, max: the pool size); read at scrape time.',
  labelNames: ['pool', 'state'],
  collect() {
    this.reset();
    const sums = new Map<string, Record<'total' | 'idle' | 'in_use' | 'waiting' | 'max', number>>();
    for (const pool of pools.all()) {
      const name = poolNames.of(pool.name);
      const sum = sums.get(name) ?? { total: 0, idle: 0, in_use: 0, waiting: 0, max: 0 };
      sum.total += pool.counts.totalCount;
      sum.idle += pool.counts.idleCount;
      sum.in_use += pool.counts.totalCount - pool.counts.idleCount;
      sum.waiting += pool.counts.waitingCount;
      sum.max += pool.max;
      sums.set(name, sum);
    }
    for (const [pool, sum] of sums) for (const [state, value] of Object.entries(sum)) this.set({ pool, state }, value);
  },
});

/** A refund tender moved to `status` (one increment per committed-or-attempted transition). */
export function recordRefundTransition(status: string, provider: string): void {
  refundTransitions.inc({ status: statuses.of(status), provider: providers.of(provider) });
}

/**
 * Times a refund call to a payment provider. `declined(error)` tells a refusal for good from an
 * unknown outcome; the call's answer or error passes through unchanged.
 */
export async function timeProviderCall<T>(provider: string, call: () => Promise<T>, declined: (error: unknown) => boolean): Promise<T> {
  const elapsed = stopwatch();
  try {
    const answer = await call();
    providerCalls.observe({ provider: providers.of(provider), outcome: 'ok' }, elapsed());
    return answer;
  } catch (error) {
    providerCalls.observe({ provider: providers.of(provider), outcome: declined(error) ? 'declined' : 'error' }, elapsed());
    throw error;
  }
}

/** An ERP posting of `kind` was queued, posted, refused for good (failed) or will be retried. */
export function recordErpPosting(kind: string, event: 'queued' | 'posted' | 'failed' | 'retried'): void {
  postings.inc({ kind: kinds.of(kind), event });
}

/** Times the wait for an ERP limiter's turn; the turn (or the wait's error) passes through unchanged. */
export async function timeThrottleWait<T>(limiter: 'shared' | 'process', wait: () => Promise<T>): Promise<T> {
  const elapsed = stopwatch();
  try {
    return await wait();
  } finally {
    throttleWait.observe({ limiter: kinds.of(limiter) }, elapsed());
  }
}

/** Records a wait already measured (for a queue that starts calls itself). */
export function recordThrottleWait(limiter: 'shared' | 'process', seconds: number): void {
  throttleWait.observe({ limiter: kinds.of(limiter) }, seconds);
}

/** Reads a pool's clients at every scrape until the returned removal is called. */
export function watchPool(name: string, max: number, counts: PoolCounts): () => void {
  return pools.add({ name, max, counts });
}
