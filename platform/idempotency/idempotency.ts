import type { Db, Queryable } from '../db';
import { SQLSTATE, sqlState } from '../db';
import { qualified } from '../events/outbox';
import { fingerprint } from './fingerprint';
import { recordIdempotentAnswer } from '../metrics';
import { currentScope } from '../context';

/**
 * Keys are kept at least this long, then reaped: a day covers a POS till that retries after an
 * overnight outage and a webhook provider's retry schedule (Shopify retries for 48 h, but a retry
 * that old re-upserts by external id and is harmless).
 */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
/**
 * How long a request waits for another request holding the same key before it is told to retry.
 * Mutations commit within milliseconds; five seconds outlasts any healthy one yet stays inside a
 * POS client's timeout.
 */
export const IN_FLIGHT_WAIT_MS = 5_000;
/** Accepted keys: what clients generate (UUIDs, ULIDs, `till-7:123`), bounded for the index. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_\-:.]{1,255}$/;

/** userError codes the mechanism itself produces; every mutation's error enum includes them. */
export const IdempotencyErrorCode = {
  INVALID_IDEMPOTENCY_KEY: 'INVALID_IDEMPOTENCY_KEY',
  IDEMPOTENCY_KEY_PARAMETER_MISMATCH: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
  IDEMPOTENCY_CONCURRENT_REQUEST: 'IDEMPOTENCY_CONCURRENT_REQUEST',
} as const;

/** Messages of those codes. */
const Messages = {
  invalid: `The idempotency key must be 1-255 characters of letters, digits, '_', '-', ':' and '.'.`,
  mismatch: 'This idempotency key was already used with different input; use a new key for a new request.',
  concurrent: 'A request with this idempotency key is still being processed; retry shortly.',
};

/** A payload with userErrors, as every mutation returns. */
export interface Payload {
  userErrors: { code: string; field: string[] | null; message: string }[];
}

/** Who is calling what: keys are scoped to both, so two tills may use the same key safely. */
export interface IdempotencyScope {
  /** The subgraph schema holding the keys (the same one the effect writes). */
  schema: string;
  /** The principal's subject. */
  principal: string;
  /** The mutation's name. */
  operation: string;
  key: string;
  /** The mutation's input, fingerprinted to detect a key reused for other input. */
  input: unknown;
  /** How long to wait for an in-flight request with the same key; default `IN_FLIGHT_WAIT_MS`. */
  inFlightWaitMs?: number;
}

/** How a request was answered, for metrics and tests. */
export type IdempotencyOutcome = 'APPLIED' | 'REPLAYED' | 'REJECTED';

/**
 * Runs a mutation's effect at most once per (principal, operation, key).
 *
 * The key row is inserted in the same transaction as the effect and its outbox events, with the
 * payload to replay. An uncommitted key row *is* the in-flight request: a second request with the
 * same key blocks on it in PostgreSQL's unique index, then replays the committed payload — or, past
 * `IN_FLIGHT_WAIT_MS`, gets `IDEMPOTENCY_CONCURRENT_REQUEST` (retryable). A crash before commit
 * leaves nothing; after commit, the retry returns the committed payload.
 *
 * A payload with userErrors is rolled back whole and its key is not kept: bad input changes
 * nothing, and the client may correct it and retry with the same key.
 */
