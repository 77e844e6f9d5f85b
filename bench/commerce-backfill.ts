import { join } from 'node:path';
import { signClientToken } from '../platform/auth';
import { backfill, BACKFILL_CONCURRENCY, type BackfillResult } from '../scripts/backfill/backfill';
import { httpGraphClient, type GraphClient } from '../scripts/ingest/graph-client';
import type { Progress } from '../scripts/ingest/progress';
import { Report } from '../scripts/ingest/report';
import { waitedMs, type BenchShop } from './commerce-shop';
import type { BenchGraph } from './support';

/**
 * The backfill half of the commerce bench: `backfill(feed, graph, …)` — locations, products and
 * orders read from a fake Shopify and sent to the gateway, as `npm run backfill` does — once per
 * plan, then the bulk export read, then a second run from the saved state.
 *
 * Shopify prices a page of three orders at about 1,000 points whatever the orders hold, so even on
 * Plus its rate limit, not our work, sets the pace of a long backfill. The connector's waits are
 * therefore taken on the fake's clock (the bucket restores, nothing sleeps): the run's wall time
 * is our work and the fake's answers, the waits are added up apart, and both rates are printed.
 */

/** The bench prints its own figures; the backfill's progress lines would only interleave with them. */
const QUIET_PROGRESS: Progress = { start: () => undefined, increment: () => undefined, stop: () => undefined };

/** One backfill run's figures. */
interface BackfillFigures {
  label: string;
  result: BackfillResult;
  wallSeconds: number;
  waitedSeconds: number;
  /** THROTTLED answers the fake gave (the client's budget waits before most would happen). */
  throttled: number;
  /** Requests the run sent to Shopify. */
  shopifyRequests: number;
  /** Query cost points those requests were priced at (THROTTLED ones included). */
  points: number;
}

/** The orders the graph holds and the events its orders subgraph has announced: what a write would change. */
async function footprint(bench: BenchGraph): Promise<{ orders: number; events: number }> {
  const { rows } = await bench.db.query<{ orders: string; events: string }>(
    `SELECT (SELECT count(*) FROM orders.orders WHERE source = 'shopify') AS orders, (SELECT count(*) FROM orders.outbox) AS events`,
  );
  return { orders: Number(rows[0]?.orders ?? 0), events: Number(rows[0]?.events ?? 0) };
}

/** One backfill of `shop` into the graph with the state file `statePath`. */
async function timedBackfill(label: string, shop: BenchShop, graph: GraphClient, statePath: string, resume: boolean): Promise<BackfillFigures> {
  const waitedBefore = waitedMs(shop.connector);
  const throttledBefore = shop.fake.throttledCount;
  const requestsBefore = shop.fake.requests.length;
  const started = performance.now();
  const result = await backfill(shop.connector.feed, graph, {
    resume,
    statePath,
    report: new Report(`${statePath}.report.jsonl`, resume),
    progress: QUIET_PROGRESS,
  });
  return {
    label,
    result,
    wallSeconds: (performance.now() - started) / 1000,
    waitedSeconds: (waitedMs(shop.connector) - waitedBefore) / 1000,
    throttled: shop.fake.throttledCount - throttledBefore,
    shopifyRequests: shop.fake.requests.length - requestsBefore,
    points: shop.fake.requests.slice(requestsBefore).reduce((sum, request) => sum + (request.cost ?? 0), 0),
  };
}

/** What the gateway answered for the orders sent: created, updated (replayed or re-recorded) and failed. */
const outcomes = (tally: BackfillResult['tallies']['orders']) => `created ${tally.created}, updated ${tally.updated}, failed ${tally.failed}`;

const rate = (count: number, seconds: number) => (seconds > 0 ? (count / seconds).toFixed(1) : '-');

