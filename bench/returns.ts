import { returnableOrderInput, UNITS_PER_ORDER } from './returnable-order';
import { randomUUID } from 'node:crypto';
import { signClientToken, type Principal } from '../platform/auth';
import { load, report, startBenchGraph, type BenchGraph, type LoadResult } from './support';
import type { BenchSettings } from './settings';
import { idleRate, perUnit, profiled, readCounters, STATS_FLUSH_WAIT_MS } from './write-cost';

/**
 * The counter's two calls through the gateway on real PostgreSQL: `returnEligibility` (what the
 * clerk's screen asks first) and `authorizeReturn` (one unit back, a fresh idempotency key each).
 */

/** Orders recorded for the write benchmark, each for its own customer (fraud screening counts per customer). */
const BENCH_ORDERS = 400;
/** Units per order, and returns taken per order: the third return of a customer is flagged for review, the fifth declined. */
/** Concurrent authorizeReturn calls: like the autocannon runs, enough to keep two cores busy. */
const WRITE_CONCURRENCY = 16;
/** Concurrent recordOrder calls while preparing. */
const SETUP_CONCURRENCY = 8;
/** How long the orders' snapshots may take to reach returns (1,000 demo + the bench's orders through the relay). */
const SNAPSHOT_WAIT_MS = 120_000;
const SNAPSHOT_POLL_MS = 200;

const ELIGIBILITY = `query($id: ID!) { returnEligibility(orderId: $id, channel: POS) { eligible refundMethods
  lines { sku orderedQuantity returnableQuantity windowEndsAt eligible reasons { code } } } }`;
const AUTHORIZE = `mutation($input: AuthorizeReturnInput!, $key: String!) { authorizeReturn(input: $input, idempotencyKey: $key) {
  return { id number status lines { id quantity } } userErrors { code } } }`;
const RECORD = `mutation($input: RecordOrderInput!, $key: String!) { recordOrder(input: $input, idempotencyKey: $key) { order { id lines { id } } userErrors { code } } }`;

