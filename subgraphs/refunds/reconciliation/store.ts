import type { Db, Queryable } from '../../../platform/db';
import { newId } from '../../../platform/ids';
import type { Cursor } from '../../../platform/graphql/connection';
import { matchKey, type ErpSide, type Finding, type ProviderSide, type SideStatus, type Window } from './types';

/**
 * SQL over `refunds.reconciliation_runs` and `refunds.reconciliation_exceptions`
 * (migrations/021_reconciliation_runs.sql).
 */

/** Serialises claiming a run across every instance of the subgraph (hashtext of a fixed name). */
const RUN_LOCK = `hashtext('refunds.reconciliation')::bigint`;

export type RunStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'PARTIAL' | 'FAILED';

/** How a run read one provider source, as stored in `provider_statuses`. */
export interface ProviderStatusRow {
  provider: string;
  status: SideStatus;
  records: number;
  message: string | null;
}

/** A run as stored. */
export interface RunRow {
  [column: string]: unknown;
  id: string;
  trigger: 'SCHEDULE' | 'ON_DEMAND';
  requested_by: string;
  window_from: Date;
  window_to: Date;
  status: RunStatus;
  erp_status: SideStatus | null;
  provider_statuses: ProviderStatusRow[];
  warnings: string[];
  refunds_checked: number;
  provider_records: number;
  erp_records: number;
  exceptions_found: number;
  exceptions_new: number;
  exceptions_resolved: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  /** The exact sort value (microseconds) for a page cursor; only on listed rows. */
  sort_key?: string;
}

/** An exception as stored. */
export interface ExceptionRow {
  [column: string]: unknown;
  id: string;
  code: string;
  sides: string | null;
  provider: string | null;
  refund_id: string | null;
  tender_id: string | null;
  provider_refund_id: string | null;
  erp_reference: string | null;
  anchor_at: Date;
  message: string;
  evidence: { graph: unknown; provider: unknown; erp: unknown };
  status: 'OPEN' | 'RESOLVED';
  first_seen_run: string;
  last_seen_run: string;
  first_seen_at: Date;
  last_seen_at: Date;
  resolved_run: string | null;
  resolved_at: Date | null;
  /** The exact sort value (microseconds) for a page cursor; only on listed rows. */
  sort_key?: string;
}

const RUN_COLUMNS = `id, trigger, requested_by, window_from, window_to, status, erp_status, provider_statuses, warnings, refunds_checked,
  provider_records, erp_records, exceptions_found, exceptions_new, exceptions_resolved, created_at, started_at, finished_at`;
const EXCEPTION_COLUMNS = `id::text AS id, code, sides, provider, refund_id, tender_id, provider_refund_id, erp_reference, anchor_at, message, evidence,
  status, first_seen_run, last_seen_run, first_seen_at, last_seen_at, resolved_run, resolved_at`;

/** Records a QUEUED run; returns its id. */
export async function createRun(q: Queryable, run: { trigger: RunRow['trigger']; requestedBy: string; window: Window }): Promise<string> {
  const id = newId('rcn');
  await q.query(`INSERT INTO refunds.reconciliation_runs (id, trigger, requested_by, window_from, window_to, status) VALUES ($1, $2, $3, $4, $5, 'QUEUED')`, [
    id,
    run.trigger,
    run.requestedBy,
    run.window.from,
    run.window.to,
  ]);
  return id;
}

/**
 * Takes a QUEUED run to RUNNING unless another run is RUNNING (any instance): under a PostgreSQL
 * advisory lock, held only for this short transaction. The run itself happens outside any
 * transaction (providers are other systems, and the embedded PGlite has one session), guarded by
 * the RUNNING row and its lease; a run whose instance died is given up once its lease passed.
 */
