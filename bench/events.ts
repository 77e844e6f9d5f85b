import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { Db } from '../platform/db';
import { createBenchDatabase } from './support';
import type { BenchSettings } from './settings';
import type { Principal } from '../platform/auth';
import { defineEvent } from '../platform/events/catalog';
import { appendEvents } from '../platform/events/outbox';
import { writeTransaction } from '../platform/write-path/write-tx';
import { OutboxRelay } from '../platform/events/relay';
import { ConsumerRunner } from '../platform/events/consumer';
import { on } from '../platform/events/handlers';
import { InProcessBus } from '../platform/events/in-process-bus';
import { RedisBus } from '../platform/events/redis-bus';
import type { EventBus } from '../platform/events/bus';
import { WritePath } from '../platform/write-path/write-path';
import type { SubgraphContext } from '../platform/subgraph';
import { recordOrder } from '../subgraphs/orders/record-order';
import { recordOrderOnce } from '../subgraphs/orders/record-order-once';
import { OrdersStore } from '../subgraphs/orders/store';
import { OrderRecorded } from '../contracts/events/orders';
import { orderRecordedData } from '../subgraphs/orders/domain/order-recorded';
import type { RecordOrderInput } from '../subgraphs/orders/domain/record-order-input';

/** Events per adapter run: enough for a stable p99, few enough to keep the whole bench near a minute. */
const EVENT_COUNT = 5_000;
/** Events per appending transaction: a mutation that emits a handful of events, batched like a busy subgraph. */
const EVENTS_PER_TRANSACTION = 10;
/** Concurrent appenders: several requests committing at once, as under load. */
const APPENDERS = 8;
/** Events of a paced run: five seconds at the paced rate. */
const PACED_EVENT_COUNT = 1_000;
/**
 * Pause between two paced transactions (of 10 events): 200 events/s, well under the pipeline's
 * capacity, so latency shows the path itself rather than the queue of a saturated consumer.
 */
const PACED_INTERVAL_MS = 50;
/** Longest a run may take for the consumer to catch up before the bench gives up. */
const CATCH_UP_TIMEOUT_MS = 120_000;
/** Orders recorded per variant of the mutation bench. */
const ORDER_COUNT = 2_000;
/** Orders recorded per variant before measuring (JIT, pool, plan caches). */
const WARM_UP_ORDERS = 200;
/** Concurrent mutation callers: a busy webhook receiver's worth. */
const CALLERS = 16;
/** Pool size: every caller a connection, plus the relay and consumer. */
const POOL_SIZE = 20;

/** A bench-only event: nothing else publishes or consumes it. */
const BenchThingHappened = defineEvent('BenchThingHappened', 1, z.object({ n: z.number().int().min(0) }));

