import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { newId } from '../ids';
import { metricsRegistry } from '../metrics';
import { defineEvent } from './catalog';
import { ConsumerRunner } from './consumer';
import { on } from './handlers';
import type { DeliveredEvent } from './envelope';
import { InProcessBus } from './in-process-bus';
import { replayDeadLetters } from './dead-letters';

/** A consumer's metrics as it handles, retries, dead-letters and (after a replay) handles an event. */
const Pinged = defineEvent('MetricsPinged', 1, z.object({ n: z.number().int() }));
const CONSUMER = 'inventory.metrics-probe';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

function event(n: number): DeliveredEvent {
  return {
    envelope: {
      id: newId('evt'),
      type: Pinged.type,
      version: 1,
      occurredAt: new Date().toISOString(),
      source: 'test',
      correlationId: 'test-correlation',
      causationId: null,
      aggregateId: `agg-${n}`,
      data: { n },
    },
    sourceSeq: n,
  };
}

/** A counter of this process's registry, summed over its series matching `labels`. */
async function counter(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric(`returns_graph_${name}`)?.get();
  return (metric?.values ?? [])
    .filter((sample) => Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted))
    .reduce((sum, sample) => sum + sample.value, 0);
}

it('counts handled events, duplicates, retries, dead letters and replays by consumer', async () => {
  let failing = true;
  const runner = new ConsumerRunner(database.db, new InProcessBus(), {
    name: CONSUMER,
    schema: 'inventory',
    backoff: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    handlers: [
      on(Pinged, async (_tx, { n }) => {
        if (failing && n === 2) throw new Error('probe fails');
      }),
    ],
  });
  const ok = event(1);
  await runner.receive(ok);
  await runner.receive(ok);
  expect(await counter('consumer_events_total', { consumer: CONSUMER, outcome: 'handled' })).toBe(1);
  expect(await counter('consumer_events_total', { consumer: CONSUMER, outcome: 'duplicate' })).toBe(1);

  // First attempt fails and waits for a retry; the retry fails too and, at maxAttempts 2, dead-letters.
  await runner.receive(event(2));
  expect(await counter('consumer_retries_total', { consumer: CONSUMER })).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await runner.retryDue();
  expect(await counter('consumer_dead_letters_total', { consumer: CONSUMER })).toBe(1);

  // A dry run replays nothing; a replay counts once, and the event is then handled.
  await replayDeadLetters(database.db, 'inventory', { consumer: CONSUMER }, { dryRun: true, actor: 'user:ops' });
  expect(await counter('dead_letter_replays_total', { subgraph: 'inventory' })).toBe(0);
  await replayDeadLetters(database.db, 'inventory', { consumer: CONSUMER }, { dryRun: false, actor: 'user:ops' });
  expect(await counter('dead_letter_replays_total', { subgraph: 'inventory' })).toBe(1);
  failing = false;
  await runner.retryDue();
  expect(await counter('consumer_events_total', { consumer: CONSUMER, outcome: 'handled' })).toBe(2);
});
