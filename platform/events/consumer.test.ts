import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { newId } from '../ids';
import { defineEvent } from './catalog';
import { ConsumerRunner, type ConsumerDefinition } from './consumer';
import { on } from './handlers';
import type { DeliveredEvent } from './envelope';
import { InProcessBus } from './in-process-bus';
import { replayDeadLetters } from './dead-letters';

const ThingCounted = defineEvent('ThingCounted', 1, z.object({ n: z.number().int() }));

let database: TestDatabase;
let seq = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.query(
    `CREATE TABLE public.effects (consumer text, event_id text, aggregate_id text, n int, handled_at timestamptz DEFAULT clock_timestamp())`,
  );
});
afterAll(async () => {
  await database.drop();
});

function event(aggregateId: string, n: number, data: unknown = { n }): DeliveredEvent {
  return {
    envelope: {
      id: newId('evt'),
      type: ThingCounted.type,
      version: 1,
      occurredAt: new Date().toISOString(),
      source: 'test',
      correlationId: 'test-correlation',
      causationId: null,
      aggregateId,
      data,
    },
    sourceSeq: ++seq,
  };
}

/** A consumer whose handler records its effect, failing while `failures` says so. */
function consumer(name: string, failures: (n: number) => boolean, maxAttempts = 3) {
  const calls: number[] = [];
  const definition: ConsumerDefinition = {
    name,
    schema: 'inventory',
    backoff: { maxAttempts, baseDelayMs: 20, maxDelayMs: 40 },
    handlers: [
      on(ThingCounted, async (tx, { n }, envelope) => {
        calls.push(n);
        if (failures(n)) throw new Error(`handler failed on ${n}`);
        await tx.query(`INSERT INTO public.effects (consumer, event_id, aggregate_id, n) VALUES ($1, $2, $3, $4)`, [
          name,
          envelope.id,
          envelope.aggregateId,
          n,
        ]);
      }),
    ],
  };
  return { runner: new ConsumerRunner(database.db, new InProcessBus(), definition), calls };
}

async function effects(name: string): Promise<{ n: number; aggregate_id: string }[]> {
  const { rows } = await database.db.query<{ n: number; aggregate_id: string }>(
    `SELECT n, aggregate_id FROM public.effects WHERE consumer = $1 ORDER BY handled_at`,
    [name],
  );
  return rows;
}

