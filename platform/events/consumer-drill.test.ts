import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { newId } from '../ids';
import { defineEvent } from './catalog';
import type { ConsumerDefinition } from './consumer';
import { on } from './handlers';
import type { DeliveredEvent } from './envelope';
import { InProcessBus } from './in-process-bus';
import { replayDeadLetters } from './dead-letters';
import { EventPipeline } from './pipeline';

/** The consumer failure drill (DRILL_CONSUMER_DOWN, DRILL_CONSUMER_DOWN_FOR_S) through the pipeline that wires it. */
const DrillCounted = defineEvent('DrillCounted', 1, z.object({ n: z.number().int() }));
/** Long enough for six deliveries, a replay and a retry on a loaded machine; the test waits out only what is left of it. */
const WINDOW_MS = 5_000;

let database: TestDatabase;
let seq = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.query(`CREATE TABLE public.drill_effects (consumer text, n int)`);
});
afterAll(async () => {
  await database.drop();
});

function event(n: number): DeliveredEvent {
  const envelope = {
    id: newId('evt'),
    type: DrillCounted.type,
    version: 1,
    occurredAt: new Date().toISOString(),
    source: 'test',
    correlationId: 'drill-correlation',
    causationId: null,
    aggregateId: `agg-${n}`,
    data: { n },
  };
  return { envelope, sourceSeq: ++seq };
}

function definition(name: string): ConsumerDefinition {
  return {
    name,
    schema: 'inventory',
    handlers: [on(DrillCounted, async (tx, { n }) => void (await tx.query(`INSERT INTO public.drill_effects (consumer, n) VALUES ($1, $2)`, [name, n])))],
  };
}

async function effects(name: string): Promise<number[]> {
  const { rows } = await database.db.query<{ n: number }>(`SELECT n FROM public.drill_effects WHERE consumer = $1 ORDER BY n`, [name]);
  return rows.map((row) => row.n);
}

async function dead(name: string): Promise<number> {
  const { rows } = await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inventory.dead_letters WHERE consumer = $1 AND status = 'DEAD'`, [
    name,
  ]);
  return rows[0]!.n;
}

describe('the consumer failure drill', () => {
  it('dead-letters every delivery of the named consumer during its window, leaves others alone, and the replay after the window applies once', async () => {
    const windowEnds = Date.now() + WINDOW_MS;
    const pipeline = new EventPipeline(database.db, new InProcessBus(), undefined, { consumer: 'test.drilled', until: windowEnds });
    const drilled = await pipeline.addConsumer(definition('test.drilled'));
    const healthy = await pipeline.addConsumer(definition('test.healthy'));
    for (const n of [1, 2, 3]) {
      const delivered = event(n);
      await drilled.receive(delivered);
      await healthy.receive(delivered);
    }
    expect(await dead('test.drilled')).toBe(3);
    expect(await effects('test.drilled')).toEqual([]);
    expect(await effects('test.healthy')).toEqual([1, 2, 3]);
    const { rows } = await database.db.query<{ error: string }>(`SELECT error FROM inventory.dead_letters WHERE consumer = 'test.drilled' LIMIT 1`);
    expect(rows[0]!.error).toMatch(/DrillConsumerDown/);

    // A replay inside the window dead-letters again: the consumer is still "down".
    await database.db.transaction((tx) => replayDeadLetters(tx, 'inventory', { consumer: 'test.drilled' }, { dryRun: false, actor: 'ops' }));
    await drilled.retryDue();
    expect(await dead('test.drilled')).toBe(3);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, windowEnds - Date.now()) + 50));
    const replayed = await database.db.transaction((tx) => replayDeadLetters(tx, 'inventory', { consumer: 'test.drilled' }, { dryRun: false, actor: 'ops' }));
    expect(replayed.map((r) => r.outcome)).toEqual(['REPLAYED', 'REPLAYED', 'REPLAYED']);
    await drilled.retryDue();
    expect(await effects('test.drilled')).toEqual([1, 2, 3]);
    expect(await dead('test.drilled')).toBe(0);
  });
});
