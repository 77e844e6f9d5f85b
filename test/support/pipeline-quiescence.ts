import type { Queryable } from '../../platform/db';

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
/** Poll interval while waiting. */
const POLL_MS = 100;
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

/** One number per moving part of every schema's pipeline, as text to compare between polls. */
async function pipelineState(db: Queryable): Promise<{ unpublished: number; state: string }> {
  const parts = SUBGRAPH_SCHEMAS.map(
    (schema) => `SELECT '${schema}' AS schema,
       (SELECT count(*) FROM ${schema}.outbox WHERE published_at IS NULL)::int8 AS unpublished,
       (SELECT count(*) FROM ${schema}.outbox)::int8 AS appended,
       (SELECT count(*) FROM ${schema}.inbox)::int8 AS handled,
       (SELECT count(*) FROM ${schema}.pending_deliveries)::int8 AS pending,
       (SELECT count(*) FROM ${schema}.dead_letters)::int8 AS dead`,
  );
  const { rows } = await db.query<{ schema: string; unpublished: number; appended: number; handled: number; pending: number; dead: number }>(
    parts.join(' UNION ALL '),
  );
  return {
    unpublished: rows.reduce((sum, row) => sum + Number(row.unpublished), 0),
    state: rows.map((row) => `${row.schema}:${row.unpublished}/${row.appended}/${row.handled}/${row.pending}/${row.dead}`).join(' '),
  };
}

/** Waits until every outbox is published and nothing in any pipeline has changed for `QUIET_MS`. */
export async function settlePipeline(db: Queryable, timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let quietSince = Date.now();
  for (;;) {
    const { unpublished, state } = await pipelineState(db);
    if (state !== last || unpublished > 0) {
      last = state;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= QUIET_MS) {
      return;
    }
    if (Date.now() > deadline) throw new Error(`the event pipeline is still moving after ${timeoutMs} ms: ${state}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
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
