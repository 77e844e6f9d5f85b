/**
 * The ERP limiter every instance shares: a rate limit and a concurrency cap per ERP account, kept
 * in PostgreSQL (`erp_limiter` schema, migration `001_erp_limiter.sql`) because the database is
 * what every inventory and refunds instance has in common. N instances together stay within one
 * account's budget, instead of N times it as per-process throttles would.
 *
 * `acquire()` waits, never refuses: every call it guards is a posting the books need. Within one
 * process callers are served strictly first come, first served (one waiter at a time asks the
 * database, and it is granted its start before the next asks); across instances the order is
 * FIFO-ish — whoever asks when a slot is free gets it.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../../platform/db';
import { DEFAULT_BURST, DEFAULT_MAX_CONCURRENCY, DEFAULT_REQUESTS_PER_SECOND } from '../throttle';

/**
 * How long a lease outlives its start, by default. It must outlast any ERP call (adapters time out
 * well within a minute) or a slow call's slot is handed out twice; it is also how long the slot of
 * an instance that crashed mid-call stays lost.
 */
export const DEFAULT_LEASE_TTL_MS = 60_000;

/**
 * How often a waiter asks again while every slot is held by another instance. A release in this
 * process wakes its waiters at once; one in another process is seen at the next poll.
 */
export const DEFAULT_POLL_MS = 25;

/** The limits of one ERP account. Every instance posting to the account must be given the same. */
export interface SharedLimiterOptions {
  /** Which ERP account the budget is for (e.g. `reference`, `netsuite:1234567`); 1 to 200 characters. Required: two ERPs must never share a budget by accident. */
  accountKey: string;
  /** Sustained calls started per second, over all instances (> 0). Default `DEFAULT_REQUESTS_PER_SECOND` (10). */
  requestsPerSecond?: number;
  /** Calls that may start back to back after a quiet spell (integer >= 1). Default `DEFAULT_BURST` (1). */
  burst?: number;
  /** Calls in flight at once, over all instances (integer >= 1). Default `DEFAULT_MAX_CONCURRENCY` (4). */
  maxConcurrency?: number;
  /** Lifetime of a concurrency lease after its start (integer ms >= 1 000). Default `DEFAULT_LEASE_TTL_MS` (60 s). */
  leaseTtlMs?: number;
  /** Poll interval while the cap is full (integer ms >= 1). Default `DEFAULT_POLL_MS` (25). */
  pollMs?: number;
}

/** A granted slot; give it back with `release` when the call ends. */
export interface ErpLease {
  readonly id: string;
}

/** A snapshot of one limiter object's counters (this process only). */
export interface SharedLimiterStats {
  /** Acquires granted. */
  acquired: number;
  /** Callers waiting in this process. */
  waiting: number;
  /** Round trips to the database for acquiring (one per try) and releasing. */
  roundTrips: number;
  /** Time spent in those round trips, ms: the limiter's own cost, without the waits it imposes. */
  roundTripMs: number;
  /** Tries that found every slot held. */
  capWaits: number;
}

/** The caller of `acquire` gave up before it was granted: nothing was spent. */
export class AcquireAbandonedError extends Error {
  constructor() {
    super('the caller gave up waiting for the ERP limiter');
    this.name = 'AcquireAbandonedError';
  }
}

/** A rate limit and concurrency cap shared through PostgreSQL by every instance. */
export class SharedErpLimiter {
  readonly accountKey: string;
  private readonly intervalMs: number;
  private readonly burst: number;
  private readonly maxConcurrency: number;
  private readonly leaseTtlMs: number;
  private readonly pollMs: number;
  /** The tail of this process's waiters: each acquire starts when the one before it is granted. */
  private tail: Promise<unknown> = Promise.resolve();
  private wake: (() => void) | null = null;
  private readonly counters = { acquired: 0, waiting: 0, roundTrips: 0, roundTripMs: 0, capWaits: 0 };

