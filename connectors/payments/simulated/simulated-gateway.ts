/**
 * The simulated payment gateway: the embedded default's provider and the fault tests' stand-in
 * for Stripe. It keeps its state in PostgreSQL, in its own `payments_sim` schema, so like a real
 * provider it remembers every idempotency key and every refunded amount across a crash of the
 * process that called it. Settlement is asynchronous: a refund is PENDING until its settlement
 * time, then SUCCEEDED or FAILED (decided at creation, deterministic per refund id).
 */
import { randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../../../platform/db';
import {
  PaymentDeclinedError,
  PaymentUnavailableError,
  providerIdempotencyKey,
  refundIdOfIdempotencyKey,
  type PaymentGateway,
  type ProviderRefund,
  type ProviderRefundRecord,
  type RecordWindow,
  type RefundRequest,
} from '../port';
import {
  deterministicDraw,
  DRILL_DECLINE_REASON,
  isFirstGeneration,
  resolveSimulatedGatewayOptions,
  type ResolvedSimulatedGatewayOptions,
  type SimulatedGatewayOptions,
} from './simulated-options';

/**
 * A fault forced onto the next `createRefund` calls (a test hook, `injectFaults`). Each call
 * consumes one, whatever the call would otherwise have done.
 * - `unavailable`: the provider is down; nothing is recorded; `PaymentUnavailableError`.
 * - `timeout`: the call takes effect, then its answer is lost; `PaymentUnavailableError`.
 * - `settle-failed`: a NEW refund is recorded to settle FAILED, whatever `failureRate` says.
 */
export type SimulatedFault = 'unavailable' | 'timeout' | 'settle-failed';

/** Failure reason of refunds failed by `failureRate` or a forced fault (Stripe reports e.g. `expired_or_canceled_card`). */
export const SIMULATED_FAILURE_REASON = 'simulated_failure';

interface RefundRow {
  [column: string]: unknown;
  provider_refund_id: string;
  payment_reference: string;
  amount_minor: number;
  currency: string;
  outcome: 'SUCCEEDED' | 'FAILED';
  failure_reason: string | null;
  settled: boolean;
}

const REFUND_COLUMNS = `provider_refund_id, payment_reference, amount_minor, currency, outcome, failure_reason,
  settles_at <= now() AS settled`;

/** A payment gateway that lives in our own database. Safe to share; several instances may share one database. */
export class SimulatedGateway implements PaymentGateway {
  /** Matches `Payment.provider` of orders paid through the simulated gateway. */
  readonly provider = 'simulated';
  private readonly options: ResolvedSimulatedGatewayOptions;
  private readonly faults: SimulatedFault[] = [];
  /** Calls per refund key whose answer the timeout drill lost, so each attempt draws anew; cleared on an answer. */
  private readonly drillAttempts = new Map<string, number>();

  /**
   * `db` is used on its own, never inside a caller's transaction: a provider is another system,
   * and its answer must not roll back with ours.
   */
  constructor(
    private readonly db: Db,
    options: SimulatedGatewayOptions = {},
  ) {
    this.options = resolveSimulatedGatewayOptions(options);
  }

  /**
   * Makes a captured payment refundable (what a capture at a real provider would have done).
   * Idempotent: registering the same reference again with the same amount and currency is a no-op;
   * with another amount or currency it throws, since a payment's capture never changes.
   */
  async registerPayment(reference: string, capturedMinor: number, currency: string): Promise<void> {
    if (typeof reference !== 'string' || reference.length < 1 || reference.length > 255) {
      throw new TypeError(`registerPayment needs a reference of 1 to 255 characters, but got: ${String(reference)}`);
    }
    if (!Number.isSafeInteger(capturedMinor) || capturedMinor <= 0) {
      throw new TypeError(`registerPayment needs capturedMinor, a positive integer of minor units, but got: ${String(capturedMinor)}`);
    }
    if (!/^[A-Z]{3}$/.test(currency)) throw new TypeError(`registerPayment needs an ISO 4217 currency, but got: ${String(currency)}`);
    await this.db.query(`INSERT INTO payments_sim.payments (reference, captured_minor, currency) VALUES ($1, $2, $3) ON CONFLICT (reference) DO NOTHING`, [
      reference,
      capturedMinor,
      currency,
    ]);
    const { rows } = await this.db.query<{ captured_minor: number; currency: string }>(
      `SELECT captured_minor, currency FROM payments_sim.payments WHERE reference = $1`,
      [reference],
    );
    const existing = rows[0];
    if (!existing || existing.captured_minor !== capturedMinor || existing.currency !== currency) {
      throw new Error(
        `payment "${reference}" is registered as ${existing?.captured_minor} ${existing?.currency}; it cannot be registered again as ${capturedMinor} ${currency}`,
      );
    }
  }

  /** Test hook: the next `count` calls of `createRefund` suffer `fault` (see `SimulatedFault`). */
  injectFaults(fault: SimulatedFault, count = 1): void {
    if (!Number.isSafeInteger(count) || count < 1) throw new TypeError(`injectFaults needs a positive integer count, but got: ${String(count)}`);
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  /** Faults injected but not yet consumed by a call. */
  pendingFaults(): readonly SimulatedFault[] {
    return [...this.faults];
  }

  /**
   * Creates the refund, or returns the one already created under `providerIdempotencyKey(refundId)`.
   * Declines (`PaymentDeclinedError`): `idempotency_error` (the key was used with another payment,
   * amount or currency), `resource_missing` (unknown payment), `amount_too_large` (more than the
   * captured amount minus refunds not failed), `currency_mismatch`, `invalid_request`.
   */
  async createRefund(request: RefundRequest): Promise<ProviderRefund> {
    validateRequest(request);
    const fault = this.faults.shift();
    if (fault === 'unavailable') throw new PaymentUnavailableError('simulated gateway unavailable (injected fault): nothing was recorded');
    const forcedTimeout = fault === 'timeout';
    const { row, created } = await this.guard(() => this.db.transaction((tx) => this.createOrReplay(tx, request, fault === 'settle-failed')));
    if (forcedTimeout || (created && deterministicDraw(request.refundId, 'timeout') < this.options.timeoutRate) || this.drillTimesOut(request.refundId)) {
      throw new PaymentUnavailableError('simulated gateway timed out: the refund may have been created; retry with the same key');
    }
    this.drillAttempts.delete(request.refundId);
    return toProviderRefund(row);
  }

  /** The timeout drill's draw for this attempt of `refundKey`: deterministic per key and attempt number. */
  private drillTimesOut(refundKey: string): boolean {
    const percent = this.options.drill.timeoutPercent;
    if (percent <= 0) return false;
    const attempt = this.drillAttempts.get(refundKey) ?? 0;
    if (deterministicDraw(refundKey, `drill-timeout:${attempt}`) * 100 >= percent) return false;
    this.drillAttempts.set(refundKey, attempt + 1);
    return true;
  }

  /** The decline drill's verdict on a new refund: first generations only, deterministic per key. */
  private drillDeclines(refundKey: string): boolean {
    const percent = this.options.drill.declinePercent;
    return percent > 0 && isFirstGeneration(refundKey) && deterministicDraw(refundKey, 'drill-decline') * 100 < percent;
  }

  /** The refund as the gateway reports it now; an unknown id is `PaymentDeclinedError('resource_missing')`. */
  async getRefund(providerRefundId: string): Promise<ProviderRefund> {
    const { rows } = await this.guard(() =>
      this.db.query<RefundRow>(`SELECT ${REFUND_COLUMNS} FROM payments_sim.refunds WHERE provider_refund_id = $1`, [providerRefundId]),
    );
    if (!rows[0]) throw new PaymentDeclinedError(`no simulated refund "${providerRefundId}"`, 'resource_missing');
    return toProviderRefund(rows[0]);
  }

  /**
   * The ledger's refunds created in [from, to), oldest first: the simulated provider's own record
   * for reconciliation. `reference` is our key read back from the idempotency key (null for a key
   * not of ours); status as `getRefund` reports it at this moment.
   */
  async listRefunds(window: RecordWindow): Promise<ProviderRefundRecord[]> {
    assertWindow(window);
    const { rows } = await this.guard(() =>
      this.db.query<RefundRow & { idempotency_key: string; created_at: Date }>(
        `SELECT ${REFUND_COLUMNS}, idempotency_key, created_at FROM payments_sim.refunds
          WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, provider_refund_id`,
        [window.from, window.to],
      ),
    );
    return rows.map((row) => ({
      providerRefundId: row.provider_refund_id,
      paymentReference: row.payment_reference,
      amountMinor: row.amount_minor,
      currency: row.currency,
      status: toProviderRefund(row).status,
      reference: refundIdOfIdempotencyKey(row.idempotency_key),
      createdAt: row.created_at,
    }));
  }

  /**
   * One transaction: lock the payment (serialising refunds of one payment, so two concurrent
   * refunds cannot both pass the over-refund check), replay an existing key, or check and insert.
   */
  private async createOrReplay(tx: Queryable, request: RefundRequest, forceFailure: boolean): Promise<{ row: RefundRow; created: boolean }> {
    const key = providerIdempotencyKey(request.refundId);
    const { rows: payments } = await tx.query<{ captured_minor: number; currency: string }>(
      `SELECT captured_minor, currency FROM payments_sim.payments WHERE reference = $1 FOR UPDATE`,
      [request.paymentReference],
    );
    const replay = await this.byKey(tx, key, request);
    if (replay) return { row: replay, created: false };
    await assertRefundable(tx, request, payments[0]);
    const drilled = !forceFailure && this.drillDeclines(request.refundId);
    const fails = forceFailure || drilled || deterministicDraw(request.refundId, 'failure') < this.options.failureRate;
    const { rows } = await tx.query<RefundRow>(
      `INSERT INTO payments_sim.refunds
         (provider_refund_id, idempotency_key, payment_reference, amount_minor, currency, reason, outcome, failure_reason, settles_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + $9::double precision * interval '1 millisecond')
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING ${REFUND_COLUMNS}`,
      [
        `sre_${randomBytes(12).toString('hex')}`,
        key,
        request.paymentReference,
        request.amountMinor,
        request.currency,
        request.reason ?? null,
        fails ? 'FAILED' : 'SUCCEEDED',
        drilled ? DRILL_DECLINE_REASON : fails ? SIMULATED_FAILURE_REASON : null,
        this.options.settlementDelayMs,
      ],
    );
    if (rows[0]) return { row: rows[0], created: true };
    // The same key, committed meanwhile for another payment (the lock above is per payment).
    const raced = await this.byKey(tx, key, request);
    if (!raced) throw new PaymentUnavailableError('simulated gateway lost a refund it was racing to create; retry with the same key');
    return { row: raced, created: false };
  }

  /** The refund stored under `key`, when its parameters match the request; a mismatch is `idempotency_error`. */
  private async byKey(tx: Queryable, key: string, request: RefundRequest): Promise<RefundRow | null> {
    const { rows } = await tx.query<RefundRow>(`SELECT ${REFUND_COLUMNS} FROM payments_sim.refunds WHERE idempotency_key = $1`, [key]);
    const row = rows[0];
    if (!row) return null;
    // Money-bearing parameters only: a retry that words `reason` differently is still the same refund.
    if (row.payment_reference !== request.paymentReference || row.amount_minor !== request.amountMinor || row.currency !== request.currency) {
      throw new PaymentDeclinedError(
        `key "${key}" was already used for a refund of ${row.amount_minor} ${row.currency} of payment "${row.payment_reference}"`,
        'idempotency_error',
      );
    }
    return row;
  }

  /** Database trouble is the provider being unreachable: the outcome is unknown, the caller retries with the same key. */
  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof PaymentDeclinedError || error instanceof PaymentUnavailableError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw Object.assign(new PaymentUnavailableError(`simulated gateway storage failed: ${message}`), { cause: error });
    }
  }
}