export async function claimRun(db: Db, runId: string, leaseMs: number): Promise<'claimed' | 'busy' | 'not_queued'> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${RUN_LOCK})`);
    await tx.query(
      `UPDATE refunds.reconciliation_runs SET status = 'FAILED', finished_at = now(), lease_until = NULL,
              warnings = warnings || '["Given up: the instance running it stopped before it finished (its lease passed)."]'::jsonb
        WHERE status = 'RUNNING' AND lease_until < now()`,
    );
    const { rowCount: busy } = await tx.query(`SELECT 1 FROM refunds.reconciliation_runs WHERE status = 'RUNNING' AND id <> $1 LIMIT 1`, [runId]);
    if (busy > 0) return 'busy';
    const { rowCount } = await tx.query(
      `UPDATE refunds.reconciliation_runs SET status = 'RUNNING', started_at = now(), lease_until = now() + make_interval(secs => $2)
        WHERE id = $1 AND status = 'QUEUED'`,
      [runId, leaseMs / 1000],
    );
    return rowCount > 0 ? 'claimed' : 'not_queued';
  });
}

/** What a run read and found. */
export interface RunOutcome {
  refundsChecked: number;
  providers: readonly ProviderSide[];
  erp: ErpSide;
  findings: readonly Finding[];
}

/**
 * In one transaction: upserts every finding (one row per match key, however many runs see it;
 * reopened if it had been resolved), resolves the OPEN exceptions anchored in the window that this
 * run did not find — only those whose sides it could read — and finishes the run with its counts.
 */
export async function finishRun(db: Db, runId: string, window: Window, outcome: RunOutcome): Promise<void> {
  const readable = outcome.providers.filter((side) => side.status === 'OK').map((side) => side.provider);
  const erpReadable = outcome.erp.status === 'OK';
  await db.transaction(async (tx) => {
    let created = 0;
    const keys: string[] = [];
    for (const finding of outcome.findings) {
      const key = matchKey(finding);
      keys.push(key);
      const { rows } = await tx.query<{ inserted: boolean }>(
        `INSERT INTO refunds.reconciliation_exceptions (match_key, code, sides, provider, needs_erp, refund_id, tender_id, provider_refund_id,
           erp_reference, anchor_at, message, evidence, status, first_seen_run, last_seen_run, first_seen_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'OPEN', $13, $13, now(), now())
         ON CONFLICT (match_key) DO UPDATE SET message = excluded.message, evidence = excluded.evidence, anchor_at = excluded.anchor_at,
           last_seen_run = excluded.last_seen_run, last_seen_at = excluded.last_seen_at, status = 'OPEN', resolved_run = NULL, resolved_at = NULL,
           resolved_by = NULL, resolution_note = NULL
         RETURNING (xmax = 0) AS inserted`,
        [
          key,
          finding.code,
          finding.sides,
          finding.provider,
          finding.needsErp,
          finding.refundId,
          finding.tenderId,
          finding.providerRefundId,
          finding.erpReference,
          finding.anchorAt,
          finding.message,
          JSON.stringify(finding.evidence),
          runId,
        ],
      );
      if (rows[0]?.inserted) created += 1;
    }
    const { rowCount: resolved } = await tx.query(
      `UPDATE refunds.reconciliation_exceptions SET status = 'RESOLVED', resolved_run = $1, resolved_at = now()
        WHERE status = 'OPEN' AND anchor_at >= $2 AND anchor_at < $3 AND NOT (match_key = ANY($4::text[]))
          AND (NOT needs_erp OR $5::boolean) AND (provider IS NULL OR provider = ANY($6::text[]))`,
      [runId, window.from, window.to, keys, erpReadable, readable],
    );
    const unread = [...outcome.providers.filter((side) => side.status !== 'OK'), ...(erpReadable ? [] : [outcome.erp])];
    await tx.query(
      `UPDATE refunds.reconciliation_runs SET status = $2, erp_status = $3, provider_statuses = $4, warnings = warnings || $5::jsonb,
              refunds_checked = $6, provider_records = $7, erp_records = $8, exceptions_found = $9, exceptions_new = $10,
              exceptions_resolved = $11, finished_at = now(), lease_until = NULL
        WHERE id = $1`,
      [
        runId,
        unread.length === 0 ? 'COMPLETED' : 'PARTIAL',
        outcome.erp.status,
        JSON.stringify(
          outcome.providers.map((side) => ({ provider: side.provider, status: side.status, records: side.records.length, message: side.message })),
        ),
        JSON.stringify(unread.map((side) => side.message)),
        outcome.refundsChecked,
        outcome.providers.reduce((sum, side) => sum + side.records.length, 0),
        outcome.erp.records.length,
        new Set(keys).size,
        created,
        resolved,
      ],
    );
  });
}

/** Marks a run FAILED with why; nothing it found is kept. */
export async function failRun(q: Queryable, runId: string, why: string): Promise<void> {
  await q.query(
    `UPDATE refunds.reconciliation_runs SET status = 'FAILED', finished_at = now(), lease_until = NULL, warnings = warnings || $2::jsonb
      WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')`,
    [runId, JSON.stringify([why])],
  );
}

export async function findRun(q: Queryable, runId: string): Promise<RunRow | null> {
  const { rows } = await q.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM refunds.reconciliation_runs WHERE id = $1`, [runId]);
  return rows[0] ?? null;
}

/**
 * Queues a scheduled run over the `lookbackMs` before now when the last scheduled run (of any
 * instance) was created `intervalMs` ago or more; under the run lock, so instances that wake
 * together queue one run. Returns its id, or null when none was due.
 */
export async function queueScheduledRunIfDue(db: Db, intervalMs: number, lookbackMs: number): Promise<string | null> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${RUN_LOCK})`);
    const { rows } = await tx.query<{ due: boolean; now: Date }>(
      `SELECT coalesce(max(created_at) <= now() - make_interval(secs => $1), true) AS due, now() AS now
         FROM refunds.reconciliation_runs WHERE trigger = 'SCHEDULE'`,
      [intervalMs / 1000],
    );
    const row = rows[0];
    if (!row?.due) return null;
    return createRun(tx, { trigger: 'SCHEDULE', requestedBy: 'system', window: { from: new Date(row.now.getTime() - lookbackMs), to: row.now } });
  });
}

/** Runs, newest first, after a keyset position; `limit + 1` rows tell whether a next page exists. */
export async function listRuns(q: Queryable, page: { limit: number; after?: Cursor }): Promise<RunRow[]> {
  const { rows } = await q.query<RunRow>(
    `SELECT ${RUN_COLUMNS}, created_at::text AS sort_key FROM refunds.reconciliation_runs
      WHERE $1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::text)
      ORDER BY created_at DESC, id DESC LIMIT $3`,
    [page.after?.sort ?? null, page.after?.id ?? '', page.limit + 1],
  );
  return rows;
}

/** Exceptions, most recently seen first, optionally of one status and code. */
export async function listExceptions(
  q: Queryable,
  filter: { status?: string | null; code?: string | null; limit: number; after?: Cursor },
): Promise<ExceptionRow[]> {
  const { rows } = await q.query<ExceptionRow>(
    `SELECT ${EXCEPTION_COLUMNS}, last_seen_at::text AS sort_key FROM refunds.reconciliation_exceptions
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR code = $2)
        AND ($3::timestamptz IS NULL OR (last_seen_at, id) < ($3::timestamptz, $4::bigint))
      ORDER BY last_seen_at DESC, id DESC LIMIT $5`,
    [filter.status ?? null, filter.code ?? null, filter.after?.sort ?? null, filter.after?.id ?? '0', filter.limit + 1],
  );
  return rows;
}
