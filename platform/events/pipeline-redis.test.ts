import { Redis } from 'ioredis';
import { REDIS_URL } from '../../test/support/env';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { sleep, waitFor } from './testing/bus-kit';
import { appendEvents, qualified, type NewEvent } from './outbox';
import { RedisBus } from './redis-bus';
import { deletePrefix, uniquePrefix } from './testing/redis-kit';
import { OutboxRelay, outboxLag } from './relay';
import { killAllTestProcesses, spawnTestProcess, type TestChild } from '../../test/processes/child-kit';
import { appliedTableSql, TestThingHappened } from '../../test/processes/pipeline-events';

/** Bound on a tsx child starting and subscribing (two shared cores, cold transpile cache). */
const CHILD_START_MS = 15_000;
/** Bound on a whole run of events being applied end to end. */
const APPLY_TIMEOUT_MS = 25_000;
/** How long "no duplicate shows up late" is watched after the last expected row. */
const SETTLE_MS = 500;
/** Aggregates the events are spread over, interleaved, so per-aggregate order is really tested. */
const AGGREGATES = 10;
/** Events appended per transaction, as a busy subgraph would. */
const EVENTS_PER_TRANSACTION = 20;

describe('event pipeline over Redis and PostgreSQL', () => {
  let database: TestDatabase;
  const redis = new Redis(REDIS_URL);
  const prefixes: string[] = [];
  const relays: OutboxRelay[] = [];
  const buses: RedisBus[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    for (const schema of ['inventory', 'refunds']) await database.db.query(appliedTableSql(schema));
  });

  afterAll(async () => {
    await killAllTestProcesses();
    for (const relay of relays) await relay.stop();
    for (const bus of buses) await bus.close();
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    redis.disconnect();
    await database?.drop();
  });

  /** A relay of `schema`'s outbox on a Redis bus under `prefix`, polling like production. */
  const startRelay = (schema: string, prefix: string) => {
    const bus = new RedisBus({ url: REDIS_URL, prefix });
    buses.push(bus);
    const relay = new OutboxRelay({ db: database.db, schema, bus });
    relays.push(relay);
    relay.start();
    return relay;
  };

  const startConsumer = async (schema: string, prefix: string, name: string, handlerDelayMs = 0): Promise<TestChild> => {
    const child = spawnTestProcess('test/processes/pipeline-consumer.ts', {
      DATABASE_URL: database.url,
      REDIS_URL,
      RG_BUS_PREFIX: prefix,
      RG_CONSUMER_NAME: name,
      RG_SCHEMA: schema,
      RG_HANDLER_DELAY_MS: String(handlerDelayMs),
    });
    await child.waitForLine(/^ready$/, CHILD_START_MS);
    return child;
  };

  /** Appends events `from`..`to - 1` of every aggregate, interleaved, in transactions of EVENTS_PER_TRANSACTION. */
  const appendRange = async (schema: string, from: number, to: number) => {
    const events: NewEvent<unknown>[] = [];
    for (let n = from; n < to; n++) {
      for (let aggregate = 0; aggregate < AGGREGATES; aggregate++) {
        events.push({ definition: TestThingHappened, aggregateId: `${schema}-agg-${aggregate}`, data: { n } });
      }
    }
    for (let i = 0; i < events.length; i += EVENTS_PER_TRANSACTION) {
      await database.db.transaction((tx) => appendEvents(tx, schema, 'pipeline-test', events.slice(i, i + EVENTS_PER_TRANSACTION)));
    }
    return events.length;
  };

  const appliedCount = async (schema: string) => {
    const { rows } = await database.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${qualified(schema, 'pipeline_probe_applied')}`);
    return rows[0]?.count ?? 0;
  };

  /** Asserts `expected` events applied exactly once each (rows and inbox) and in order per aggregate. */
  const expectAppliedExactlyOnceInOrder = async (schema: string, consumer: string, expected: number, perAggregate: number) => {
    const table = qualified(schema, 'pipeline_probe_applied');
    const { rows: counts } = await database.db.query<{ rows: number; events: number; outbox: number; processes: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS events, count(DISTINCT applied_by)::int AS processes,
              (SELECT count(*)::int FROM ${qualified(schema, 'outbox')}) AS outbox
         FROM ${table}`,
    );
    expect(counts[0]).toEqual({ rows: expected, events: expected, outbox: expected, processes: 1 });
    const { rows: inbox } = await database.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${qualified(schema, 'inbox')} WHERE consumer = $1`, [
      consumer,
    ]);
    expect(inbox[0]?.count).toBe(expected);
    const { rows: orders } = await database.db.query<{ aggregate_id: string; ns: number[] }>(
      `SELECT aggregate_id, array_agg(n ORDER BY applied_seq) AS ns FROM ${table} GROUP BY aggregate_id ORDER BY aggregate_id`,
    );
    expect(orders).toHaveLength(AGGREGATES);
    for (const { ns } of orders) expect(ns).toEqual(Array.from({ length: perAggregate }, (_, n) => n));
    const { rows: failures } = await database.db.query<{ count: number }>(
      `SELECT (SELECT count(*) FROM ${qualified(schema, 'pending_deliveries')}) + (SELECT count(*) FROM ${qualified(schema, 'dead_letters')}) AS count`,
    );
    expect(Number(failures[0]?.count)).toBe(0);
  };

  it('applies 200 events exactly once and in per-aggregate order across two processes on the Redis bus', async () => {
    const schema = 'inventory';
    const consumer = 'pipeline-test.two-processes';
    const prefix = uniquePrefix('pipeline');
    prefixes.push(prefix);
    await startConsumer(schema, prefix, consumer);
    const relay = startRelay(schema, prefix);

    const startedAt = Date.now();
    const total = await appendRange(schema, 0, 20);
    relay.wake();
    await waitFor(`${total} applied rows`, async () => (await appliedCount(schema)) >= total, APPLY_TIMEOUT_MS);
    const elapsedMs = Date.now() - startedAt;
    await sleep(SETTLE_MS);

    await expectAppliedExactlyOnceInOrder(schema, consumer, total, 20);
    expect((await outboxLag(database.db, schema)).pending).toBe(0);
    console.info(`two processes: ${total} events appended, relayed and applied in ${elapsedMs} ms`);
  });

  it('loses nothing when Redis is flushed mid-stream: the relay republishes from the outbox', async () => {
    const schema = 'refunds';
    const consumer = 'pipeline-test.flushed';
    const prefix = uniquePrefix('pipeline-flush');
    prefixes.push(prefix);
    // A slow handler (10 ms an event) keeps most of the first half unconsumed when Redis loses it.
    await startConsumer(schema, prefix, consumer, 10);
    const relay = startRelay(schema, prefix);
    const epochBefore = await database.db.query<{ bus_epoch: string }>(`SELECT bus_epoch FROM ${qualified(schema, 'relay_state')}`);

    const firstHalf = await appendRange(schema, 0, 10);
    relay.wake();
    await waitFor('the first half published', async () => (await outboxLag(database.db, schema)).pending === 0, APPLY_TIMEOUT_MS);
    // Flush with some events applied, a read batch in the consumer's hands and the rest unread.
    await waitFor('the first events applied', async () => (await appliedCount(schema)) >= AGGREGATES, APPLY_TIMEOUT_MS);
    const appliedAtFlush = await appliedCount(schema);
    const flushedKeys = await deletePrefix(redis, prefix);
    expect(flushedKeys).toBe(2); // the stream (with its consumer group) and the epoch
    expect(appliedAtFlush).toBeLessThan(firstHalf);
    expect(appliedAtFlush).toBeGreaterThanOrEqual(AGGREGATES);

    const flushedAt = Date.now();
    const secondHalf = await appendRange(schema, 10, 20);
    relay.wake();
    const total = firstHalf + secondHalf;
    await waitFor(`${total} applied rows after the flush`, async () => (await appliedCount(schema)) >= total, APPLY_TIMEOUT_MS);
    const recoveryMs = Date.now() - flushedAt;
    await sleep(SETTLE_MS);

    await expectAppliedExactlyOnceInOrder(schema, consumer, total, 20);
    expect((await outboxLag(database.db, schema)).pending).toBe(0);
    const { rows: epochAfter } = await database.db.query<{ bus_epoch: string }>(`SELECT bus_epoch FROM ${qualified(schema, 'relay_state')}`);
    expect(epochAfter[0]?.bus_epoch).toEqual(expect.any(String));
    expect(epochAfter[0]?.bus_epoch).not.toBe(epochBefore.rows[0]?.bus_epoch);
    console.info(
      `flush mid-stream: ${appliedAtFlush}/${firstHalf} applied when Redis lost the stream; all ${total} applied exactly once ${recoveryMs} ms after the flush`,
    );
  });
});
