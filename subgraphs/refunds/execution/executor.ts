import type { Db } from '../../../platform/db';
import { writeTransaction, type WriteTx } from '../../../platform/write-path/write-tx';
import { componentLogger } from '../../../platform/logger';
import { backoffDelay, type BackoffSchedule } from '../../../platform/backoff';
import { runInScope } from '../../../platform/context';
import { recordRefundTransition, timeProviderCall } from '../../../platform/metrics';
import { inCallSpan, inStoredTrace } from '../../../platform/telemetry/spans';
import { PaymentDeclinedError, type ProviderRefund } from '../../../connectors/payments/port';
import { INTERNAL_PROVIDER } from '../domain/calculate';
import { refreshRefundStatus } from '../status-rollup';
import type { GatewayRouter } from './gateways';
import { holdForMissingConnector, PROVIDER_NOT_CONFIGURED_PATTERN } from './unconfigured-provider';

const log = componentLogger('refund-executor');

/** How often due tenders are looked for when the executor cannot be woken by NOTIFY (no listener, or no trigger). */
export const EXECUTOR_POLL_MS = 200;
/**
 * The longest an idle executor sleeps while listening: new tenders and approvals NOTIFY on commit
 * (migration 031) and it sleeps only until the next due time it reads, so this only catches a
 * missed notification or a tender made due some other way (a reconciliation reset).
 */
export const EXECUTOR_IDLE_POLL_MS = 2_000;
/** A wake-up works tenders this much later, so a burst of new tenders shares one claim. */
const WAKE_GATHER_MS = 20;
/** Provider calls made at once per provider while working a batch (`REFUND_EXECUTOR_CONCURRENCY`). */
export const DEFAULT_EXECUTOR_CONCURRENCY = 8;
/** Tenders claimed per round, per unit of concurrency: enough that every worker has the next in line. */
const CLAIM_BATCH_PER_WORKER = 4;
/** Tenders claimed per round at least (the batch of a sequential executor before issue 15). */
const MIN_CLAIM_BATCH = 20;
/**
 * A claimed tender is leased for this long: an executor that dies mid-call loses its lease and
 * another (or its restart) picks the tender up again — with the same provider key.
 */
export const CLAIM_LEASE_MS = 30_000;
/** How often a SUBMITTED tender asks its provider whether it settled (webhooks usually come first). */
export const SETTLEMENT_POLL_MS = 1_000;
/**
 * How often a SUBMITTED tender of a provider that settles by webhook only (`settlesByWebhookOnly`,
 * Adyen) is looked at: asking cannot tell anything, so this only checks that its notification is
 * not overdue. Fifteen minutes keeps the executor idle meanwhile and still raises the exception
 * within the hour it becomes due.
 */
export const WEBHOOK_ONLY_RECHECK_MS = 15 * 60_000;
/**
 * A webhook-only tender SUBMITTED for longer than this without its notification is an exception
 * for a person: Adyen normally reports a refund within hours, and retries an unacknowledged
 * notification for days, so a day of silence means a lost notification or a wrong webhook setup.
 */
export const NOTIFICATION_OVERDUE_MS = 24 * 60 * 60_000;
/** Backoff of unknown outcomes (timeouts, 5xx): doubling from 1 s to at most 5 minutes, for ever — the money may have moved, so we never give up silently. */
const UNKNOWN_OUTCOME_BACKOFF: BackoffSchedule = { baseDelayMs: 1_000, maxDelayMs: 5 * 60_000 };
/** After this many unknown outcomes a tender is shown as an exception (its last error) for a person to look at. */
export const EXCEPTION_AFTER_ATTEMPTS = 5;

interface Tender {
  id: string;
  refund_id: string;
  provider: string;
  payment_reference: string | null;
  amount_minor: number;
  currency: string;
  /** REQUIRES_ACTION only when held for a missing connector (`unconfigured-provider.ts`). */
  status: 'PENDING' | 'SUBMITTED' | 'REQUIRES_ACTION';
  generation: number;
  provider_refund_id: string | null;
  attempts: number;
  correlation: string;
  /** The trace context of the request that created the refund (migration 029); null when untraced. */
  traceparent: string | null;
  /** When the tender last changed state (for a SUBMITTED tender: when the provider accepted it). */
  updated_at: Date;
}

/** The key we give the provider for a tender: fixed by the tender and its generation, never by attempt. */
export function tenderRefundKey(tenderId: string, generation: number): string {
  return `${tenderId}:g${generation}`;
}

