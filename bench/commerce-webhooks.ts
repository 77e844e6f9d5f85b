import { Pool } from 'undici';
import type { WebhookDelivery } from '../connectors/commerce/shopify/testing';
import { waitedMs, type BenchShop } from './commerce-shop';
import type { BenchGraph } from './support';

/**
 * The webhook half of the commerce bench: signed `orders/create` deliveries for orders of the
 * fake Shopify, about a tenth of them repeats of an earlier event (Shopify redelivers when an
 * answer is slow), posted to the orders subgraph's `POST /webhooks/commerce/shopify` — how fast
 * they are acknowledged — and then how fast the intake worker applies them, which reads each
 * order back from the (fake) Shopify before recording it.
 */

/** Every tenth delivery repeats an earlier event id. */
const DUPLICATE_EVERY = 10;
/** Deliveries in flight: Shopify sends a busy shop's webhooks from many workers at once. */
const CONCURRENCY = 32;
/** How long the intake may take to apply every delivery before the bench gives up. */
const INTAKE_TIMEOUT_MS = 150_000;
/** How often the inbox is read while waiting. */
const POLL_MS = 100;

/** Distinct deliveries (and so orders) among `deliveries`. */
export function distinctDeliveries(deliveries: number): number {
  return deliveries - Math.floor(deliveries / DUPLICATE_EVERY);
}

/** The deliveries to post, signed: one per order of `shop`, with every tenth a repeat of an earlier one. */
function precompute(shop: BenchShop, deliveries: number): WebhookDelivery[] {
  const originals = shop.orderIds.map((id, i) => ({ eventId: `bench-order-create-${i}`, payload: shop.fake.orderPayload(id) }));
  const out: WebhookDelivery[] = [];
  let next = 0;
  for (let i = 0; i < deliveries; i++) {
    // A repeat names an earlier event, spread over those sent so far (a prime stride, not always the latest).
    const original = i % DUPLICATE_EVERY === DUPLICATE_EVERY - 1 ? originals[(i * 7_919) % next] : originals[next++];
    if (!original) throw new Error(`the webhook store has ${originals.length} orders, fewer than ${distinctDeliveries(deliveries)} distinct deliveries`);
    out.push(shop.fake.webhook('orders/create', original.payload, { eventId: original.eventId }));
  }
  return out;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Posts every delivery, `CONCURRENCY` at a time on one connection pool; acknowledgement times and answers. */
async function post(url: string, deliveries: WebhookDelivery[]): Promise<{ seconds: number; latencies: number[]; statuses: Map<string, number> }> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: CONCURRENCY });
  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let delivery = deliveries[next++]; delivery; delivery = deliveries[next++]) {
          const sent = performance.now();
          const answer = await pool.request({ path: target.pathname, method: 'POST', headers: delivery.headers, body: delivery.rawBody });
          const body = (await answer.body.json()) as { status?: string };
          latencies.push(performance.now() - sent);
          const key = `${answer.statusCode} ${body.status ?? 'error'}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b), statuses };
}

interface InboxCounts {
  done: number;
  failed: number;
  pending: number;
  /** From the first delivery received to the last applied, on the database's clock. */
  seconds: number;
}

async function inbox(bench: BenchGraph): Promise<InboxCounts> {
  const { rows } = await bench.db.query<Record<keyof InboxCounts, string | null>>(
    `SELECT count(*) FILTER (WHERE status IN ('APPLIED', 'IGNORED')) AS done, count(*) FILTER (WHERE status = 'FAILED') AS failed,
            count(*) FILTER (WHERE status = 'PENDING') AS pending, extract(epoch FROM max(applied_at) - min(received_at)) AS seconds
       FROM orders.commerce_deliveries`,
  );
  const row = rows[0];
  return { done: Number(row?.done ?? 0), failed: Number(row?.failed ?? 0), pending: Number(row?.pending ?? 0), seconds: Number(row?.seconds ?? 0) };
}

/** Waits until the intake has settled `distinct` deliveries (applied, ignored or failed for good). */
async function settled(bench: BenchGraph, distinct: number): Promise<InboxCounts> {
  const deadline = Date.now() + INTAKE_TIMEOUT_MS;
  for (;;) {
    const counts = await inbox(bench);
    if (counts.done + counts.failed >= distinct) return counts;
    if (Date.now() > deadline) throw new Error(`commerce intake: ${JSON.stringify(counts)} of ${distinct} deliveries after ${INTAKE_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** `npm run bench -- commerce`, its webhook half: `deliveries` posts to the orders subgraph of `bench`, whose connector reads `shop`. */
export async function benchWebhookIntake(bench: BenchGraph, shop: BenchShop, deliveries: number): Promise<void> {
  const orders = bench.graph.subgraphs.find((subgraph) => subgraph.name === 'orders');
  if (!orders) throw new Error('the bench graph has no orders subgraph');
  const distinct = distinctDeliveries(deliveries);
  const signed = precompute(shop, deliveries);
  const waitedBefore = waitedMs(shop.connector);
  const sent = await post(`${orders.url}/webhooks/commerce/shopify`, signed);
  const counts = await settled(bench, distinct);
  const waited = (waitedMs(shop.connector) - waitedBefore) / 1000;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  process.stdout.write(`\nWebhook intake: ${deliveries} signed orders/create deliveries (${distinct} distinct events), ${CONCURRENCY} in flight\n`);
  process.stdout.write(
    `acknowledged: ${(deliveries / sent.seconds).toFixed(0)}/s (all in ${sent.seconds.toFixed(2)} s); p50 ${ms(percentile(sent.latencies, 50))}, p99 ${ms(percentile(sent.latencies, 99))}` +
      `; answers ${[...sent.statuses].map(([status, n]) => `${status}: ${n}`).join(', ')}\n`,
  );
  process.stdout.write(
    `applied by the intake worker: ${counts.done} (${counts.failed} failed, ${counts.pending} pending) at ${(counts.done / counts.seconds).toFixed(1)}/s` +
      ` (first received -> last applied ${counts.seconds.toFixed(1)} s); each apply reads its order from the fake Shopify (Plus bucket)` +
      `, whose waits (${waited.toFixed(0)} s on the fake's clock) would make it ${(counts.done / (counts.seconds + waited)).toFixed(1)}/s\n`,
  );
}
