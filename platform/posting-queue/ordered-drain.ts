/**
 * The drain of an ordered posting queue to another system (the ERP's credit memos in refunds, its
 * stock movements in inventory): claim the oldest due postings, send them in queue order, record
 * each outcome. What is sent, where the queue lives and which errors mean what are the caller's;
 * the rounds, the backoff and the "never drop" rule are here, once.
 *
 * Outcomes: sent → `store.sent`; refused for good → `store.refused` (a person must look);
 * unavailable → the posting stays queued, due at once, and the whole queue pauses (at least the
 * other system's Retry-After), so the oldest posting is the first sent when it is back; anything
 * else → the posting stays queued and backs off alone, so one bad posting cannot hold the rest.
 * Both retry for ever; at `exceptionAfterAttempts` a posting is logged (once) as an exception.
 */
import { backoffDelay, type BackoffSchedule } from '../backoff';
import { runInScope } from '../context';
import { inStoredTrace } from '../telemetry/spans';
import { componentLogger } from '../logger';
import { recordErpPosting } from '../metrics';

/** A claimed posting: its key, attempts so far and the correlation id its work runs under. */
export interface QueuedPosting {
  key: string;
  attempts: number;
  correlationId: string;
  /** The trace context of the work that queued it, when that work was traced: the send continues that trace. */
  traceparent?: string | null;
}

/** Where the queue lives and how each outcome is written (one transaction each). */
export interface OrderedPostingStore<T extends QueuedPosting, A> {
  /** Up to `limit` due postings, oldest first, leased for `leaseMs`; none while the queue is paused. */
  claim(limit: number, leaseMs: number): Promise<T[]>;
  /** The other system took it; also clears the queue's failure count. */
  sent(posting: T, answer: A): Promise<void>;
  /** Refused for good, with the reason. */
  refused(posting: T, reason: string): Promise<void>;
  /** A failed attempt: stays queued, due after `delayMs`; returns its attempts so far. */
  attempt(posting: T, error: string, delayMs: number): Promise<number>;
  /** Pauses the whole queue for `pauseMs` and counts one more consecutive failure. */
  pause(pauseMs: number): Promise<void>;
  /** Unavailable rounds since the last posting sent: the queue backoff's exponent. */
  consecutiveFailures(): Promise<number>;
}

/** What an error means for the posting that got it. */
export type FailureKind =
  | { kind: 'refused'; /** The reason recorded, when not the error's own message. */ reason?: string }
  | { kind: 'unavailable'; retryAfterMs?: number }
  | { kind: 'unknown' };

/** The queue's own backoff while the other system is unavailable, by default: 1 s doubling to 30 s (an ERP back from an outage waits at most 30 s for us; a long outage costs two calls a minute). */
export const DEFAULT_UNAVAILABLE_BACKOFF: BackoffSchedule = { baseDelayMs: 1_000, maxDelayMs: 30_000 };
/** Failed attempts after which a posting is logged as an exception, by default. */
export const DEFAULT_EXCEPTION_AFTER_ATTEMPTS = 5;
/** How often an idle queue is looked at, by default, right after it had work. */
export const DEFAULT_DRAIN_POLL_MS = 100;
/**
 * The longest an idle queue waits between looks: after `DRAIN_QUIET_LOOKS` empty looks in a row
 * each further one doubles the wait from `pollMs` up to this, and any work brings it back to
 * `pollMs`. An idle queue costs a claim every 2 s instead of ten a second; a posting queued after a
 * quiet spell waits at most this long, while one queued within a second of the last is looked for
 * at `pollMs` as before (a surge that outpaces the ERP keeps the queue busy, so it never backs off).
 */
export const DRAIN_IDLE_POLL_MAX_MS = 2_000;
/** Empty looks in a row, at `pollMs`, before an idle queue starts to back off. */
export const DRAIN_QUIET_LOOKS = 10;
/**
 * Postings claimed per round: a few times an ERP's concurrency cap, so its limiter always holds the
 * next in line, yet a round ends (and the queue is looked at again) within seconds at 10/s.
 * Rounds, not a sliding window: every posting of a round enters the connector before any can fail,
 * and the next claim waits for the round's outcomes and its pause. A window that claimed as each
 * posting finished let one claimed in the first moments of an outage reach the ERP before older
 * ones (the outage test caught it). The price is the ERP idling for the last call of each round:
 * about 8% below the limit at 10/s with 150 ms calls.
 */
export const DRAIN_CLAIM_BATCH = 16;
/**
 * A claimed posting is leased this long: longer than a wait for the limiter plus a call. A drain
 * that dies loses its lease and the posting comes back, sent again with the same key.
 */
export const DRAIN_LEASE_MS = 120_000;

/** How a drain behaves; every field has a default (above). */
export interface OrderedDrainOptions {
  /** Failed attempts after which a posting is an exception (integer >= 1). Default 5. */
  exceptionAfterAttempts?: number;
  /** The queue's backoff while the other system is unavailable. Default 1 s doubling to 30 s. */
  unavailableBackoff?: BackoffSchedule;
  /** Poll interval when idle, ms (integer >= 1). Default 100. */
  pollMs?: number;
}

/** Drains one ordered posting queue; a subgraph worker (`start`/`stop`). */
export class OrderedDrain<T extends QueuedPosting, A> {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private running = false;
  private readonly exceptionAfterAttempts: number;
  private readonly backoff: BackoffSchedule;
  private readonly pollMs: number;
  private readonly log;
  /** The `kind` label of this queue's metrics: the drain's name in snake case, without `Poster` (`credit_memo`). */
  private readonly kind: string;

