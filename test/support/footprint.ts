import type { Queryable } from '../../platform/db';

/** Schemas PostgreSQL itself owns; everything else is ours. */
const SYSTEM_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_toast'];
/** How long the pipeline may take to go quiet (relays drained, no retry pending) before a footprint. */
export const IDLE_WAIT_MS = 15_000;
/** Poll interval while waiting for the pipeline to go quiet. */
const IDLE_POLL_MS = 50;

/** Row count of every table of every schema, keyed `schema.table`: what a refused request must leave untouched. */
export type DatabaseFootprint = Record<string, number>;

/** Counts the rows of every table of every schema of the database (one statement, one snapshot). */
export async function databaseFootprint(db: Queryable): Promise<DatabaseFootprint> {
  const { rows: tables } = await db.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema <> ALL($1) ORDER BY 1, 2`,
    [SYSTEM_SCHEMAS],
  );
  const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
  const counts = tables.map((t) => `SELECT '${t.schema}.${t.name}' AS tab, count(*)::int8 AS n FROM ${quote(t.schema)}.${quote(t.name)}`);
  const { rows } = await db.query<{ tab: string; n: string | number }>(counts.join(' UNION ALL '));
  return Object.fromEntries(rows.map((row) => [row.tab, Number(row.n)]));
}

/** Subgraph schemas whose event pipeline must be quiet before a footprint means anything. */
const PIPELINE_SCHEMAS = ['orders', 'returns', 'inventory', 'refunds'];
/** ERP postings queued and due (not waiting out a retry or a paused queue): work the pipeline still owes. */
const DUE_POSTINGS = [
  `(SELECT count(*) FROM inventory.erp_postings p WHERE p.status = 'QUEUED' AND p.next_attempt_at <= now()
     AND (SELECT q.paused_until FROM inventory.erp_posting_queue q) <= now())`,
  `(SELECT count(*) FROM refunds.credit_memos m WHERE m.status = 'QUEUED' AND m.memo IS NOT NULL AND m.next_attempt_at <= now())`,
];
/** Two readings this far apart must agree before the footprint counts as settled; longer than the simulated payment settlement (300 ms). */
const SETTLE_MS = 500;

/**
 * The footprint once the event pipeline is idle: every outbox row published, no delivery waiting
 * for a retry, and two readings `SETTLE_MS` apart equal (a consumer finishing earlier work would
 * otherwise move the counts under the test).
 */
export async function settledFootprint(db: Queryable, timeoutMs = IDLE_WAIT_MS): Promise<DatabaseFootprint> {
  const deadline = Date.now() + timeoutMs;
  const busy = [
    ...PIPELINE_SCHEMAS.map((s) => `(SELECT count(*) FROM ${s}.outbox WHERE published_at IS NULL) + (SELECT count(*) FROM ${s}.pending_deliveries)`),
    // ERP postings due now: an idle posting queue looks only every 2 s (DRAIN_IDLE_POLL_MAX_MS), longer than SETTLE_MS.
    ...DUE_POSTINGS,
  ].join(' + ');
  let previous: DatabaseFootprint | undefined;
  for (;;) {
    const { rows } = await db.query<{ busy: string | number }>(`SELECT ${busy} AS busy`);
    const current = Number(rows[0]?.busy ?? 0) === 0 ? await databaseFootprint(db) : undefined;
    if (current && previous && JSON.stringify(current) === JSON.stringify(previous)) return current;
    previous = current;
    if (Date.now() > deadline) throw new Error(`event pipeline still busy after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, current ? SETTLE_MS : IDLE_POLL_MS));
  }
}
