import { SpanKind } from '@opentelemetry/api';
import { contextOfTraceparent, CORRELATION_ATTRIBUTE, failSpan, inSpan, SUBGRAPH_ATTRIBUTE, TRACER_NAME } from '../telemetry/spans';
import { trace } from '@opentelemetry/api';
import type { EventEnvelope } from './envelope';

/** Attributes naming an event on its spans. */
function eventAttributes(envelope: EventEnvelope) {
  return { 'event.id': envelope.id, 'event.type': envelope.type, 'event.aggregate_id': envelope.aggregateId };
}

/**
 * Runs the relay's publication of `envelopes` inside one PRODUCER span per traced event
 * (`outbox.publish <type>`), each a child of the request that appended it (the stored trace
 * context), so the trace shows when its event left the outbox. Untraced events get no span. The
 * relay runs outside any request, so the correlation id is set from the event itself.
 */
export async function inPublishSpans<T>(source: string, envelopes: readonly EventEnvelope[], publish: () => Promise<T>): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const spans = envelopes
    .filter((envelope) => envelope.traceparent)
    .map((envelope) =>
      tracer.startSpan(
        `outbox.publish ${envelope.type}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: { ...eventAttributes(envelope), [SUBGRAPH_ATTRIBUTE]: source, [CORRELATION_ATTRIBUTE]: envelope.correlationId },
        },
        contextOfTraceparent(envelope.traceparent),
      ),
    );
  try {
    return await publish();
  } catch (error) {
    for (const span of spans) failSpan(span, error);
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}

/** What a consumer's attempt reports: a failure is recorded on its span without throwing. */
interface AttemptOutcome {
  ok: boolean;
  error?: string;
}

/**
 * Runs one consumer attempt inside a CONSUMER span (`consume <type>`) whose parent is the event's
 * stored trace context: the trace of the request that caused the event continues into the
 * handler's SQL, the events it appends and any call it makes. Call inside the event's scope, so
 * the span carries its correlation id.
 */
export function inConsumeSpan<T extends AttemptOutcome>(
  consumer: { name: string; schema: string },
  envelope: EventEnvelope,
  attempt: () => Promise<T>,
): Promise<T> {
  const attributes = { ...eventAttributes(envelope), consumer: consumer.name, [SUBGRAPH_ATTRIBUTE]: consumer.schema };
  return inSpan(`consume ${envelope.type}`, { kind: SpanKind.CONSUMER, attributes, parent: contextOfTraceparent(envelope.traceparent) }, async (span) => {
    const outcome = await attempt();
    if (!outcome.ok) failSpan(span, new Error(outcome.error ?? 'handling failed'));
    return outcome;
  });
}
