import type { Queryable } from '../db';
import { currentScope } from '../context';
import { newId } from '../ids';
import { activeTraceparent } from '../telemetry/spans';
import { validateEventData, type EventDefinition } from './catalog';
import type { EventEnvelope } from './envelope';

/** Schema names are interpolated into SQL, so only plain identifiers are accepted. */
const SCHEMA_NAME = /^[a-z][a-z_]{0,40}$/;

/** `schema.table`, refusing anything that is not a plain schema name. */
export function qualified(schema: string, table: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new TypeError(`A schema name must match ${SCHEMA_NAME}, but got: ${JSON.stringify(schema)}`);
  return `${schema}.${table}`;
}

/** The columns of an outbox row that make its envelope (`envelopeOf`). */
export const ENVELOPE_COLUMNS = 'id, type, version, source, aggregate_id, correlation_id, causation_id, occurred_at, data, traceparent';

/** An outbox row as `ENVELOPE_COLUMNS` selects it. */
export interface OutboxEventRow {
  id: string;
  type: string;
  version: number;
  source: string;
  aggregate_id: string;
  correlation_id: string;
  causation_id: string | null;
  occurred_at: Date;
  data: unknown;
  /** The appending request's trace context (migration 028); null when it was not traced. */
  traceparent?: string | null;
}

/** The envelope of a stored event, as the relay publishes it and a consumer takes it. */
export function envelopeOf(row: OutboxEventRow): EventEnvelope {
  return {
    id: row.id,
    type: row.type,
    version: row.version,
    occurredAt: new Date(row.occurred_at).toISOString(),
    source: row.source,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    aggregateId: row.aggregate_id,
    data: row.data,
    ...(row.traceparent ? { traceparent: row.traceparent } : {}),
  };
}

/** An event to append: its declaration, the aggregate it is about and its data. */
export interface NewEvent<TData> {
  definition: EventDefinition<TData>;
  aggregateId: string;
  data: TData;
  /** The event or command that caused this one; default none. */
  causationId?: string;
}

/**
 * Appends events to `schema`'s outbox inside the caller's transaction, so they commit or vanish
 * together with the state change. Data that does not match its declared schema throws: that is a
 * programming error, caught in tests, never a runtime surprise for consumers.
 */
export async function appendEvents(tx: Queryable, schema: string, source: string, events: readonly NewEvent<unknown>[]): Promise<EventEnvelope[]> {
  const correlationId = currentScope()?.correlationId ?? 'none';
  const traceparent = activeTraceparent();
  const appended: EventEnvelope[] = [];
  for (const event of events) {
    const { type, version } = event.definition;
    const data = validateEventData(type, version, event.data);
    const envelope: EventEnvelope = {
      id: newId('evt'),
      type,
      version,
      occurredAt: new Date().toISOString(),
      source,
      correlationId,
      causationId: event.causationId ?? null,
      aggregateId: event.aggregateId,
      data,
      ...(traceparent ? { traceparent } : {}),
    };
    await tx.query(
      `INSERT INTO ${qualified(schema, 'outbox')} (id, type, version, source, aggregate_id, correlation_id, causation_id, occurred_at, data, traceparent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [envelope.id, type, version, source, envelope.aggregateId, correlationId, envelope.causationId, envelope.occurredAt, data, traceparent],
    );
    appended.push(envelope);
  }
  return appended;
}