/**
 * Declines a refund of a payment that does not exist, was captured in another currency, or has
 * less left than the refund asks. Runs under the payment's row lock, so the sum it reads holds.
 */
async function assertRefundable(tx: Queryable, request: RefundRequest, payment: { captured_minor: number; currency: string } | undefined): Promise<void> {
  if (!payment) throw new PaymentDeclinedError(`no simulated payment "${request.paymentReference}"`, 'resource_missing');
  if (payment.currency !== request.currency) {
    throw new PaymentDeclinedError(`payment "${request.paymentReference}" was captured in ${payment.currency}, not ${request.currency}`, 'currency_mismatch');
  }
  const { rows: sums } = await tx.query<{ held: number }>(
    // A refund holds its amount until it has FAILED; a pending one that will fail still holds it.
    `SELECT COALESCE(SUM(amount_minor), 0)::bigint AS held FROM payments_sim.refunds
      WHERE payment_reference = $1 AND NOT (outcome = 'FAILED' AND settles_at <= now())`,
    [request.paymentReference],
  );
  const held = sums[0]?.held ?? 0;
  if (held + request.amountMinor > payment.captured_minor) {
    throw new PaymentDeclinedError(
      `refund of ${request.amountMinor} exceeds what is left of payment "${request.paymentReference}" (${payment.captured_minor - held} of ${payment.captured_minor})`,
      'amount_too_large',
    );
  }
}

