import type { Queryable } from '../db';

/**
 * When is an event pipeline done? Every outbox published, and nothing in any schema's pipeline
 * (appended, handled, waiting for a retry, dead-lettered) changed for a quiet window. Used to take
 * the embedded default's snapshot once the demo seed's events have been carried everywhere, and by
 * the tests to say "nothing accepted upstream failed downstream".
 */

/** Poll interval while waiting. */
const POLL_MS = 100;

/** How long to wait and how long nothing may move for the pipeline to count as quiet. */
export interface SettleOptions {
  /** Longer than anything that starts the next events on its own (a relay's idle poll, a timer). */
  quietMs: number;
  /** Longest a settle may take; a pipeline still moving after this is itself a finding. */
  timeoutMs: number;
}

/** One number per moving part of every schema's pipeline, as text to compare between polls. */
export async function pipelineState(db: Queryable, schemas: readonly string[]): Promise<{ unpublished: number; state: string }> {
  const parts = schemas.map(
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

/** Waits until every outbox of `schemas` is published and nothing in their pipelines has changed for `quietMs`. */
export async function settlePipeline(db: Queryable, schemas: readonly string[], options: SettleOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  let quietSince = Date.now();
  for (;;) {
    const { unpublished, state } = await pipelineState(db, schemas);
    if (state !== last || unpublished > 0) {
      last = state;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= options.quietMs) {
      return;
    }
    if (Date.now() > deadline) throw new Error(`the event pipeline is still moving after ${options.timeoutMs} ms: ${state}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
