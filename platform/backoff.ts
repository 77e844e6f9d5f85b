/**
 * The one retry schedule of the graph: exponential with equal jitter, capped. Consumers (retries
 * from PostgreSQL), the refund executor (unknown provider outcomes) and the gateway's supergraph
 * source (start-up) each name their own base and cap; the curve is the same everywhere.
 */
export interface BackoffSchedule {
  /** Delay before the second attempt (before jitter). */
  baseDelayMs: number;
  /** No delay grows beyond this. */
  maxDelayMs: number;
}

/** A consumer's retry schedule: a backoff and a last attempt. */
export interface BackoffPolicy extends BackoffSchedule {
  /** Attempts in all, the first included; after the last failure the event is dead-lettered. */
  maxAttempts: number;
}

/**
 * Consumers' default: 8 attempts, 500 ms doubling to at most 5 minutes — about 10 minutes in all,
 * long enough to ride out an ERP restart, short enough that a real bug reaches the dead letters
 * the same hour.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 5 * 60_000 };

/**
 * Delay before attempt `failedAttempts + 1`: base x 2^(failed - 1), capped, with "equal jitter"
 * (half fixed, half random) so many callers failing together do not retry in lockstep.
 */
export function backoffDelay(schedule: BackoffSchedule, failedAttempts: number, random: () => number = Math.random): number {
  const exponential = Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
