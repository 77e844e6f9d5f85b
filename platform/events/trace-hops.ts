import type { Queryable } from '../db';
import { qualified } from './outbox';

/**
 * The hops of business flows that every subgraph's write path records (issue 14: `trace` and
 * `returnTimeline`, docs/design/011-operations-read-models.md): requests (idempotency keys and
 * replays), events published (outbox), events handled (inbox), retries waiting, dead letters and
 * audit rows, all in the subgraph's own schema. Each subgraph adds hops of its own tables (state
 * changes, provider calls, ERP postings) beside these.
 */

/** At most this many hops per subgraph and per merged trace: a flow is tens of hops; the cap bounds a runaway one. */
export const MAX_TRACE_HOPS = 2000;

/** At most this many flows make up one aggregate's timeline (each subgraph's share). */
export const MAX_RELATED_FLOWS = 200;

/** The kinds of hop (the `TraceHopKind` enum). */
export type TraceHopKind =
  'REQUEST' | 'STATE_CHANGE' | 'EVENT_PUBLISHED' | 'EVENT_HANDLED' | 'EVENT_RETRIED' | 'EVENT_DEAD_LETTERED' | 'PROVIDER_CALL' | 'ERP_POSTING' | 'AUDIT';

/** One hop of a business flow. */
export interface TraceHop {
  at: Date;
  subgraph: string;
  kind: TraceHopKind;
  name: string;
  detail: string | null;
  aggregateId: string | null;
  eventId: string | null;
  correlationId: string;
}

/** Ties in time keep a flow's causal order: a request, its state change, its event, its handling, its calls out. */
const KIND_RANK: Record<TraceHopKind, number> = {
  REQUEST: 0,
  AUDIT: 1,
  STATE_CHANGE: 2,
  EVENT_PUBLISHED: 3,
  EVENT_HANDLED: 4,
  EVENT_RETRIED: 5,
  EVENT_DEAD_LETTERED: 6,
  PROVIDER_CALL: 7,
  ERP_POSTING: 8,
};

/** Hops in time order (stable), at most `MAX_TRACE_HOPS`. */
export function inTimeOrder(hops: readonly TraceHop[]): TraceHop[] {
  const at = (hop: TraceHop) => new Date(hop.at).getTime();
  return [...hops].sort((a, b) => at(a) - at(b) || KIND_RANK[a.kind] - KIND_RANK[b.kind]).slice(0, MAX_TRACE_HOPS);
}

/** A hop row as the queries below select it. */
export type HopRow = {
  at: Date;
  kind: TraceHopKind;
  name: string;
  detail: string | null;
  aggregate_id: string | null;
  event_id: string | null;
  correlation_id: string;
};

/** Rows to hops of `subgraph`. */
export function toHops(subgraph: string, rows: readonly HopRow[]): TraceHop[] {
  return rows.map((row) => ({
    at: row.at,
    subgraph,
    kind: row.kind,
    name: row.name,
    detail: row.detail,
    aggregateId: row.aggregate_id,
    eventId: row.event_id,
    correlationId: row.correlation_id,
  }));
}

/** The write path's hops of the flows `correlationIds` in `schema`, oldest first, at most `MAX_TRACE_HOPS`. */
export async function writePathHops(db: Queryable, schema: string, subgraph: string, correlationIds: readonly string[]): Promise<TraceHop[]> {
  if (correlationIds.length === 0) return [];
  const t = (table: string) => qualified(schema, table);
  const { rows } = await db.query<HopRow>(
    `SELECT * FROM (
       SELECT created_at AS at, 'REQUEST' AS kind, operation AS name, 'applied' AS detail, NULL::text AS aggregate_id, NULL::text AS event_id, correlation_id
         FROM ${t('idempotency_keys')} WHERE correlation_id = ANY($1)
       UNION ALL
       SELECT replayed_at, 'REQUEST', operation, 'replayed from the stored result (duplicate absorbed)', NULL, NULL, correlation_id
         FROM ${t('idempotency_replays')} WHERE correlation_id = ANY($1)
       UNION ALL
       SELECT occurred_at, 'EVENT_PUBLISHED', type, CASE WHEN published_at IS NULL THEN 'in the outbox, not yet published' ELSE 'published' END,
              aggregate_id, id, correlation_id
         FROM ${t('outbox')} WHERE correlation_id = ANY($1)
       UNION ALL
       SELECT handled_at, 'EVENT_HANDLED', consumer, NULL, aggregate_id, event_id, correlation_id
         FROM ${t('inbox')} WHERE correlation_id = ANY($1)
       UNION ALL
       SELECT created_at, 'EVENT_RETRIED', consumer, 'attempt ' || attempts || coalesce(': ' || left(last_error, 300), ''), aggregate_id, event_id,
              event -> 'envelope' ->> 'correlationId'
         FROM ${t('pending_deliveries')} WHERE event -> 'envelope' ->> 'correlationId' = ANY($1) AND attempts > 0
       UNION ALL
       SELECT dead_at, 'EVENT_DEAD_LETTERED', consumer, status || ' after ' || attempts || ' attempts: ' || left(error, 300), aggregate_id, event_id,
              event -> 'envelope' ->> 'correlationId'
         FROM ${t('dead_letters')} WHERE event -> 'envelope' ->> 'correlationId' = ANY($1)
       UNION ALL
       SELECT occurred_at, 'AUDIT', action, 'by ' || actor || ' on ' || target, target, NULL, correlation_id
         FROM ${t('audit_log')} WHERE correlation_id = ANY($1)
     ) hops ORDER BY at LIMIT ${MAX_TRACE_HOPS}`,
    [correlationIds],
  );
  return toHops(subgraph, rows);
}

/**
 * The flows (correlation ids) in which `schema` published an event about, or handled an event
 * about, one of `aggregateIds`: what a subgraph knows of an aggregate's timeline from its write path.
 */
export async function flowsOfAggregates(db: Queryable, schema: string, aggregateIds: readonly string[]): Promise<string[]> {
  if (aggregateIds.length === 0) return [];
  const { rows } = await db.query<{ correlation_id: string }>(
    `SELECT correlation_id FROM (
       SELECT correlation_id, occurred_at AS at FROM ${qualified(schema, 'outbox')} WHERE aggregate_id = ANY($1)
       UNION ALL
       SELECT correlation_id, handled_at FROM ${qualified(schema, 'inbox')} WHERE aggregate_id = ANY($1) AND correlation_id IS NOT NULL
     ) f GROUP BY correlation_id ORDER BY min(at) LIMIT ${MAX_RELATED_FLOWS}`,
    [aggregateIds],
  );
  return rows.map((row) => row.correlation_id);
}
