import type { Queryable } from '../../platform/db';
import { settlePipeline as settleSchemas } from '../../platform/events/quiescence';

/**
 * Runs the event pipeline of a test graph to quiescence and reports what got stuck on the way, so
 * a test can say "nothing accepted upstream failed downstream": every outbox published, every
 * consumer done, and no event dead-lettered or waiting for a retry in any subgraph.
 */

/** Every subgraph schema: each has its own outbox, inbox, retries and dead letters. */
export const SUBGRAPH_SCHEMAS = ['orders', 'returns', 'inventory', 'refunds'] as const;

/**
 * How long nothing may move for the pipeline to count as quiet: longer than the relay's idle poll
 * (250 ms) and the simulated payment gateway's settlement (300 ms), which starts the next events.
 */
const QUIET_MS = 1_500;
/** Longest a settle may take; a pipeline still moving after this is itself a finding. */
export const SETTLE_TIMEOUT_MS = 30_000;

/** An event that a consumer could not apply: dead-lettered, or waiting for its next attempt. */
export interface StuckEvent {
  schema: string;
  consumer: string;
  eventType: string;
  state: 'DEAD' | 'RETRYING';
  error: string | null;
}

/** Waits until every outbox is published and nothing in any pipeline has changed for `QUIET_MS`. */
export function settlePipeline(db: Queryable, timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> {
  return settleSchemas(db, SUBGRAPH_SCHEMAS, { quietMs: QUIET_MS, timeoutMs });
}

/** Every dead-lettered or retrying event in every subgraph, with the consumer's error. */
export async function stuckEvents(db: Queryable): Promise<StuckEvent[]> {
  const parts = SUBGRAPH_SCHEMAS.flatMap((schema) => [
    `SELECT '${schema}' AS schema, consumer, event_type AS "eventType", 'DEAD' AS state, error FROM ${schema}.dead_letters WHERE status = 'DEAD'`,
    `SELECT '${schema}' AS schema, consumer, event->'envelope'->>'type' AS "eventType", 'RETRYING' AS state, last_error AS error FROM ${schema}.pending_deliveries`,
  ]);
  const { rows } = await db.query<StuckEvent & Record<string, unknown>>(parts.join(' UNION ALL '));
  return rows;
}
