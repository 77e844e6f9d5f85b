import type { Queryable } from '../db';
import { badUserInput } from '../graphql/errors';
import { qualified } from './outbox';

/**
 * How long published events stay in a subgraph's outbox, which doubles as the event log that
 * subscribers resume from: a client that was offline up to this long can catch up with its
 * cursor; older cursors get an error and must re-read state. Seven days covers a device left off
 * over a long weekend.
 */
export const EVENT_LOG_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** Most events one catch-up page scans: bounds one query however far behind the subscriber is. */
export const MAX_CATCH_UP = 500;

/** One event of a subgraph's log, as subscription updates are built from it. */
export interface LoggedEvent {
  /** Position in the log: commit order, stamped by the relay. */
  position: number;
  id: string;
  type: string;
  aggregate_id: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

/**
 * One page of a log scan. `events` are the scanned events (of the asked types and filters) in
 * position order; the caller drops those the subscriber may not see, so a page can hold fewer
 * visible updates than it scanned, even none. The next page starts after `scannedTo`, not after
 * the last visible update: that is what lets a subscriber who sees 1 event in 1,000 read to the end.
 */
export interface EventLogPage {
  events: LoggedEvent[];
  /** Position of the last event scanned; null when nothing was found after `after`. */
  scannedTo: number | null;
  /** True when the scan reached the end of the log as this read saw it: no next page yet. */
  reachedEnd: boolean;
}

/** Opaque cursor of a logged event: its source and log position. */
export function updateCursor(source: string, position: number): string {
  return Buffer.from(`${source}:${position}`).toString('base64url');
}

/** The log position a cursor names; a cursor of another source or a tampered one is BAD_USER_INPUT. */
export function cursorPosition(source: string, cursor: string): number {
  const [cursorSource, text] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  const position = Number(text);
  if (cursorSource !== source || !Number.isSafeInteger(position) || position < 0) {
    throw badUserInput(`"${cursor}" is not a ${source} update cursor.`, 'after');
  }
  return position;
}

const COLUMNS = 'position, id, type, aggregate_id, occurred_at, data';

/** One logged event by position, or null (also while it is not yet stamped). */
export async function loggedEvent(db: Queryable, schema: string, position: number, types: readonly string[]): Promise<LoggedEvent | null> {
  const { rows } = await db.query<LoggedEvent & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${qualified(schema, 'outbox')} WHERE position = $1 AND type = ANY($2)`,
    [position, types],
  );
  return rows[0] ?? null;
}

/**
 * Scans the log after a position for events of `types` whose data fields equal `filters` (absent
 * or null filters match everything), oldest first, at most `limit` (capped at `MAX_CATCH_UP`).
 * Only stamped events are read: an unstamped one has no position yet and reaches subscribers
 * live, after everything before it. Filter names are data keys of the events, e.g. `returnId`.
 * A position older than the log keeps is BAD_USER_INPUT: events after it were pruned.
 */
export async function scanEventLog(
  db: Queryable,
  schema: string,
  after: number,
  types: readonly string[],
  filters: Record<string, string | null | undefined>,
  limit = MAX_CATCH_UP,
): Promise<EventLogPage> {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw badUserInput(`\`first\` must be a positive integer (at most ${MAX_CATCH_UP}), but got: ${limit}`, 'first');
  const pageSize = Math.min(limit, MAX_CATCH_UP);
  await assertStillLogged(db, schema, after);
  const params: unknown[] = [after, types, pageSize];
  const conditions = ['position > $1', 'type = ANY($2)', ...dataConditions(filters, params)];
  const { rows } = await db.query<LoggedEvent & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${qualified(schema, 'outbox')} WHERE ${conditions.join(' AND ')} ORDER BY position LIMIT $3`,
    params,
  );
  return { events: rows, scannedTo: rows.at(-1)?.position ?? null, reachedEnd: rows.length < pageSize };
}

/** Refuses a cursor older than the log keeps: the events right after it were pruned. */
async function assertStillLogged(db: Queryable, schema: string, after: number): Promise<void> {
  // The oldest position kept; with every event pruned, the next one to be stamped.
  const { rows: oldest } = await db.query<{ position: number | null }>(
    `SELECT coalesce((SELECT min(position) FROM ${qualified(schema, 'outbox')}), (SELECT last_position + 1 FROM ${qualified(schema, 'relay_state')})) AS position`,
  );
  const first = oldest[0]?.position;
  if (first !== null && first !== undefined && after > 0 && after < first - 1) {
    throw badUserInput('The cursor is older than the event log keeps (7 days); read the current state and subscribe again without `after`.', 'after');
  }
}

/** SQL conditions on event data for the non-empty filters; their values are appended to `params`. */
function dataConditions(filters: Record<string, string | null | undefined>, params: unknown[]): string[] {
  const conditions: string[] = [];
  for (const [key, value] of Object.entries(filters)) {
    if (!value) continue;
    // The key is spliced into the SQL text, so only plain names pass.
    if (!/^[A-Za-z]{1,40}$/.test(key)) throw new TypeError(`A filter names an event data key of letters only, but got: ${JSON.stringify(key)}`);
    params.push(value);
    conditions.push(`data->>'${key}' = $${params.length}`);
  }
  return conditions;
}

/**
 * Deletes published events older than the retention, as a prefix of the log: never an event
 * while an earlier position is kept, so "the cursor is older than the log keeps" is exactly
 * `after < min(position) - 1`. Returns how many.
 */
export async function pruneEventLog(db: Queryable, schema: string, retentionMs = EVENT_LOG_RETENTION_MS): Promise<number> {
  const outbox = qualified(schema, 'outbox');
  const { rowCount } = await db.query(
    `DELETE FROM ${outbox} WHERE position < coalesce(
       (SELECT min(position) FROM ${outbox} WHERE position IS NOT NULL AND (published_at IS NULL OR occurred_at >= now() - make_interval(secs => $1))),
       (SELECT max(position) + 1 FROM ${outbox}))`,
    [retentionMs / 1000],
  );
  return rowCount;
}

/** How often old published events are pruned: the log is days long, so hourly is plenty. */
export const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** Prunes a schema's event log every `PRUNE_INTERVAL_MS` (timer does not keep the process alive). Returns a stop function. */
export function startEventLogPruner(db: Queryable, schema: string, retentionMs = EVENT_LOG_RETENTION_MS): () => void {
  const timer = setInterval(() => {
    pruneEventLog(db, schema, retentionMs).catch(() => undefined);
  }, PRUNE_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