/** Runs `task(i)` for i in [0, count) with `concurrency` workers. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function post(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

async function waitForSnapshots(bench: BenchGraph): Promise<void> {
  const deadline = Date.now() + SNAPSHOT_WAIT_MS;
  for (;;) {
    const { rows } = await bench.db.query<{ orders: number; snapshots: number }>(
      `SELECT (SELECT count(*) FROM orders.orders)::int8 AS orders, (SELECT count(*) FROM returns.order_snapshots)::int8 AS snapshots`,
    );
    if (rows[0] && rows[0].orders === rows[0].snapshots) return;
    if (Date.now() > deadline) throw new Error(`returns has ${rows[0]?.snapshots} of ${rows[0]?.orders} order snapshots after ${SNAPSHOT_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_POLL_MS));
  }
}

/** Records the write benchmark's orders: one line of `UNITS_PER_ORDER` units, delivered two days ago, paid by card. */
async function recordBenchOrders(url: string, serviceToken: string): Promise<{ orderId: string; lineId: string }[]> {
  const orders: { orderId: string; lineId: string }[] = [];
  await pool(BENCH_ORDERS, SETUP_CONCURRENCY, async (i) => {
    const input = returnableOrderInput('bench', i, `cus_bench_${i}`, `bench-${i}-${randomUUID()}`);
    const body = await post(url, serviceToken, RECORD, { input, key: `bench-order-${i}` });
    const order = (body.data?.recordOrder as { order: { id: string; lines: { id: string }[] } | null } | undefined)?.order;
    if (!order?.lines[0]) throw new Error(`recordOrder failed: ${JSON.stringify(body)}`);
    orders.push({ orderId: order.id, lineId: order.lines[0].id });
  });
  return orders;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** How long the graph is left alone to measure what its pollers commit when idle. */
const IDLE_WINDOW_MS = 10_000;
const SETTLE_POLL_MS = 250;
/** Polls in a row with no new inbox row and nothing unpublished: every consumer and relay settled. */
const SETTLED_POLLS = 4;
const SETTLE_WAIT_MS = 120_000;

/** Waits until every outbox is published and no consumer has handled anything new for a while. */
async function waitForSettled(bench: BenchGraph): Promise<void> {
  const schemas = ['orders', 'returns', 'inventory', 'refunds'];
  const sum = (table: string, where = '') => schemas.map((s) => `(SELECT count(*) FROM ${s}.${table} ${where})`).join(' + ');
  const deadline = Date.now() + SETTLE_WAIT_MS;
  let last = -1;
  let quiet = 0;
  while (quiet < SETTLED_POLLS) {
    if (Date.now() > deadline) throw new Error(`the pipeline did not settle within ${SETTLE_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    const { rows } = await bench.db.query<{ unpublished: number; handled: number }>(
      `SELECT (${sum('outbox', 'WHERE published_at IS NULL')})::int8 AS unpublished, (${sum('inbox')})::int8 AS handled`,
    );
    const row = rows[0] ?? { unpublished: 1, handled: -1 };
    quiet = row.unpublished === 0 && row.handled === last ? quiet + 1 : 0;
    last = row.handled;
  }
}

/** Every order's units returned one at a time, `WRITE_CONCURRENCY` in flight, each with a fresh key. */
async function authorizeLoad(url: string, token: string, orders: { orderId: string; lineId: string }[]): Promise<LoadResult & { authorized: number }> {
  const latencies: number[] = [];
  let authorized = 0;
  let failures = 0;
  const total = orders.length * UNITS_PER_ORDER;
  const started = performance.now();
  // Request i returns a unit of order i mod N: consecutive requests hit different orders, as at many tills.
  await pool(total, WRITE_CONCURRENCY, async (i) => {
    const order = orders[i % orders.length] as { orderId: string; lineId: string };
    const input = {
      orderId: order.orderId,
      channel: 'POS',
      storeId: 'loc_store_nyc',
      lines: [{ orderLineId: order.lineId, quantity: 1, reason: 'SIZE_TOO_LARGE' }],
    };
    const sent = performance.now();
    const body = await post(url, token, AUTHORIZE, { input, key: `till-${randomUUID()}` });
    latencies.push(performance.now() - sent);
    const payload = body.data?.authorizeReturn as { return: { status: string } | null } | undefined;
    if (payload?.return?.status === 'AUTHORIZED') authorized++;
    else failures++;
  });
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    label: `authorizeReturn via gateway (${WRITE_CONCURRENCY} in flight)`,
    requestsPerSecond: Math.round(total / seconds),
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    errors: failures,
    non2xx: 0,
    authorized,
  };
}

/** `npm run bench -- returns`. */
export async function benchReturns(settings: BenchSettings): Promise<void> {
  const bench = await startBenchGraph(settings.adminUrl);
  try {
    const url = `${bench.graph.gateway.url}/graphql`;
    // A manager: the third return of a customer is flagged for review, which an associate may not authorize.
    const manager: Principal = { subject: 'bench:manager', roles: ['store_manager'], storeIds: ['loc_store_nyc'] };
    const token = await signClientToken(manager, bench.keys.privateJwk);
    const serviceToken = await signClientToken({ subject: 'bench:commerce', roles: ['service'], storeIds: [] }, bench.keys.privateJwk);
    const orders = await recordBenchOrders(url, serviceToken);
    // Demo orders are announced through the orders outbox: wait until returns knows them all.
    await waitForSnapshots(bench);
    const { rows } = await bench.db.query<{ order_id: string }>(`SELECT order_id FROM returns.order_snapshots WHERE number LIKE 'R%' ORDER BY order_id`);
    const demoIds = rows.map((row) => row.order_id);
    const body = (i: number) => JSON.stringify({ query: ELIGIBILITY, variables: { id: demoIds[i % demoIds.length] } });
    const headers = { authorization: `Bearer ${token}` };
    await load({ label: 'warm-up', url, headers, body, durationSeconds: 2 });
    const eligibility = await load({ label: 'returnEligibility via gateway', url, headers, body });
    await waitForSettled(bench);
    const databaseUrl = bench.db.connectionString;
    const idle = await idleRate(databaseUrl, IDLE_WINDOW_MS);
    const before = await readCounters(databaseUrl);
    const authorize = await profiled(settings.cpuProfile, () => authorizeLoad(url, token, orders));
    await waitForSettled(bench);
    await new Promise((resolve) => setTimeout(resolve, STATS_FLUSH_WAIT_MS));
    const after = await readCounters(databaseUrl);
    report('Returns at the counter (PostgreSQL, demo data; eligibility 32 connections 10 s)', [eligibility, authorize]);
    const { rows: check } = await bench.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM returns.returns`);
    process.stdout.write(`authorizeReturn: ${authorize.authorized} of ${orders.length * UNITS_PER_ORDER} authorized; ${check[0]?.n} returns in the database\n`);
    const cost = perUnit(before, after, Math.max(1, authorize.authorized), idle.commitsPerSecond);
    process.stdout.write(
      `idle graph: ${idle.commitsPerSecond.toFixed(1)} commits/s, ${Math.round(idle.walBytesPerSecond)} WAL bytes/s (cluster-wide)\n` +
        `per authorized return, end to end (every relay and consumer settled): ${cost.commits.toFixed(2)} commits ` +
        `(${cost.commitsNetOfIdle.toFixed(2)} net of the idle rate), ${Math.round(cost.walBytes)} WAL bytes (cluster-wide), ` +
        `${cost.cpuMs.toFixed(2)} ms CPU (every service and the bench client in this process)\n`,
    );
  } finally {
    await bench.close();
  }
}