/**
 * Pays refunds, in atomic phases with recovery points (each phase its own transaction):
 * 1. claim due tenders (lease); 2. call the provider, outside any transaction, with the tender's
 * fixed key; 3. record the answer and refresh the refund's status. A crash between 2 and 3 leaves
 * the tender claimed until the lease ends; the retry asks the provider for the same key and gets the
 * same refund back — never a second one. Store credit and gift cards go through the store-credit
 * ledger like any provider; internal tenders (cash at the till) need none and succeed at once. A
 * tender whose provider has no connector is held as an exception (`unconfigured-provider.ts`).
 */
export class RefundExecutor {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private running = false;
  /** A wake-up came during a round: look again right after it. */
  private wakeRequested = false;
  /** A woken round is already scheduled: further wake-ups join it. */
  private wakePending = false;
  /** Set once new tenders wake this executor by NOTIFY; until then it polls every `EXECUTOR_POLL_MS`. */
  private notified = false;
  private unlisten?: () => Promise<void>;
  private readonly concurrency: number;
  private readonly idlePollMs: number;

  constructor(
    private readonly db: Db,
    private readonly gateways: GatewayRouter,
    options: { concurrency?: number; idlePollMs?: number } = {},
  ) {
    this.concurrency = options.concurrency ?? DEFAULT_EXECUTOR_CONCURRENCY;
    if (!Number.isSafeInteger(this.concurrency) || this.concurrency < 1)
      throw new TypeError(`RefundExecutor concurrency must be an integer >= 1, but got: ${String(options.concurrency)}`);
    this.idlePollMs = options.idlePollMs ?? EXECUTOR_IDLE_POLL_MS;
  }

  start(): void {
    this.running = true;
    this.schedule(0);
    void this.listenForTenders();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.unlisten?.();
    this.unlisten = undefined;
    this.notified = false;
    await this.round;
  }

  /** Works due tenders soon (a NOTIFY of a new tender or approval). */
  wake(): void {
    if (!this.running) return;
    if (this.round) this.wakeRequested = true;
    else if (!this.wakePending) this.schedule(WAKE_GATHER_MS, true);
  }

