import type { Queryable } from '../db';
import { componentLogger } from '../logger';
import { IDEMPOTENCY_RETENTION_MS, reapIdempotencyKeys } from './idempotency';

const log = componentLogger('idempotency-reaper');

/** How often expired keys are deleted: often enough that the table stays about a day's worth. */
export const REAP_INTERVAL_MS = 15 * 60 * 1000;

/**
 * Deletes a schema's idempotency keys older than the retention, every `REAP_INTERVAL_MS`. The
 * timer does not keep the process alive. Returns a stop function.
 */
export function startIdempotencyReaper(db: Queryable, schema: string, retentionMs = IDEMPOTENCY_RETENTION_MS, intervalMs = REAP_INTERVAL_MS): () => void {
  const timer = setInterval(() => {
    reapIdempotencyKeys(db, schema, retentionMs)
      .then((deleted) => deleted > 0 && log.info({ schema, deleted }, 'reaped expired idempotency keys'))
      .catch((error: unknown) => log.warn({ err: error, schema }, 'reaping idempotency keys failed; will retry'));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
