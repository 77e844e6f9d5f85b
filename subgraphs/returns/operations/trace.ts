import type { Queryable } from '../../../platform/db';
import { flowsOfAggregates, MAX_RELATED_FLOWS, MAX_TRACE_HOPS, toHops, writePathHops, type HopRow, type TraceHop } from '../../../platform/events/trace-hops';
import type { TraceSubject } from '../../../contracts/operations';

/**
 * The returns subgraph's hops of a flow (docs/design/011): its write path's (requests, events,
 * consumers, dead letters, audit) and every transition on a return's timeline.
 */
export async function returnsHops(db: Queryable, subject: TraceSubject): Promise<TraceHop[]> {
  const flows = subject.correlationId !== undefined ? [subject.correlationId] : await flowsOfReturn(db, subject.returnId);
  if (flows.length === 0) return [];
  const { rows } = await db.query<HopRow>(
    `SELECT occurred_at AS at, 'STATE_CHANGE' AS kind, action AS name,
            coalesce(from_status, '∅') || ' → ' || to_status || ' by ' || actor AS detail, return_id AS aggregate_id, NULL AS event_id, correlation_id
       FROM returns.return_timeline WHERE correlation_id = ANY($1) ORDER BY occurred_at, id LIMIT ${MAX_TRACE_HOPS}`,
    [flows],
  );
  return [...toHops('returns', rows), ...(await writePathHops(db, 'returns', 'returns', flows))];
}

/** Every flow that touched the return here: its transitions, and events about it published or handled. */
async function flowsOfReturn(db: Queryable, returnId: string): Promise<string[]> {
  const { rows } = await db.query<{ correlation_id: string }>(
    `SELECT correlation_id FROM returns.return_timeline WHERE return_id = $1 AND correlation_id IS NOT NULL
      GROUP BY correlation_id ORDER BY min(occurred_at) LIMIT ${MAX_RELATED_FLOWS}`,
    [returnId],
  );
  const flows = new Set(rows.map((row) => row.correlation_id));
  for (const flow of await flowsOfAggregates(db, 'returns', [returnId])) flows.add(flow);
  return [...flows].slice(0, MAX_RELATED_FLOWS);
}
