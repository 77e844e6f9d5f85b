/**
 * A token-bucket rate limit plus a concurrency cap, with a FIFO queue in front: work beyond either
 * limit WAITS its turn (back-pressure). Nothing is dropped or rejected, because every call it
 * guards is a posting the books need; the caller's own timeouts and retries stay in charge.
 */
import { recordThrottleWait, stopwatch } from '../../platform/metrics';

/**
 * Calls per second let through by default. ERPs meter integrations per account and share the
 * budget with every other integration; 10/s stays well inside common limits, yet drains even a
 * peak-hour backlog (thousands of postings) within minutes.
 */
export const DEFAULT_REQUESTS_PER_SECOND = 10;

/**
 * Calls that may start back to back after a quiet spell, by default. 1 spaces calls evenly, so no
 * window of any length sees more than its share (rate × length, plus one) — the safest reading of
 * a per-second limit whose window alignment we do not know.
 */
export const DEFAULT_BURST = 1;

/**
 * Calls in flight at once, by default. ERPs cap concurrent requests per account at a handful and
 * answer beyond it with errors; 4 keeps throughput while leaving room for other integrations.
 */
export const DEFAULT_MAX_CONCURRENCY = 4;

/** Limits of a `Throttle`; every option has a default (above). */
export interface ThrottleOptions {
  /** Sustained calls started per second (> 0). Default `DEFAULT_REQUESTS_PER_SECOND` (10). */
  requestsPerSecond?: number;
  /** Bucket size: calls that may start at once after a pause (integer >= 1). Default `DEFAULT_BURST` (1). */
  burst?: number;
  /** Calls in flight at most (integer >= 1). Default `DEFAULT_MAX_CONCURRENCY` (4). */
  maxConcurrency?: number;
}

/** A snapshot of a throttle's counters, for metrics, health pages and tests. */
export interface ThrottleStats {
  /** Calls started and not yet finished. */
  inFlight: number;
  /** Calls waiting for a slot or a token. */
  queued: number;
  /** The most calls ever in flight at once (never above `maxConcurrency`). */
  maxObservedConcurrency: number;
  /** The longest the queue has been: how hard back-pressure has pushed. */
  maxObservedQueue: number;
  /** Calls started so far. */
  started: number;
  /** Calls finished, successfully or not. */
  completed: number;
  /** Finished calls that threw (their error went to their caller). */
  failed: number;
}

/** Runs async calls within a rate limit and a concurrency cap, first come first served. */
export class Throttle {
  private readonly ratePerMs: number;
  private readonly burst: number;
  private readonly maxConcurrency: number;
  private tokens: number;
  // A monotonic clock: the wall clock can step (NTP, a VM's clock), and a step back or forward would
  // hand out tokens early or late.
  private refilledAt = performance.now();
  private readonly queue: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly counters: Omit<ThrottleStats, 'queued'> = {
    inFlight: 0,
    maxObservedConcurrency: 0,
    maxObservedQueue: 0,
    started: 0,
    completed: 0,
    failed: 0,
  };

  /** `owner` names the user in option errors, e.g. `ThrottledErp`. */
  constructor(options: ThrottleOptions = {}, owner = 'Throttle') {
    const rate = options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
      throw new TypeError(`${owner} requestsPerSecond must be a number above 0, but got: ${String(options.requestsPerSecond)}`);
    }
    this.burst = positiveInteger(owner, 'burst', options.burst, DEFAULT_BURST);
    this.maxConcurrency = positiveInteger(owner, 'maxConcurrency', options.maxConcurrency, DEFAULT_MAX_CONCURRENCY);
    this.ratePerMs = rate / 1000;
    this.tokens = this.burst;
  }

  /** Runs `call` once a slot and a token are free; resolves or rejects with its result. */
  run<T>(call: () => Promise<T>): Promise<T> {
    const waited = stopwatch();
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => {
        recordThrottleWait('process', waited());
        this.counters.inFlight += 1;
        this.counters.started += 1;
        this.counters.maxObservedConcurrency = Math.max(this.counters.maxObservedConcurrency, this.counters.inFlight);
        let outcome: Promise<T>;
        try {
          outcome = call();
        } catch (error) {
          outcome = Promise.reject(error);
        }
        outcome
          .then(resolve, (error: unknown) => {
            this.counters.failed += 1;
            reject(error);
          })
          .finally(() => {
            this.counters.inFlight -= 1;
            this.counters.completed += 1;
            this.pump();
          });
      });
      this.pump();
      this.counters.maxObservedQueue = Math.max(this.counters.maxObservedQueue, this.queue.length);
    });
  }

  /** The counters now. */
  stats(): ThrottleStats {
    return { ...this.counters, queued: this.queue.length };
  }

  /** Starts queued calls while both limits allow; when only a token is missing, wakes up when one is due. */
  private pump(): void {
    while (this.queue.length > 0 && this.counters.inFlight < this.maxConcurrency) {
      this.refill();
      if (this.tokens < 1) {
        if (!this.timer) {
          const wait = Math.max(1, Math.ceil((1 - this.tokens) / this.ratePerMs));
          // Not unref'd: queued postings are work the process still owes.
          this.timer = setTimeout(() => {
            this.timer = null;
            this.pump();
          }, wait);
        }
        return;
      }
      this.tokens -= 1;
      this.queue.shift()!();
    }
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.ratePerMs);
    this.refilledAt = now;
  }
}

function positiveInteger(owner: string, name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 1) throw new TypeError(`${owner} ${name} must be an integer >= 1, but got: ${String(value)}`);
  return resolved;
}