/** One row of a result table. */
interface Row {
  label: string;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Outbox-to-consumer throughput and delivery latency on each bus adapter, then `recordOrder`
 * throughput with and without its idempotency key (the cost of the guarantee), on a fresh
 * PostgreSQL database migrated like production.
 */
export async function benchEvents(settings: BenchSettings): Promise<void> {
  const database = await createBenchDatabase('events', settings.adminUrl, { poolSize: POOL_SIZE });
  try {
    // Each run gets an outbox (a subgraph schema's; no subgraph runs here) and a bus of its own: a
    // new bus is a new epoch, and a relay republishes a day of its outbox into a new epoch, which
    // would feed one run's events to the next.
    const prefixes: string[] = [];
    const redisBus = () => {
      prefixes.push(`rg-bench:${process.pid}:${randomUUID()}`);
      return new RedisBus({ url: settings.redisUrl, prefix: prefixes[prefixes.length - 1] as string });
    };
    const rows: Row[] = [];
    try {
      rows.push(await pipelineRun(database.db, 'inventory', new InProcessBus(), 'in-process bus, saturated', 'saturated'));
      rows.push(await pipelineRun(database.db, 'refunds', new InProcessBus(), 'in-process bus, paced 200 events/s', 'paced'));
      rows.push(await pipelineRun(database.db, 'returns', redisBus(), 'Redis bus, saturated', 'saturated'));
      rows.push(await pipelineRun(database.db, 'orders', redisBus(), 'Redis bus, paced 200 events/s', 'paced'));
    } finally {
      await deleteRedisKeys(settings.redisUrl, prefixes);
    }
    printTable(
      `Outbox -> relay -> bus -> consumer in one process (PostgreSQL; transactions of ${EVENTS_PER_TRANSACTION} events; saturated: ${EVENT_COUNT} events from ` +
        `${APPENDERS} concurrent appenders; paced: ${PACED_EVENT_COUNT} events; latency from commit to handler)`,
      'events/s',
      rows,
    );

    const plain = await mutationRun(database.db, 'recordOrder without idempotency key', recordPlain);
    const keyed = await mutationRun(database.db, 'recordOrder with idempotency key', recordKeyed);
    printTable(`recordOrder effect + OrderRecorded outbox event (PostgreSQL, ${ORDER_COUNT} orders, ${CALLERS} callers)`, 'orders/s', [plain, keyed]);
    process.stdout.write(`with key / without key throughput ratio: ${(keyed.perSecond / Math.max(1, plain.perSecond)).toFixed(2)}\n`);
  } finally {
    await database.drop();
  }
}

/**
 * Appends events, relays them over `bus` to a consumer in this process, and times both ends.
 * `saturated`: `EVENT_COUNT` events as fast as `APPENDERS` can commit (throughput; latency is then
 * mostly queueing). `paced`: `PACED_EVENT_COUNT` events at a steady rate below capacity (latency).
 */
async function pipelineRun(db: Db, schema: string, bus: EventBus, label: string, mode: 'saturated' | 'paced'): Promise<Row> {
  const total = mode === 'saturated' ? EVENT_COUNT : PACED_EVENT_COUNT;
  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  let handled = 0;
  let allHandled: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allHandled = resolve));
  const consumer = new ConsumerRunner(db, bus, {
    name: `bench.${schema}.${mode}`,
    schema,
    handlers: [
      on(BenchThingHappened, async (_tx, _data, event) => {
        const committed = committedAt.get(event.id);
        if (committed === undefined) throw new Error(`${label}: handled ${event.id}, which this run did not append or has not seen commit`);
        latencies.push(performance.now() - committed);
        if (++handled === total) allHandled();
      }),
    ],
  });
  const relay = new OutboxRelay({ db, schema, bus });
  await consumer.start();
  relay.start();
  const started = performance.now();
  try {
    let next = 0;
    const appender = async () => {
      while (next < total) {
        const first = next;
        next += EVENTS_PER_TRANSACTION;
        const events = Array.from({ length: EVENTS_PER_TRANSACTION }, (_, i) => ({
          definition: BenchThingHappened,
          aggregateId: `thing-${(first + i) % 100}`,
          data: { n: first + i },
        }));
        const appended = await db.transaction((tx) => appendEvents(tx, schema, schema, events));
        const now = performance.now();
        for (const envelope of appended) committedAt.set(envelope.id, now);
        // As WritePath's onCommit does: the relay publishes now instead of at its next poll.
        relay.wake();
        if (mode === 'paced') await sleep(PACED_INTERVAL_MS);
      }
    };
    await Promise.all(Array.from({ length: mode === 'saturated' ? APPENDERS : 1 }, appender));
    await withTimeout(done, CATCH_UP_TIMEOUT_MS, `${label}: the consumer handled ${handled} of ${total} events`);
    const seconds = (performance.now() - started) / 1000;
    return { label, perSecond: Math.round(total / seconds), p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
  } finally {
    await relay.stop();
    await consumer.stop();
    await bus.close();
  }
}

/** The caller of the mutation bench: a service principal, as a commerce webhook receiver calls. */
const principal: Principal = { subject: 'service:bench', roles: ['service'], storeIds: [] };