  private async listenForTenders(): Promise<void> {
    if (!this.db.listen) return;
    try {
      const { rows } = await this.db.query<{ exists: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('refunds.refund_tenders') AND tgname = 'refund_tenders_wake') AS exists`,
      );
      if (!rows[0]?.exists || !this.running) return;
      this.unlisten = await this.db.listen('rg_wake_refunds_refund_tenders', () => this.wake());
      this.notified = true;
    } catch (error) {
      log.warn({ err: error }, 'refund executor cannot listen for new tenders; polling instead');
    }
  }

  private schedule(delay: number, woken = false): void {
    clearTimeout(this.timer);
    this.wakePending = woken;
    this.timer = setTimeout(() => {
      this.wakePending = false;
      if (this.round || !this.running) return;
      this.wakeRequested = false;
      let next = this.notified ? this.idlePollMs : EXECUTOR_POLL_MS;
      this.round = this.rounds()
        .then((dueInMs) => {
          if (dueInMs !== undefined) next = Math.min(next, Math.max(dueInMs, 0));
        })
        .catch((error: unknown) => log.warn({ err: error }, 'executor round failed'))
        .finally(() => {
          this.round = undefined;
          if (this.running) this.schedule(this.wakeRequested ? WAKE_GATHER_MS : next, this.wakeRequested);
        });
    }, delay);
  }

  /**
   * Rounds while tenders are due; then, when listening, how long until the next one is due (a
   * read-only look, so an idle executor commits no claim transaction). Undefined: nothing pending.
   */
  private async rounds(): Promise<number | undefined> {
    while (this.running && (await this.runOnce()) > 0);
    if (!this.notified) return EXECUTOR_POLL_MS;
    const { rows } = await this.db.query<{ due_in_ms: number | null }>(
      `SELECT (extract(epoch FROM min(t.next_attempt_at) - now()) * 1000)::float8 AS due_in_ms
         FROM refunds.refund_tenders t JOIN refunds.refunds r ON r.id = t.refund_id
        WHERE (t.status IN ('PENDING', 'SUBMITTED') OR (t.status = 'REQUIRES_ACTION' AND t.last_error LIKE $1))
          AND r.approval_state <> 'AWAITING_APPROVAL'`,
      [PROVIDER_NOT_CONFIGURED_PATTERN],
    );
    const due = rows[0]?.due_in_ms;
    return due === null || due === undefined ? undefined : Math.ceil(Number(due));
  }

  /**
   * One round: claims due tenders and works them, up to `concurrency` provider calls at once per
   * provider. Tenders of one refund are worked one after another (each records the refund's status
   * from its siblings), and a claimed tender is in no other round (its lease), so no tender is ever
   * called twice at once. Returns how many it worked.
   */
  async runOnce(): Promise<number> {
    const tenders = await this.claim();
    const lanes = new Map<string, Tender[]>();
    for (const tender of tenders) lanes.set(tender.refund_id, [...(lanes.get(tender.refund_id) ?? []), tender]);
    const queue = [...lanes.values()];
    const limits = new ProviderLimits(this.concurrency);
    const worker = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        for (const tender of lane) {
          if (!this.running && this.timer) return;
          await limits.run(tender.provider, () =>
            runInScope({ correlationId: tender.correlation }, () => inStoredTrace(tender.traceparent, () => this.work(tender))),
          );
        }
      }
    };
    // Enough workers for every provider of the batch to have `concurrency` calls out; the limits hold each to that.
    const providers = new Set(tenders.map((tender) => tender.provider)).size;
    await Promise.all(Array.from({ length: Math.min(this.concurrency * providers, queue.length) }, worker));
    return tenders.length;
  }

  private get claimBatch(): number {
    return Math.max(MIN_CLAIM_BATCH, this.concurrency * CLAIM_BATCH_PER_WORKER);
  }

  private async claim(): Promise<Tender[]> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<Tender & Record<string, unknown>>(
        `SELECT t.id, t.refund_id, t.provider, t.payment_reference, t.amount_minor, r.currency, t.status, t.generation, t.provider_refund_id, t.attempts, t.updated_at,
                -- The flow the refund belongs to: the request that created this tender (stored with it,
                -- with its trace context); for tenders older than that column, the refund's latest
                -- event's; past the event log's retention, the refund's own id.
                coalesce(t.correlation_id,
                         (SELECT o.correlation_id FROM refunds.outbox o WHERE o.aggregate_id = t.refund_id ORDER BY o.seq DESC LIMIT 1),
                         'refund:' || t.refund_id) AS correlation, t.traceparent
           FROM refunds.refund_tenders t JOIN refunds.refunds r ON r.id = t.refund_id
          WHERE (t.status IN ('PENDING', 'SUBMITTED') OR (t.status = 'REQUIRES_ACTION' AND t.last_error LIKE $2))
            AND t.next_attempt_at <= now() AND r.approval_state <> 'AWAITING_APPROVAL'
          ORDER BY t.next_attempt_at LIMIT $1 FOR UPDATE OF t SKIP LOCKED`,
        [this.claimBatch, PROVIDER_NOT_CONFIGURED_PATTERN],
      );
      if (rows.length > 0) {
        await tx.query(`UPDATE refunds.refund_tenders SET next_attempt_at = now() + make_interval(secs => $2) WHERE id = ANY($1)`, [
          rows.map((row) => row.id),
          CLAIM_LEASE_MS / 1000,
        ]);
      }
      return rows;
    });
  }

  private async work(tender: Tender): Promise<void> {
    if (tender.provider === INTERNAL_PROVIDER) {
      await this.record(tender, {
        providerRefundId: `internal:${tender.id}`,
        status: 'SUCCEEDED',
        amountMinor: tender.amount_minor,
        currency: tender.currency,
      });
      return;
    }
    const gateway = this.gateways.for(tender.provider);
    if (!gateway) {
      await holdForMissingConnector(this.db, tender, recordProviderAnswer);
      return;
    }
    if (tender.status === 'SUBMITTED' && tender.provider_refund_id && gateway.settlesByWebhookOnly) {
      await this.awaitNotification(tender);
      return;
    }
    try {
      const answer = await timeProviderCall(
        tender.provider,
        () =>
          tender.status === 'SUBMITTED' && tender.provider_refund_id
            ? inCallSpan(`payments.${tender.provider}.getRefund`, () => gateway.getRefund(tender.provider_refund_id ?? ''))
            : inCallSpan(`payments.${tender.provider}.refund`, () =>
                gateway.createRefund({
                  refundId: tenderRefundKey(tender.id, tender.generation),
                  paymentReference: tender.payment_reference ?? '',
                  amountMinor: tender.amount_minor,
                  currency: tender.currency,
                  reason: 'requested_by_customer',
                }),
              ),
        (error) => error instanceof PaymentDeclinedError,
      );
      await this.record(tender, answer, gateway.settlesByWebhookOnly ? WEBHOOK_ONLY_RECHECK_MS : SETTLEMENT_POLL_MS);
    } catch (error) {
      if (error instanceof PaymentDeclinedError) {
        await this.record(tender, {
          providerRefundId: tender.provider_refund_id ?? '',
          status: 'FAILED',
          amountMinor: tender.amount_minor,
          currency: tender.currency,
          failureReason: `${error.code}: ${error.message}`,
        });
        return;
      }
      // Unknown outcome: keep the tender, try again later with the SAME key.
      const attempts = tender.attempts + 1;
      const delay = backoffDelay(UNKNOWN_OUTCOME_BACKOFF, attempts);
      await this.db.query(
        `UPDATE refunds.refund_tenders SET attempts = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4), updated_at = now() WHERE id = $1`,
        [tender.id, attempts, String((error as Error).message ?? error).slice(0, 2000), delay / 1000],
      );
      if (attempts >= EXCEPTION_AFTER_ATTEMPTS)
        log.error({ tender: tender.id, refund: tender.refund_id, attempts, err: error }, 'refund tender is an exception: provider outcome still unknown');
    }
  }

  /** Phase 3: the provider's answer and the refund's new status, in one transaction. */
  async record(tender: Pick<Tender, 'id' | 'refund_id'>, answer: ProviderRefund, pollAfterMs = SETTLEMENT_POLL_MS): Promise<void> {
    await writeTransaction(this.db, 'refunds', (tx) => recordProviderAnswer(tx, tender.id, tender.refund_id, answer, pollAfterMs));
  }

  /**
   * A SUBMITTED tender whose provider settles by webhook only: nothing to ask, so look again in
   * `WEBHOOK_ONLY_RECHECK_MS`; once its notification is overdue, record why and log it as an
   * exception (every recheck, until the notification comes or a person acts).
   */
  private async awaitNotification(tender: Tender): Promise<void> {
    const waitedMs = Date.now() - new Date(tender.updated_at).getTime();
    const overdue = waitedMs >= NOTIFICATION_OVERDUE_MS;
    const note = overdue ? `no settlement notification from ${tender.provider} for ${Math.floor(waitedMs / 3_600_000)} h` : null;
    await this.db.query(
      `UPDATE refunds.refund_tenders SET next_attempt_at = now() + make_interval(secs => $2), last_error = coalesce($3, last_error) WHERE id = $1 AND status = 'SUBMITTED'`,
      [tender.id, WEBHOOK_ONLY_RECHECK_MS / 1000, note],
    );
    if (overdue)
      log.error(
        { tender: tender.id, refund: tender.refund_id, provider: tender.provider, waitedMs },
        'refund tender is an exception: settlement notification overdue',
      );
  }
}

/** At most `limit` calls in flight per provider; the rest wait their turn in arrival order. */
class ProviderLimits {
  private readonly inFlight = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly limit: number) {}

  async run<T>(provider: string, call: () => Promise<T>): Promise<T> {
    if ((this.inFlight.get(provider) ?? 0) >= this.limit) {
      // The slot is handed over by the call that finishes: the count never drops, so nobody slips in between.
      await new Promise<void>((resolve) => this.waiting.set(provider, [...(this.waiting.get(provider) ?? []), resolve]));
    } else {
      this.inFlight.set(provider, (this.inFlight.get(provider) ?? 0) + 1);
    }
    try {
      return await call();
    } finally {
      const next = this.waiting.get(provider)?.shift();
      if (next) next();
      else this.inFlight.set(provider, (this.inFlight.get(provider) ?? 1) - 1);
    }
  }
}

/**
 * Maps a provider's refund state onto a tender and refreshes the refund (executor and webhooks
 * share this). Settled tenders stay settled — a late or repeated answer never moves them — with one
 * exception: a `reversed` answer (the provider paid and took the money back) moves a SUCCEEDED
 * tender to FAILED. A success arriving after the reversal then finds the tender settled and changes
 * nothing. `pollAfterMs`: when a still-open tender is looked at next.
 */
export async function recordProviderAnswer(
  tx: WriteTx,
  tenderId: string,
  refundId: string,
  answer: ProviderRefund,
  pollAfterMs = SETTLEMENT_POLL_MS,
): Promise<void> {
  const status = answer.status === 'PENDING' ? 'SUBMITTED' : answer.status;
  const settled = status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELED';
  const reversal = answer.reversed === true && status === 'FAILED';
  // The previous status comes back too, so only a real change counts as a transition in /metrics.
  const { rows: moved } = await tx.query<{ provider: string; previous: string }>(
    `UPDATE refunds.refund_tenders t SET status = $2, provider_refund_id = coalesce(nullif($3, ''), t.provider_refund_id), last_error = $4, updated_at = now(),
            next_attempt_at = CASE WHEN $5 THEN t.next_attempt_at ELSE now() + make_interval(secs => $6) END
       FROM refunds.refund_tenders before
      WHERE t.id = $1 AND before.id = t.id AND (t.status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELED') OR ($7 AND t.status = 'SUCCEEDED'))
      RETURNING t.provider, before.status AS previous`,
    [tenderId, status, answer.providerRefundId, answer.failureReason ?? null, settled, pollAfterMs / 1000, reversal],
  );
  for (const row of moved) if (row.previous !== status) recordRefundTransition(status, row.provider);
  await refreshRefundStatus(tx, refundId, answer.failureReason);
}