export async function withIdempotency<P extends Payload>(
  db: Db,
  scope: IdempotencyScope,
  effect: (tx: Queryable) => Promise<P>,
  errorPayload: (error: Payload['userErrors'][number]) => P,
): Promise<{ payload: P; outcome: IdempotencyOutcome }> {
  if (!IDEMPOTENCY_KEY_PATTERN.test(scope.key)) {
    return rejected(errorPayload, IdempotencyErrorCode.INVALID_IDEMPOTENCY_KEY, Messages.invalid);
  }
  const table = qualified(scope.schema, 'idempotency_keys');
  const print = fingerprint(scope.input);
  const stored = await lookup(db, table, scope);
  if (stored) return recordReplay(db, scope, answerFromStored(scope, stored, print, errorPayload));

  try {
    return await db.transaction(async (tx) => {
      const waitMs = Math.max(1, Math.floor(scope.inFlightWaitMs ?? IN_FLIGHT_WAIT_MS));
      await tx.query(`SET LOCAL lock_timeout = '${waitMs}ms'`);
      const claimed = await tx.query(
        `INSERT INTO ${table} (principal, operation, key, fingerprint, response, correlation_id) VALUES ($1, $2, $3, $4, '{}', $5)
         ON CONFLICT DO NOTHING`,
        [scope.principal, scope.operation, scope.key, print, currentScope()?.correlationId ?? null],
      );
      if (claimed.rowCount === 0) throw new AlreadyCommitted();
      const payload = await effect(tx);
      if (payload.userErrors.length > 0) throw new RollBack(payload);
      await tx.query(`UPDATE ${table} SET response = $4 WHERE principal = $1 AND operation = $2 AND key = $3`, [
        scope.principal,
        scope.operation,
        scope.key,
        payload,
      ]);
      return { payload, outcome: 'APPLIED' as const };
    });
  } catch (error) {
    if (error instanceof RollBack) return { payload: error.payload as P, outcome: 'REJECTED' };
    if (error instanceof AlreadyCommitted) {
      const winner = await lookup(db, table, scope);
      if (winner) return recordReplay(db, scope, answerFromStored(scope, winner, print, errorPayload));
    }
    if (sqlState(error) === SQLSTATE.LOCK_NOT_AVAILABLE || error instanceof AlreadyCommitted) {
      return rejected(errorPayload, IdempotencyErrorCode.IDEMPOTENCY_CONCURRENT_REQUEST, Messages.concurrent);
    }
    throw error;
  }
}

/**
 * Deletes keys older than the retention. An in-flight key is an uncommitted row, invisible to this
 * statement, so it is never reaped. Returns how many were deleted.
 */
export async function reapIdempotencyKeys(db: Queryable, schema: string, retentionMs = IDEMPOTENCY_RETENTION_MS): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM ${qualified(schema, 'idempotency_keys')} WHERE created_at < now() - make_interval(secs => $1)`, [
    retentionMs / 1000,
  ]);
  return rowCount;
}

/** The transaction found the key committed by another request after waiting for it. */
class AlreadyCommitted extends Error {}
/** The effect answered with userErrors: undo everything it wrote. */
class RollBack extends Error {
  constructor(readonly payload: Payload) {
    super('rolled back: payload has userErrors');
  }
}

async function lookup(db: Queryable, table: string, scope: IdempotencyScope) {
  const { rows } = await db.query<{ fingerprint: string; response: Payload }>(
    `SELECT fingerprint, response FROM ${table} WHERE principal = $1 AND operation = $2 AND key = $3`,
    [scope.principal, scope.operation, scope.key],
  );
  return rows[0];
}

/**
 * Counts a replay (the KPI "duplicate attempts absorbed", and a REQUEST hop of its flow's trace).
 * Only the replay path writes here, so a first request pays nothing; a failed write is not the
 * client's problem and never turns a correct replay into an error.
 */
async function recordReplay<P extends Payload>(db: Db, scope: IdempotencyScope, answer: { payload: P; outcome: IdempotencyOutcome }) {
  if (answer.outcome !== 'REPLAYED') return answer;
  await db
    .query(`INSERT INTO ${qualified(scope.schema, 'idempotency_replays')} (principal, operation, key, correlation_id) VALUES ($1, $2, $3, $4)`, [
      scope.principal,
      scope.operation,
      scope.key,
      currentScope()?.correlationId ?? null,
    ])
    .catch(() => undefined);
  return answer;
}

/** Replays in [from, to) of one subgraph's schema: idempotent retries answered from the stored result. */
export async function countReplays(db: Queryable, schema: string, from: Date, to: Date): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${qualified(schema, 'idempotency_replays')} WHERE replayed_at >= $1 AND replayed_at < $2`,
    [from, to],
  );
  return Number(rows[0]?.n ?? 0);
}

function answerFromStored<P extends Payload>(
  scope: IdempotencyScope,
  stored: { fingerprint: string; response: Payload },
  print: string,
  errorPayload: (error: Payload['userErrors'][number]) => P,
) {
  if (stored.fingerprint !== print) {
    recordIdempotentAnswer(scope.schema, scope.operation, 'mismatch');
    return rejected(errorPayload, IdempotencyErrorCode.IDEMPOTENCY_KEY_PARAMETER_MISMATCH, Messages.mismatch);
  }
  recordIdempotentAnswer(scope.schema, scope.operation, 'replayed');
  return { payload: stored.response as P, outcome: 'REPLAYED' as const };
}

function rejected<P extends Payload>(errorPayload: (error: Payload['userErrors'][number]) => P, code: string, message: string) {
  return { payload: errorPayload({ code, field: ['idempotencyKey'], message }), outcome: 'REJECTED' as const };
}