/** A valid web order with its own external id and payment reference. */
function orderInput(i: number, run: string): RecordOrderInput {
  return {
    source: 'bench',
    externalId: `${run}-${i}`,
    channel: 'ECOMMERCE',
    customer: { id: `cus_bench_${i % 500}`, email: 'bench@example.com', name: 'Bench Customer' },
    placedAt: new Date('2026-11-20T10:00:00Z'),
    currencyCode: 'USD',
    lines: [
      { sku: 'SKU-FTW-001', title: 'Everyday Runner', category: 'footwear', quantity: 2, unitPrice: '49.99', discount: '10.00', tax: '7.20' },
      { sku: 'SKU-BEA-006', title: 'Lip Balm Trio', category: 'beauty', quantity: 1, unitPrice: '0', finalSale: true },
    ],
    shipping: { method: 'Standard', amount: '5.95', tax: '0.48' },
    payments: [
      { provider: 'stripe', providerReference: `ch_${run}_${i}`, method: 'CARD', capturedAmount: '100.00', capturedAt: new Date('2026-11-20T10:00:05Z') },
    ],
  };
}

/** (a) Through the write path: key, order, outbox event in one transaction (`recordOrderOnce`, as the resolver calls it). */
async function recordKeyed(db: Db, input: RecordOrderInput): Promise<void> {
  const ctx: SubgraphContext<unknown> = { db, principal, correlationId: 'bench', loaders: undefined, writes: new WritePath(db, 'orders') };
  const payload = await recordOrderOnce(ctx, input, randomUUID());
  if (payload.userErrors.length > 0 || !payload.orderId) throw new Error(`recordOrder refused a bench order: ${JSON.stringify(payload.userErrors)}`);
}

/** (b) The same effect and event in a plain transaction, without the key. */
async function recordPlain(db: Db, input: RecordOrderInput): Promise<void> {
  await writeTransaction(db, 'orders', async (tx) => {
    const result = await recordOrder(tx, input, principal);
    if (!result.order) throw new Error(`recordOrder refused a bench order: ${JSON.stringify(result.userErrors)}`);
    const store = new OrdersStore(tx);
    const orderIds = [result.order.id];
    const [lines, payments] = [await store.findLinesOfOrders(orderIds), await store.findPaymentsOfOrders(orderIds)];
    await tx.emit(OrderRecorded, result.order.id, orderRecordedData(result.order, lines, payments, result.created));
  });
}

/** Records `ORDER_COUNT` new orders with `CALLERS` concurrent callers (after a warm-up) and times them. */
async function mutationRun(db: Db, label: string, record: (db: Db, input: RecordOrderInput) => Promise<void>): Promise<Row> {
  const run = randomUUID().slice(0, 8);
  const callLatencies: number[] = [];
  const drive = async (count: number, offset: number, measure: boolean) => {
    let next = 0;
    const caller = async () => {
      while (next < count) {
        const input = orderInput(offset + next++, run);
        const started = performance.now();
        await record(db, input);
        if (measure) callLatencies.push(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: CALLERS }, caller));
  };
  await drive(WARM_UP_ORDERS, 0, false);
  const started = performance.now();
  await drive(ORDER_COUNT, WARM_UP_ORDERS, true);
  const seconds = (performance.now() - started) / 1000;
  return { label, perSecond: Math.round(ORDER_COUNT / seconds), p50Ms: percentile(callLatencies, 50), p99Ms: percentile(callLatencies, 99) };
}

/** Deletes exactly the bench's keys (other users share this Redis). */
async function deleteRedisKeys(redisUrl: string, prefixes: readonly string[]): Promise<void> {
  if (prefixes.length === 0) return;
  const redis = new Redis(redisUrl);
  try {
    await redis.del(...prefixes.flatMap((prefix) => [`${prefix}:events`, `${prefix}:epoch`]));
  } finally {
    redis.disconnect();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] as number) * 10) / 10;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms: ${what}`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Prints rows in the layout of bench/support.ts's `report`, with the rate's unit in the header. */
function printTable(title: string, unit: string, rows: Row[]): void {
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(`${'scenario'.padEnd(44)} ${unit.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}\n`);
  for (const r of rows) {
    process.stdout.write(`${r.label.padEnd(44)} ${String(r.perSecond).padStart(9)} ${String(r.p50Ms).padStart(8)} ${String(r.p99Ms).padStart(8)}\n`);
  }
}