/** Runs due retries until nothing is pending for the consumer (bounded). */
async function settle(runner: ConsumerRunner, name: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await runner.retryDue();
    const { rows } = await database.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM inventory.pending_deliveries WHERE consumer = $1`, [name]);
    if (rows[0]?.n === 0) return;
    if (Date.now() > deadline) throw new Error('retries did not settle in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ConsumerRunner', () => {
  it('applies an event once however often it is delivered', async () => {
    const { runner } = consumer('test.once', () => false);
    const delivered = event('agg-1', 1);
    for (let i = 0; i < 5; i++) await runner.receive(delivered);
    expect(await effects('test.once')).toHaveLength(1);
  });

  it('retries a handler that fails twice with backoff, then applies the event once', async () => {
    let failuresLeft = 2;
    const { runner, calls } = consumer('test.flaky', () => failuresLeft-- > 0, 5);
    const started = Date.now();
    await runner.receive(event('agg-2', 7));
    const { rows: pending } = await database.db.query<{ attempts: number; last_error: string; next_attempt_at: Date }>(
      `SELECT attempts, last_error, next_attempt_at FROM inventory.pending_deliveries WHERE consumer = 'test.flaky'`,
    );
    expect(pending[0]).toMatchObject({ attempts: 1, last_error: 'Error: handler failed on 7' });
    expect(pending[0]!.next_attempt_at.getTime()).toBeGreaterThan(started);
    await settle(runner, 'test.flaky');
    expect(calls).toEqual([7, 7, 7]);
    expect(await effects('test.flaky')).toEqual([{ n: 7, aggregate_id: 'agg-2' }]);
    // Two backoff waits of at least half the base delay each (equal jitter) passed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(20);
  });

  it('dead-letters an event after the last attempt with the error, attempt count and payload', async () => {
    const { runner, calls } = consumer('test.broken', () => true, 3);
    const delivered = event('agg-3', 3);
    await runner.receive(delivered);
    await settle(runner, 'test.broken');
    expect(calls).toEqual([3, 3, 3]);
    const { rows } = await database.db.query<{ event_id: string; attempts: number; error: string; status: string; event: DeliveredEvent }>(
      `SELECT event_id, attempts, error, status, event FROM inventory.dead_letters WHERE consumer = 'test.broken'`,
    );
    expect(rows).toEqual([expect.objectContaining({ event_id: delivered.envelope.id, attempts: 3, error: 'Error: handler failed on 3', status: 'DEAD' })]);
    expect(rows[0]?.event.envelope.data).toEqual({ n: 3 });
    expect(await effects('test.broken')).toHaveLength(0);
  });

  it('applies a replayed dead letter exactly once after the handler is fixed, and says what a dry run would do', async () => {
    let fixed = false;
    const { runner } = consumer('test.replay', () => !fixed, 2);
    await runner.receive(event('agg-4', 4));
    await settle(runner, 'test.replay');
    fixed = true;

    const dry = await database.db.transaction((tx) => replayDeadLetters(tx, 'inventory', { consumer: 'test.replay' }, { dryRun: true, actor: 'ops' }));
    expect(dry.map((r) => r.outcome)).toEqual(['WOULD_REPLAY']);
    expect(await effects('test.replay')).toHaveLength(0);

    const replayed = await database.db.transaction((tx) => replayDeadLetters(tx, 'inventory', { consumer: 'test.replay' }, { dryRun: false, actor: 'ops' }));
    expect(replayed.map((r) => r.outcome)).toEqual(['REPLAYED']);
    await settle(runner, 'test.replay');
    // A second replay finds nothing dead by filter, and says so by id; the effect stays single.
    const again = await database.db.transaction((tx) => replayDeadLetters(tx, 'inventory', { consumer: 'test.replay' }, { dryRun: false, actor: 'ops' }));
    expect(again).toEqual([]);
    const byId = await database.db.transaction((tx) =>
      replayDeadLetters(tx, 'inventory', { ids: [String(replayed[0]?.row.id)] }, { dryRun: false, actor: 'ops' }),
    );
    expect(byId.map((r) => r.outcome)).toEqual(['NOT_DEAD']);
    await settle(runner, 'test.replay');
    expect(await effects('test.replay')).toEqual([{ n: 4, aggregate_id: 'agg-4' }]);
  });

  it('dead-letters an event whose payload does not match its schema at once', async () => {
    const { runner, calls } = consumer('test.invalid', () => false);
    await runner.receive(event('agg-5', 5, { n: 'five' }));
    expect(calls).toEqual([]);
    const { rows } = await database.db.query<{ attempts: number; error: string }>(
      `SELECT attempts, error FROM inventory.dead_letters WHERE consumer = 'test.invalid'`,
    );
    expect(rows[0]?.attempts).toBe(0);
    expect(rows[0]?.error).toMatch(/Invalid ThingCounted v1 event: n:/);
  });

  it('dead-letters an event of a version its handler does not read at once', async () => {
    const { runner, calls } = consumer('test.version', () => false);
    const delivered = event('agg-6', 6);
    delivered.envelope.version = 2;
    await runner.receive(delivered);
    expect(calls).toEqual([]);
    const { rows } = await database.db.query<{ attempts: number; error: string }>(
      `SELECT attempts, error FROM inventory.dead_letters WHERE consumer = 'test.version'`,
    );
    expect(rows).toEqual([{ attempts: 0, error: 'Invalid ThingCounted v2 event: the consumer reads version 1 only' }]);
  });

  it('refuses a consumer with two handlers for one event type', () => {
    const handle = async () => undefined;
    const definition: ConsumerDefinition = { name: 'test.twice', schema: 'inventory', handlers: [on(ThingCounted, handle), on(ThingCounted, handle)] };
    expect(() => new ConsumerRunner(database.db, new InProcessBus(), definition)).toThrow('Consumer test.twice has two handlers for ThingCounted; give it one');
  });

  it('keeps an aggregate in order behind a failing event while other aggregates flow', async () => {
    let aFails = true;
    const { runner } = consumer('test.order', (n) => n === 1 && aFails, 10);
    await runner.receive(event('agg-A', 1));
    await runner.receive(event('agg-A', 2));
    await runner.receive(event('agg-B', 10));
    // B went through at once; A's second event waits behind its first.
    expect(await effects('test.order')).toEqual([{ n: 10, aggregate_id: 'agg-B' }]);
    aFails = false;
    await settle(runner, 'test.order');
    expect((await effects('test.order')).map((row) => row.n)).toEqual([10, 1, 2]);
  });
});
