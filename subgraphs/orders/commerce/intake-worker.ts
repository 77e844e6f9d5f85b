import type { Db } from '../../../platform/db';
import { componentLogger } from '../../../platform/logger';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../../../platform/backoff';
import { runInScope } from '../../../platform/context';
import type { Worker } from '../../../platform/subgraph';
import { writeTransaction } from '../../../platform/write-path/write-tx';
import { InvalidCommerceWebhookError, type CommerceChange, type CommerceWebhooks } from '../../../connectors/commerce/port';
import { applyChange, DeliveryRefused, type Applied } from './apply-change';
import { claimDue, lockPending, markAttemptFailed, markDone, type ClaimedDelivery } from './deliveries';

const log = componentLogger('commerce-intake');

/** How often due deliveries are looked for when nothing wakes the worker: retries fall due on their own. */
export const INTAKE_POLL_MS = 1_000;
/** Deliveries claimed per round: a webhook storm is worked through in bounded transactions. */
export const INTAKE_BATCH = 25;
/**
 * Deliveries of a round interpreted ahead of the one being applied. Interpreting waits on the
 * platform (Shopify: one Admin API read), so a few in flight keep the intake from being one round
 * trip per delivery; applying stays one at a time, in the order deliveries arrived.
 */
export const INTAKE_CONCURRENCY = 4;
/**
 * How long a claimed delivery is left to its worker before another may take it: far above one
 * delivery's work (an adapter call with its own timeout, one short transaction), so only a crashed
 * worker's claims expire.
 */
export const INTAKE_LEASE_MS = 60_000;
/**
 * Retries of a transient failure (platform unreachable, order not yet recorded): the consumers'
 * schedule — 8 attempts over about ten minutes, then FAILED for an operator.
 */
export const INTAKE_BACKOFF: BackoffPolicy = DEFAULT_BACKOFF;

/** Options of the intake worker; tests shorten the poll and the backoff. */
export interface IntakeOptions {
  pollMs?: number;
  backoff?: BackoffPolicy;
}

/**
 * Applies stored commerce deliveries (the inbox `webhook-route.ts` fills): claims due PENDING rows
 * oldest first (`FOR UPDATE SKIP LOCKED`, leased), interprets each through its adapter OUTSIDE any
 * transaction (the adapter may call the platform), then applies the change and marks the row in
 * one `orders` transaction — so a delivery is applied once, with its `OrderRecorded`, or not at all.
 * Woken by the route on every new delivery and by its own poll for retries.
 */
export class CommerceIntake implements Worker {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private again = false;
  private readonly webhooks: ReadonlyMap<string, CommerceWebhooks>;
  private readonly backoff: BackoffPolicy;

  constructor(
    private readonly db: Db,
    webhooks: readonly CommerceWebhooks[],
    private readonly options: IntakeOptions = {},
  ) {
    this.webhooks = new Map(webhooks.map((w) => [w.source, w]));
    this.backoff = options.backoff ?? INTAKE_BACKOFF;
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.pollMs ?? INTAKE_POLL_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }

  /** Starts a round now (or right after the running one); does nothing once stopped. */
  wake(): void {
    if (!this.timer) return;
    if (this.round) {
      this.again = true;
      return;
    }
    this.round = this.drain()
      .catch((error: unknown) => log.warn({ err: error }, 'commerce intake round failed'))
      .finally(() => {
        this.round = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Rounds until nothing is due. */
  private async drain(): Promise<void> {
    while ((await this.runOnce()) === INTAKE_BATCH && this.timer);
  }

  /**
   * One round: claims due deliveries and applies each, in the order they arrived. Interpreting
   * (the platform read) runs up to `INTAKE_CONCURRENCY` deliveries ahead of the one being applied.
   * Returns how many it claimed.
   */
  async runOnce(): Promise<number> {
    const claimed = await claimDue(this.db, INTAKE_BATCH, INTAKE_LEASE_MS);
    const interpreted: Promise<Interpreted>[] = [];
    const begin = (index: number) => {
      const delivery = claimed[index];
      if (delivery) interpreted[index] = runInScope(scopeOf(delivery), () => this.interpret(delivery));
    };
    for (let index = 0; index < INTAKE_CONCURRENCY; index++) begin(index);
    for (const [index, delivery] of claimed.entries()) {
      const outcome = await (interpreted[index] as Promise<Interpreted>);
      begin(index + INTAKE_CONCURRENCY);
      await runInScope(scopeOf(delivery), () => this.work(delivery, outcome));
    }
    return claimed.length;
  }

  /** What a delivery means, or why that could not be read; never throws. */
  private async interpret(delivery: ClaimedDelivery): Promise<Interpreted> {
    try {
      const webhooks = this.webhooks.get(delivery.source);
      if (!webhooks) throw new Error(`no commerce connector for source "${delivery.source}" in this process`);
      return { change: await webhooks.interpret(delivery.topic, delivery.body) };
    } catch (error) {
      return { error };
    }
  }

  private async work(delivery: ClaimedDelivery, interpreted: Interpreted): Promise<void> {
    const at = { source: delivery.source, delivery: delivery.deliveryId, topic: delivery.topic, attempt: delivery.attempts + 1 };
    try {
      if ('error' in interpreted) throw interpreted.error;
      const applied = await this.apply(delivery, interpreted.change);
      if (applied) log.info({ ...at, status: applied.status, outcome: applied.outcome }, 'commerce delivery applied');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof DeliveryRefused || error instanceof InvalidCommerceWebhookError) {
        await markAttemptFailed(this.db, delivery.id, message, null, error instanceof DeliveryRefused ? { userErrors: error.userErrors } : null);
        log.warn({ ...at, reason: message }, 'commerce delivery refused');
        return;
      }
      const last = delivery.attempts + 1 >= this.backoff.maxAttempts;
      await markAttemptFailed(this.db, delivery.id, message, last ? null : backoffDelay(this.backoff, delivery.attempts + 1));
      log.warn({ ...at, err: error, final: last }, last ? 'commerce delivery failed after its last attempt' : 'commerce delivery will be retried');
    }
  }

  /** Applies an interpreted delivery in one `orders` transaction; null when another worker finished it meanwhile. */
  private async apply(delivery: ClaimedDelivery, change: CommerceChange): Promise<Applied | null> {
    return writeTransaction(this.db, 'orders', async (tx) => {
      if (!(await lockPending(tx, delivery.id))) return null;
      const applied = await applyChange(tx, delivery.source, change);
      await markDone(tx, delivery.id, applied.status, applied.outcome);
      return applied;
    });
  }
}

/** A delivery's interpretation: the change, or the error reading it (handled when its turn to apply comes). */
type Interpreted = { change: CommerceChange } | { error: unknown };

/** The log scope of one delivery. */
const scopeOf = (delivery: ClaimedDelivery) => ({ correlationId: `commerce:${delivery.source}:${delivery.deliveryId}` });