  constructor(
    /** Names the drain in option errors and logs, e.g. `CreditMemoPoster`. */
    private readonly name: string,
    private readonly store: OrderedPostingStore<T, A>,
    /** Sends one posting; called for a round's postings in queue order, without waiting in between. */
    private readonly send: (posting: T) => Promise<A>,
    private readonly classify: (error: unknown) => FailureKind,
    options: OrderedDrainOptions = {},
  ) {
    this.exceptionAfterAttempts = options.exceptionAfterAttempts ?? DEFAULT_EXCEPTION_AFTER_ATTEMPTS;
    if (!Number.isSafeInteger(this.exceptionAfterAttempts) || this.exceptionAfterAttempts < 1) {
      throw new TypeError(`${name} exceptionAfterAttempts must be an integer >= 1, but got: ${String(options.exceptionAfterAttempts)}`);
    }
    this.backoff = options.unavailableBackoff ?? DEFAULT_UNAVAILABLE_BACKOFF;
    if (!(this.backoff.baseDelayMs > 0 && this.backoff.maxDelayMs >= this.backoff.baseDelayMs)) {
      throw new TypeError(`${name} unavailableBackoff must have 0 < baseDelayMs <= maxDelayMs, but got: ${JSON.stringify(options.unavailableBackoff)}`);
    }
    this.pollMs = options.pollMs ?? DEFAULT_DRAIN_POLL_MS;
    if (!Number.isSafeInteger(this.pollMs) || this.pollMs < 1)
      throw new TypeError(`${name} pollMs must be an integer >= 1, but got: ${String(options.pollMs)}`);
    this.log = componentLogger(name);
    this.kind = postingKind(name);
  }

  start(): void {
    this.running = true;
    this.schedule(this.pollMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.round;
  }

  /** The next look after `delay`; see `DRAIN_IDLE_POLL_MAX_MS` for how an idle queue backs off. */
  private schedule(delay: number, emptyLooks = 0): void {
    this.timer = setTimeout(() => {
      let claimed = 0;
      this.round = this.drain()
        .then((count) => void (claimed = count))
        .catch((error: unknown) => this.log.warn({ err: error }, 'posting round failed'))
        .finally(() => {
          this.round = undefined;
          if (!this.running) return;
          const empty = claimed > 0 ? 0 : emptyLooks + 1;
          const backedOff = empty <= DRAIN_QUIET_LOOKS ? this.pollMs : Math.min(delay * 2, Math.max(DRAIN_IDLE_POLL_MAX_MS, this.pollMs));
          this.schedule(backedOff, empty);
        });
    }, delay);
  }

  /** One round: claims the oldest due postings and sends them, started in queue order. Returns how many it claimed. */
  async runOnce(): Promise<number> {
    const postings = await this.store.claim(DRAIN_CLAIM_BATCH, DRAIN_LEASE_MS);
    const failures = await Promise.all(
      postings.map((posting) => runInScope({ correlationId: posting.correlationId }, () => inStoredTrace(posting.traceparent, () => this.post(posting)))),
    );
    const unavailable = failures.filter((failure): failure is { kind: 'unavailable'; retryAfterMs?: number } => failure?.kind === 'unavailable');
    if (unavailable.length > 0) {
      // One pause per round, however many of its postings heard "unavailable": the backoff counts outages, not postings.
      const exponent = (await this.store.consecutiveFailures()) + 1;
      await this.store.pause(Math.max(...unavailable.map((failure) => failure.retryAfterMs ?? 0), backoffDelay(this.backoff, exponent)));
    }
    return postings.length;
  }

  /** Rounds until nothing is due (or the drain is stopped); returns how many postings it claimed. */
  private async drain(): Promise<number> {
    let total = 0;
    for (let claimed = await this.runOnce(); claimed > 0; claimed = this.running ? await this.runOnce() : 0) total += claimed;
    return total;
  }

  private async post(posting: T): Promise<FailureKind | undefined> {
    let answer: A;
    try {
      answer = await this.send(posting);
    } catch (error) {
      return this.failed(posting, error);
    }
    await this.store.sent(posting, answer);
    recordErpPosting(this.kind, 'posted');
    return undefined;
  }

  private async failed(posting: T, error: unknown): Promise<FailureKind> {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const failure = this.classify(error);
    if (failure.kind === 'refused') {
      await this.store.refused(posting, failure.reason ?? message);
      recordErpPosting(this.kind, 'failed');
      this.log.error({ posting: posting.key, err: error }, 'posting refused for good: a person must look');
      return failure;
    }
    // Unavailable: due again as soon as the queue resumes; anything else: this posting alone backs off.
    const delayMs = failure.kind === 'unavailable' ? 0 : backoffDelay(this.backoff, posting.attempts + 1);
    const attempts = await this.store.attempt(posting, message, delayMs);
    recordErpPosting(this.kind, 'retried');
    // Logged once, when it becomes one: a long outage must not flood the log with every round.
    if (attempts === this.exceptionAfterAttempts) {
      this.log.error({ posting: posting.key, attempts, err: error }, 'posting is an exception: still not sent, still queued');
    }
    return failure;
  }
}

/** `CreditMemoPoster` → `credit_memo`: a drain's name as the `kind` label of its metrics. */
export function postingKind(name: string): string {
  return name
    .replace(/Poster$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
