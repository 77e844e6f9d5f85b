import { createHash } from 'node:crypto';

/**
 * How long a new refund stays PENDING before it settles. Long enough that callers really see the
 * asynchronous PENDING → SUCCEEDED step (and must poll or wait for it, as with a real provider),
 * short enough that `npm start` demos and tests do not wait noticeably.
 */
export const DEFAULT_SETTLEMENT_DELAY_MS = 300;

/**
 * The longest settlement delay accepted. A day covers any realistic card-network delay one might
 * want to simulate; anything larger is almost certainly seconds mistaken for milliseconds.
 */
export const MAX_SETTLEMENT_DELAY_MS = 24 * 60 * 60 * 1000;

/** Options of `SimulatedGateway`; every one has a default that behaves like a healthy provider. */
export interface SimulatedGatewayOptions {
  /** Milliseconds from creation until a refund settles. Default `DEFAULT_SETTLEMENT_DELAY_MS` (300). */
  settlementDelayMs?: number;
  /**
   * Share of refunds (0..1) that settle FAILED instead of SUCCEEDED. Default 0: the embedded demo
   * should refund; fault tests raise it. The draw is deterministic per refund id (a hash), so a
   * test run is reproducible and a restarted gateway agrees with the one before.
   */
  failureRate?: number;
  /**
   * Share of NEW refunds (0..1) whose answer "gets lost": the refund is recorded, then
   * `createRefund` throws `PaymentUnavailableError`, as when a provider times out after acting.
   * Default 0. Deterministic per refund id; a retry with the same refund id then returns the
   * recorded refund — the case the fixed provider key exists for.
   */
  timeoutRate?: number;
  /** Failure drill settings (DRILL_REFUND_*), validated by app/config.ts; see `RefundDrill`. */
  drill?: RefundDrill;
}

/**
 * The refund failure drill, so operations can rehearse a failed refund and a provider timing out.
 * - `declinePercent`: that share of FIRST attempts (tender generation 1, key `…:g1`) settle FAILED
 *   (reason `drill_declined`). Deterministic per key, so the same tender's retries within one
 *   generation agree; a `retryRefund` starts generation 2, which the drill never declines — every
 *   refund failed by the drill succeeds when retried from the console.
 * - `timeoutPercent`: that share of CALLS take effect and then lose their answer
 *   (`PaymentUnavailableError`), per attempt, so the executor's retry with the same key usually
 *   gets the recorded refund back; at 100 % no answer ever arrives (a dead provider).
 */
export interface RefundDrill {
  declinePercent: number;
  timeoutPercent: number;
}

/** Failure reason of refunds the drill declines, so a drill's failures are told from real ones. */
export const DRILL_DECLINE_REASON = 'drill_declined';

/** True for a first attempt's key: `tenderRefundKey` ends in `:g1`; a key without a generation counts as a first attempt. */
export function isFirstGeneration(refundKey: string): boolean {
  const generation = /:g(\d+)$/.exec(refundKey);
  return !generation || generation[1] === '1';
}

/** Options after validation, with defaults applied. */
export type ResolvedSimulatedGatewayOptions = Required<Omit<SimulatedGatewayOptions, 'drill'>> & { drill: RefundDrill };

/** Validates options once, at construction, stating the contract and the value received. */
export function resolveSimulatedGatewayOptions(options: SimulatedGatewayOptions = {}): ResolvedSimulatedGatewayOptions {
  const settlementDelayMs = options.settlementDelayMs ?? DEFAULT_SETTLEMENT_DELAY_MS;
  if (!Number.isSafeInteger(settlementDelayMs) || settlementDelayMs < 0 || settlementDelayMs > MAX_SETTLEMENT_DELAY_MS) {
    throw new TypeError(
      `SimulatedGateway settlementDelayMs must be an integer of milliseconds from 0 to ${MAX_SETTLEMENT_DELAY_MS}, but got: ${String(options.settlementDelayMs)}`,
    );
  }
  return {
    settlementDelayMs,
    failureRate: rate('failureRate', options.failureRate),
    timeoutRate: rate('timeoutRate', options.timeoutRate),
    drill: options.drill ?? { declinePercent: 0, timeoutPercent: 0 },
  };
}

function rate(name: string, value: number | undefined): number {
  const resolved = value ?? 0;
  if (typeof resolved !== 'number' || !Number.isFinite(resolved) || resolved < 0 || resolved > 1) {
    throw new TypeError(`SimulatedGateway ${name} must be a probability from 0 to 1, but got: ${String(value)}`);
  }
  return resolved;
}

/**
 * A number in [0, 1) derived from the refund id and the purpose of the draw, so each refund's
 * "random" fate is fixed: the same in every run, in every process, before and after a crash.
 */
export function deterministicDraw(refundId: string, purpose: 'failure' | 'timeout' | 'drill-decline' | `drill-timeout:${number}`): number {
  const digest = createHash('sha256').update(`${purpose}:${refundId}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}
