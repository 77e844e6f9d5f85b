import { z } from 'zod';
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { runInScope } from '../context';
import { CORRELATION_ATTRIBUTE, CorrelationSpanProcessor, inSpan } from '../telemetry';
import { defineEvent } from './catalog';
import { ConsumerRunner } from './consumer';
import type { DeliveredEvent } from './envelope';
import { on } from './handlers';
import { InProcessBus } from './in-process-bus';
import { appendEvents, ENVELOPE_COLUMNS, envelopeOf, type OutboxEventRow } from './outbox';
import { inPublishSpans } from './event-spans';

/**
 * The trace crosses the outbox: an event appended inside a traced request stores that request's
 * context (outbox.traceparent, migration 028), travels with the envelope through any bus (Redis
 * carries it as JSON: simulated here by a JSON round trip), and the relay's publish span and the
 * consumer's span are children of it, with the event's correlation id. Untraced events store none.
 */
const PingCounted = defineEvent('PingCounted', 1, z.object({ n: z.number().int() }));
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new CorrelationSpanProcessor(), new SimpleSpanProcessor(exporter)] });
let database: TestDatabase;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
  await provider.shutdown();
  trace.disable();
  context.disable();
});

async function stored(id: string | undefined): Promise<DeliveredEvent> {
  const { rows } = await database.db.query<OutboxEventRow & Record<string, unknown>>(`SELECT ${ENVELOPE_COLUMNS} FROM inventory.outbox WHERE id = $1`, [id]);
  if (!rows[0]) throw new Error(`no outbox row ${String(id)}`);
  // What a Redis stream delivers: the event as JSON.
  return JSON.parse(JSON.stringify({ envelope: envelopeOf(rows[0]), sourceSeq: 1 })) as DeliveredEvent;
}

describe('trace context through the outbox', () => {
  it('continues the appending request in the relay and the consumer, under its correlation id', async () => {
    const { envelope, ids } = await runInScope({ correlationId: 'corr-span-1' }, () =>
      inSpan('request', {}, async (span) => {
        const [appended] = await database.db.transaction((tx) =>
          appendEvents(tx, 'inventory', 'inventory', [{ definition: PingCounted, aggregateId: 'agg-s1', data: { n: 1 } }]),
        );
        return { envelope: appended, ids: span.spanContext() };
      }),
    );
    expect(envelope?.traceparent).toBe(`00-${ids.traceId}-${ids.spanId}-01`);
    const delivered = await stored(envelope?.id);
    expect(delivered.envelope.traceparent).toBe(envelope?.traceparent);

    await inPublishSpans('inventory', [delivered.envelope], async () => undefined);
    const handled: string[] = [];
    const runner = new ConsumerRunner(database.db, new InProcessBus(), {
      name: 'test.trace-consumer',
      schema: 'inventory',
      handlers: [on(PingCounted, async () => void handled.push(trace.getActiveSpan()?.spanContext().traceId ?? 'none'))],
    });
    await runner.receive(delivered);
    expect(handled).toEqual([ids.traceId]);

    const spans = exporter.getFinishedSpans();
    const publish = spans.find((span) => span.name === 'outbox.publish PingCounted');
    const consume = spans.find((span) => span.name === 'consume PingCounted');
    for (const span of [publish, consume]) {
      expect(span?.spanContext().traceId).toBe(ids.traceId);
      expect(span?.parentSpanContext?.spanId).toBe(ids.spanId);
      expect(span?.attributes[CORRELATION_ATTRIBUTE]).toBe('corr-span-1');
    }
    expect(consume?.attributes.consumer).toBe('test.trace-consumer');
  });

  it('stores no trace context for an event appended outside any span', async () => {
    const [envelope] = await database.db.transaction((tx) =>
      appendEvents(tx, 'inventory', 'inventory', [{ definition: PingCounted, aggregateId: 'agg-s2', data: { n: 2 } }]),
    );
    expect(envelope).not.toHaveProperty('traceparent');
    expect((await stored(envelope?.id)).envelope).not.toHaveProperty('traceparent');
  });
});