  constructor(
    private readonly db: Db,
    options: SharedLimiterOptions,
  ) {
    const owner = 'SharedErpLimiter';
    if (typeof options?.accountKey !== 'string' || options.accountKey.length < 1 || options.accountKey.length > 200) {
      throw new TypeError(`${owner} accountKey must be 1 to 200 characters naming the ERP account, but got: ${String(options?.accountKey)}`);
    }
    this.accountKey = options.accountKey;
    const rate = options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
      throw new TypeError(`${owner} requestsPerSecond must be a number above 0, but got: ${String(options.requestsPerSecond)}`);
    }
    this.intervalMs = 1000 / rate;
    this.burst = integerAtLeast(owner, 'burst', options.burst, DEFAULT_BURST, 1);
    this.maxConcurrency = integerAtLeast(owner, 'maxConcurrency', options.maxConcurrency, DEFAULT_MAX_CONCURRENCY, 1);
    this.leaseTtlMs = integerAtLeast(owner, 'leaseTtlMs', options.leaseTtlMs, DEFAULT_LEASE_TTL_MS, 1_000);
    this.pollMs = integerAtLeast(owner, 'pollMs', options.pollMs, DEFAULT_POLL_MS, 1);
  }

  /**
   * Waits for a slot and the rate's next start, then resolves: start the call at once. `abandon`
   * is asked whenever the caller is about to ask the database; when it says true the caller no
   * longer wants the slot (the ERP went down meanwhile) and `acquire` rejects with
   * `AcquireAbandonedError` without spending a start or a slot.
   */
  acquire(abandon?: () => boolean): Promise<ErpLease> {
    this.counters.waiting += 1;
    const granted = this.tail.then(() => this.acquireInTurn(abandon));
    // The next waiter's turn comes when this one is granted (or failed: a database error is its caller's).
    this.tail = granted.catch(() => undefined);
    return granted.finally(() => (this.counters.waiting -= 1));
  }

  /** Gives the slot back. Idempotent; a lease that expired meanwhile is simply gone. */
  async release(lease: ErpLease): Promise<void> {
    await this.timed(() => this.db.query(`DELETE FROM erp_limiter.leases WHERE lease_id = $1`, [lease.id]));
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Runs `call` within the limits; the slot is released however it ends. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    const lease = await this.acquire();
    try {
      return await call();
    } finally {
      await this.release(lease);
    }
  }

  /** Holds every start of the account, in every instance, back for `ms` (the ERP's Retry-After). */
  async hold(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms <= 0) return;
    await this.timed(() => this.db.query(`SELECT erp_limiter.hold($1, $2, $3, $4)`, [this.accountKey, ms, this.intervalMs, this.burst]));
  }

  /** This object's counters. */
  stats(): SharedLimiterStats {
    return { ...this.counters };
  }

  private async acquireInTurn(abandon?: () => boolean): Promise<ErpLease> {
    const id = `lease_${randomBytes(12).toString('hex')}`;
    for (;;) {
      if (abandon?.()) throw new AcquireAbandonedError();
      const { rows } = await this.timed(() =>
        this.db.query<{ granted: boolean; wait_ms: number }>(`SELECT granted, wait_ms FROM erp_limiter.try_acquire($1, $2, $3, $4, $5, $6)`, [
          this.accountKey,
          id,
          this.intervalMs,
          this.burst,
          this.maxConcurrency,
          this.leaseTtlMs,
        ]),
      );
      const answer = rows[0];
      if (answer?.granted) {
        this.counters.acquired += 1;
        if (answer.wait_ms > 0) await sleep(Math.ceil(answer.wait_ms));
        return { id };
      }
      this.counters.capWaits += 1;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, Math.min(this.pollMs, Math.ceil(answer?.wait_ms ?? this.pollMs))));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async timed<T>(query: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await query();
    } finally {
      this.counters.roundTrips += 1;
      this.counters.roundTripMs += performance.now() - started;
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function integerAtLeast(owner: string, name: string, value: number | undefined, fallback: number, min: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < min) throw new TypeError(`${owner} ${name} must be an integer >= ${min}, but got: ${String(value)}`);
  return resolved;
}