function printBackfills(runs: BackfillFigures[]): void {
  process.stdout.write(
    `\nBackfill through the gateway (locations, products, orders; ${BACKFILL_CONCURRENCY} in flight; Shopify's waits on the fake's clock, added apart;` +
      ` "ours" includes the fake Shopify answering in this process; standard ran first, cold)\n`,
  );
  const head = ['plan (bucket points / restored per s)', 'orders', 'ours s', 'waits s', 'THROTTLED', 'orders/s ours', 'orders/s w/ waits'];
  process.stdout.write(
    `${head[0]?.padEnd(40)}${head
      .slice(1)
      .map((h) => h.padStart(11))
      .join(' ')}\n`,
  );
  for (const run of runs) {
    const orders = run.result.tallies.orders;
    const cells = [
      String(orders.read),
      run.wallSeconds.toFixed(1),
      run.waitedSeconds.toFixed(1),
      String(run.throttled),
      rate(orders.read, run.wallSeconds),
      rate(orders.read, run.wallSeconds + run.waitedSeconds),
    ];
    process.stdout.write(`${run.label.padEnd(40)}${cells.map((c) => c.padStart(11)).join(' ')}\n`);
  }
  for (const run of runs) {
    process.stdout.write(
      `  ${run.label}: ${run.shopifyRequests} Shopify requests priced ${run.points} points; orders ${outcomes(run.result.tallies.orders)}\n`,
    );
  }
}

/** `ShopifyConnector.bulkOrders()` over `shop`: the export read and every order mapped. */
async function timedBulk(shop: BenchShop): Promise<void> {
  const waitedBefore = waitedMs(shop.connector);
  let orders = 0;
  let unmappable = 0;
  const started = performance.now();
  for await (const batch of shop.connector.bulkOrders({ onUnmappable: () => (unmappable += 1) })) orders += batch.length;
  const seconds = (performance.now() - started) / 1000;
  const polled = (waitedMs(shop.connector) - waitedBefore) / 1000;
  process.stdout.write(
    `\nbulkOrders() on the Plus store: ${orders} orders mapped (${unmappable} unmappable) in ${seconds.toFixed(2)} s = ${rate(orders, seconds)} orders/s` +
      ` (plus ${polled.toFixed(0)} s of status polls while Shopify writes the file, on the fake's clock)\n`,
  );
}

/** `npm run bench -- commerce`, its backfill half: the Plus and standard stores into `bench`, state files in `dir`. */
export async function benchBackfill(bench: BenchGraph, shops: { plus: BenchShop; standard: BenchShop }, dir: string): Promise<void> {
  const token = await signClientToken({ subject: 'bench:backfill', roles: ['operations_admin'], storeIds: [] }, bench.keys.privateJwk);
  const graph = httpGraphClient(`${bench.graph.gateway.url}/graphql`, token);
  const plusState = join(dir, 'backfill-plus.state.json');
  // The standard plan goes first: the first run also warms the process (JIT, the gateway's query plans, pools), and
  // the standard plan's figure is Shopify's waits whatever our side costs, while Plus is the run where our side shows.
  const standard = await timedBackfill('standard (2000 / 100)', shops.standard, graph, join(dir, 'backfill-standard.state.json'), false);
  const plus = await timedBackfill('Plus (20000 / 1000)', shops.plus, graph, plusState, false);
  printBackfills([plus, standard]);
  await timedBulk(shops.plus);

  const before = await footprint(bench);
  const again = await timedBackfill('Plus again', shops.plus, graph, plusState, true);
  const after = await footprint(bench);
  const orders = again.result.tallies.orders;
  process.stdout.write(
    `\nSecond backfill from the saved state: read ${orders.read} orders (${again.shopifyRequests} Shopify requests), ${outcomes(orders)};` +
      ` Shopify orders in the graph ${before.orders} -> ${after.orders}, orders events ${before.events} -> ${after.events}` +
      ` (${after.orders === before.orders && after.events === before.events ? 'nothing changed' : 'CHANGED'})\n`,
  );
}