/** A window is two valid dates, `from` before `to`: anything else is a caller's bug. */
function assertWindow(window: RecordWindow): void {
  const { from, to } = window;
  if (!(from instanceof Date) || !(to instanceof Date) || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
    throw new TypeError(`listRefunds needs a window of two dates, from before to, but got: ${String(from)} .. ${String(to)}`);
  }
}

const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length >= 1 && value.length <= max;

function validateRequest(request: RefundRequest): void {
  const problems: string[] = [];
  if (!isText(request.refundId, 200)) problems.push('refundId must be 1 to 200 characters');
  if (!isText(request.paymentReference, 255)) problems.push('paymentReference must be 1 to 255 characters');
  if (!Number.isSafeInteger(request.amountMinor) || request.amountMinor <= 0)
    problems.push(`amountMinor must be a positive integer, got ${String(request.amountMinor)}`);
  if (typeof request.currency !== 'string' || !/^[A-Z]{3}$/.test(request.currency)) problems.push(`currency must be ISO 4217, got ${String(request.currency)}`);
  if (request.reason !== undefined && (typeof request.reason !== 'string' || request.reason.length > 500))
    problems.push('reason must be at most 500 characters');
  if (problems.length > 0) throw new PaymentDeclinedError(`invalid refund request: ${problems.join('; ')}`, 'invalid_request');
}

function toProviderRefund(row: RefundRow): ProviderRefund {
  const status = row.settled ? row.outcome : 'PENDING';
  return {
    providerRefundId: row.provider_refund_id,
    status,
    amountMinor: row.amount_minor,
    currency: row.currency,
    failureReason: status === 'FAILED' ? row.failure_reason : null,
  };
}
