import type { Queryable } from '../db';
import type { Cursor } from '../graphql/connection';
import { badUserInput, Messages } from '../graphql/errors';
import { qualified } from './outbox';
import { outboxLag } from './relay';
import { recordDeadLetterReplays } from '../metrics';

/** Most dead letters one replay call may touch; bigger replays are paged by the CLI. */
export const MAX_REPLAY_BATCH = 500;

/** A dead letter row as stored. */
export interface DeadLetterRow {
  id: number;
  consumer: string;
  event_id: string;
  event_type: string;
  aggregate_id: string;
  event: unknown;
  error: string;
  attempts: number;
  status: 'DEAD' | 'REPLAYED' | 'DISCARDED';
  dead_at: Date;
  replayed_at: Date | null;
  replayed_by: string | null;
}

/** Which dead letters an operation means. */
export interface DeadLetterFilter {
  ids?: readonly string[] | null;
  consumer?: string | null;
  eventType?: string | null;
  status?: DeadLetterRow['status'] | null;
}

/** What a replay did (or, in a dry run, would do) with one dead letter. */
export type ReplayOutcome = 'WOULD_REPLAY' | 'REPLAYED' | 'ALREADY_HANDLED' | 'NOT_DEAD';

/** A dead letter's id: its bigserial, as decimal digits (`Number('')` is 0 and `Number('x')` NaN, so check first). */
const DEAD_LETTER_ID = /^[1-9][0-9]{0,17}$/;

/** The ids of a filter as numbers; a malformed one is BAD_USER_INPUT, never a silent 0 or an SQL error. */
function deadLetterIds(ids: readonly string[]): number[] {
  const malformed = ids.find((id) => !DEAD_LETTER_ID.test(id));
  if (malformed !== undefined) throw badUserInput(Messages.malformedId('dead letter', malformed), 'ids');
  return ids.map(Number);
}

function where(filter: DeadLetterFilter, params: unknown[]): string {
  const conditions: string[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(params.length));
  };
  if (filter.ids && filter.ids.length > 0) add((n) => `id = ANY($${n}::int8[])`, deadLetterIds(filter.ids));
  if (filter.consumer) add((n) => `consumer = $${n}`, filter.consumer);
  if (filter.eventType) add((n) => `event_type = $${n}`, filter.eventType);
  if (filter.status) add((n) => `status = $${n}`, filter.status);
  return conditions.length > 0 ? conditions.join(' AND ') : 'TRUE';
}

/** One page of dead letters, newest first, `limit + 1` rows to detect a next page. */
export async function listDeadLetters(db: Queryable, schema: string, filter: DeadLetterFilter, limit: number, after?: Cursor): Promise<DeadLetterRow[]> {
  const params: unknown[] = [];
  let condition = where(filter, params);
  if (after) {
    params.push(new Date(after.sort), Number(after.id));
    condition += ` AND (dead_at, id) < ($${params.length - 1}, $${params.length})`;
  }
  params.push(limit + 1);
  const { rows } = await db.query<DeadLetterRow & Record<string, unknown>>(
    `SELECT * FROM ${qualified(schema, 'dead_letters')} WHERE ${condition} ORDER BY dead_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows;
}

/**
 * Replays dead letters matching `filter` (status DEAD only): each goes back to its consumer's
 * retry queue with a fresh attempt count, unless its inbox shows it was handled meanwhile. The
 * consumer's inbox makes the replay apply at most once. In a dry run nothing is written.
 * Runs in the caller's transaction, which also writes the audit row.
 */
export async function replayDeadLetters(
  tx: Queryable,
  schema: string,
  filter: DeadLetterFilter,
  options: { dryRun: boolean; actor: string },
): Promise<{ row: DeadLetterRow; outcome: ReplayOutcome }[]> {
  const params: unknown[] = [];
  // Named ids are all reported (NOT_DEAD included); a filter takes DEAD ones only, so a bulk replay
  // that pages through more than one batch never sees the same letters again.
  const named = Boolean(filter.ids && filter.ids.length > 0);
  const condition = where({ ...filter, status: named ? null : 'DEAD' }, params);
  params.push(MAX_REPLAY_BATCH);
  const { rows } = await tx.query<DeadLetterRow & Record<string, unknown>>(
    `SELECT * FROM ${qualified(schema, 'dead_letters')} WHERE ${condition} ORDER BY id LIMIT $${params.length} ${options.dryRun ? '' : 'FOR UPDATE'}`,
    params,
  );
  const results: { row: DeadLetterRow; outcome: ReplayOutcome }[] = [];
  for (const row of rows) {
    if (row.status !== 'DEAD') {
      results.push({ row, outcome: 'NOT_DEAD' });
      continue;
    }
    const handled = await tx.query(`SELECT 1 FROM ${qualified(schema, 'inbox')} WHERE consumer = $1 AND event_id = $2`, [row.consumer, row.event_id]);
    if (handled.rowCount > 0) {
      results.push({ row, outcome: 'ALREADY_HANDLED' });
      continue;
    }
    if (options.dryRun) {
      results.push({ row, outcome: 'WOULD_REPLAY' });
      continue;
    }
    const delivered = row.event as { sourceSeq: number };
    await tx.query(
      `INSERT INTO ${qualified(schema, 'pending_deliveries')} (consumer, event_id, aggregate_id, source_seq, event, attempts, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, 0, now())
       ON CONFLICT (consumer, event_id) DO UPDATE SET attempts = 0, next_attempt_at = now(), last_error = NULL`,
      [row.consumer, row.event_id, row.aggregate_id, delivered.sourceSeq, row.event],
    );
    const { rows: updated } = await tx.query<DeadLetterRow & Record<string, unknown>>(
      `UPDATE ${qualified(schema, 'dead_letters')} SET status = 'REPLAYED', replayed_at = now(), replayed_by = $2 WHERE id = $1 RETURNING *`,
      [row.id, options.actor],
    );
    results.push({ row: updated[0] ?? row, outcome: 'REPLAYED' });
  }
  recordDeadLetterReplays(schema, results.filter((result) => result.outcome === 'REPLAYED').length);
  return results;
}

/** Outbox lag, waiting retries and dead letters of one schema, for monitoring. */
export async function pipelineStatus(db: Queryable, schema: string) {
  const lag = await outboxLag(db, schema);
  const { rows } = await db.query<{ retries: number; dead: number }>(
    `SELECT (SELECT count(*) FROM ${qualified(schema, 'pending_deliveries')})::int8 AS retries,
            (SELECT count(*) FROM ${qualified(schema, 'dead_letters')} WHERE status = 'DEAD')::int8 AS dead`,
  );
  return { ...lag, pendingRetries: rows[0]?.retries ?? 0, deadLetters: rows[0]?.dead ?? 0 };
}
