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
/** Most events one catch-up page returns. */
export const MAX_CATCH_UP = 500;

/** One event of a subgraph's log, as subscription updates are built from it. */
export interface LoggedEvent {
  seq: number;
  id: string;
  type: string;
  aggregate_id: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

/** Opaque cursor of a logged event: its source and outbox position. */
export function updateCursor(source: string, seq: number): string {
  return Buffer.from(`${source}:${seq}`).toString('base64url');
}

/** The outbox position a cursor names; a cursor of another source or a tampered one is BAD_USER_INPUT. */
export function cursorPosition(source: string, cursor: string): number {
  const [cursorSource, seq] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  const position = Number(seq);
  if (cursorSource !== source || !Number.isSafeInteger(position) || position < 0) {
    throw badUserInput(`"${cursor}" is not a ${source} update cursor.`, 'after');
  }
  return position;
}

/** One logged event by position, or null. */
export async function loggedEvent(db: Queryable, schema: string, seq: number, types: readonly string[]): Promise<LoggedEvent | null> {
  const { rows } = await db.query<LoggedEvent & Record<string, unknown>>(
    `SELECT seq, id, type, aggregate_id, occurred_at, data FROM ${qualified(schema, 'outbox')} WHERE seq = $1 AND type = ANY($2)`,
    [seq, types],
  );
  return rows[0] ?? null;
}

/**
 * Events after a position whose data fields equal `filters` (absent or null filters match
 * everything), oldest first: what a resuming subscriber missed. Filter names are data keys of the
 * events, e.g. `returnId`.
 */
export async function loggedEventsAfter(
  db: Queryable,
  schema: string,
  after: number,
  types: readonly string[],
  filters: Record<string, string | null | undefined>,
  limit = MAX_CATCH_UP,
): Promise<LoggedEvent[]> {
  const { rows: oldest } = await db.query<{ seq: number | null }>(`SELECT min(seq) AS seq FROM ${qualified(schema, 'outbox')}`);
  const first = oldest[0]?.seq;
  if (first !== null && first !== undefined && after > 0 && after < first - 1) {
    throw badUserInput('The cursor is older than the event log keeps (7 days); read the current state and subscribe again without `after`.', 'after');
  }
  const params: unknown[] = [after, types, Math.min(limit, MAX_CATCH_UP)];
  const conditions = ['seq > $1', 'type = ANY($2)'];
  for (const [key, value] of Object.entries(filters)) {
    if (!value) continue;
    if (!/^[A-Za-z]{1,40}$/.test(key)) throw new TypeError(`A filter names an event data key of letters only, but got: ${JSON.stringify(key)}`);
    params.push(value);
    conditions.push(`data->>'${key}' = $${params.length}`);
  }
  const { rows } = await db.query<LoggedEvent & Record<string, unknown>>(
    `SELECT seq, id, type, aggregate_id, occurred_at, data FROM ${qualified(schema, 'outbox')}
      WHERE ${conditions.join(' AND ')} ORDER BY seq LIMIT $3`,
    params,
  );
  return rows;
}

/** Deletes published events older than the retention. Returns how many. */
export async function pruneEventLog(db: Queryable, schema: string, retentionMs = EVENT_LOG_RETENTION_MS): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM ${qualified(schema, 'outbox')} WHERE published_at IS NOT NULL AND occurred_at < now() - make_interval(secs => $1)`,
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
